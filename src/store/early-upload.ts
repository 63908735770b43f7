import type { ContentDigests } from '../core/model.js';
import type { BlobUpload, BlobUploads } from '../core/ports.js';

/** Reads staged bytes back (the staged file's positional read). */
type ReadAt = (buffer: Buffer, offset: number, length: number, position: number) => Promise<{ bytesRead: number }>;

/**
 * A staged file's bytes sent to the blob store as parts while the rest still arrives, read back from the file
 * (the page cache) as each part's bytes are written: the receipt and the blob's write overlap, and the publish
 * waits only for the last part. Begun once the file holds a whole part, so content smaller than one is written
 * once it is whole as before.
 *
 * The upload is an optimisation only: when any step of it fails, it is aborted and `complete()` answers undefined,
 * and the caller adopts the staged file as it would have without it (whose failure, if the store is down, is then
 * the one reported).
 */
export class EarlyUpload {
  private upload: Promise<BlobUpload> | undefined;
  /** Bytes handed to the chain of parts so far. */
  private queuedTo = 0;
  private chain: Promise<void> = Promise.resolve();
  private failed = false;
  private ended = false;
  private buffer: Buffer | undefined;

  constructor(private readonly uploads: BlobUploads, private readonly readAt: ReadAt) {}

  /** The staged file now holds bytes [0, end): sends the whole parts among them not yet sent. */
  written(end: number): void {
    const size = this.uploads.partSize;
    while (!this.failed && !this.ended && end - this.queuedTo >= size) {
      if (this.upload === undefined) {
        this.upload = this.uploads.begin();
        // Observed at once: the chain awaits it later, and a failure to begin only means no early upload.
        this.upload.catch(() => (this.failed = true));
      }
      this.queue(this.queuedTo, size);
      this.queuedTo += size;
    }
  }

  /**
   * After the file is whole (`size` bytes) and its check has passed: sends the rest and completes the blob.
   * Undefined when the upload never began or failed; the caller then stores the file itself.
   */
  async complete(size: number, digests: ContentDigests): Promise<string | undefined> {
    this.written(size); // whole parts first: the bytes finish() wrote last were not reported
    this.ended = true;
    if (this.upload === undefined) return undefined;
    if (!this.failed && size > this.queuedTo) this.queue(this.queuedTo, size - this.queuedTo);
    this.queuedTo = size;
    await this.chain;
    if (!this.failed) {
      try {
        const key = await (await this.upload).complete(digests);
        this.upload = undefined; // complete: nothing to abort
        return key;
      } catch {
        this.failed = true;
      }
    }
    await this.abort();
    return undefined;
  }

  /** Drops whatever was sent (the content was refused, or is stored another way). */
  async abort(): Promise<void> {
    this.ended = true;
    this.failed = true;
    const upload = this.upload;
    this.upload = undefined;
    if (upload === undefined) return;
    await this.chain;
    await upload.then((u) => u.abort()).catch(() => undefined);
  }

  private queue(position: number, length: number): void {
    this.chain = this.chain.then(async () => {
      if (this.failed) return;
      try {
        const upload = await this.upload!;
        // One part is in flight at a time, so one buffer serves them all.
        this.buffer ??= Buffer.allocUnsafe(this.uploads.partSize);
        const part = this.buffer.subarray(0, length);
        for (let at = 0; at < length;) {
          const { bytesRead } = await this.readAt(part, at, length - at, position + at);
          if (bytesRead === 0) throw new Error('staged file shorter than written');
          at += bytesRead;
        }
        await upload.part(part);
      } catch {
        this.failed = true;
      }
    });
  }
}
