import type { Readable } from 'node:stream';
import type { ContentDigests } from '../../core/model.js';

/** Immutable blobs under unguessable keys. */
export interface BlobStore {
  /**
   * Takes a finished local file as a new blob (moved where possible, else streamed). `digests` are the file's,
   * computed while it was written, so stores that want a payload hash need not read it twice.
   */
  adopt(localPath: string, digests: ContentDigests): Promise<string>;
  /** Whether adopt() moves the local file (it is then no longer at its path) rather than copying it. */
  readonly adoptMovesFile: boolean;
  /** The blob's bytes, or undefined when there is no such blob. */
  open(key: string): Promise<{ stream: Readable; size: number } | undefined>;
  /** Removes a blob; removing a missing blob is not an error. */
  delete(key: string): Promise<void>;
  /** Removes blobs that `isReferenced` does not claim (left by a crash between blob and metadata). */
  sweep(isReferenced: (key: string) => boolean): Promise<number>;
}
