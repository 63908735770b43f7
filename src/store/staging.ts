import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm, open } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { LayerDigest } from '../codec/digest.js';
import type { ContentDigests } from '../core/model.js';

/**
 * Where an upload lands while it arrives: a local file, hashed (SHA-256, CRC-64, size) as it is written,
 * so the bytes are read exactly once and never held in memory. The file then becomes the blob.
 */
export class StagingArea {
  constructor(readonly dir: string) {}

  /** Clears leftovers of a previous run (uploads that were in flight when it stopped). */
  async reset(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    await mkdir(this.dir, { recursive: true });
  }

  create(): StagedFile {
    return new StagedFile(join(this.dir, randomBytes(16).toString('hex')));
  }
}

export class StagedFile {
  private readonly out: WriteStream;
  private readonly digest = new LayerDigest();
  private failure: Error | undefined;
  private finished: ContentDigests | undefined;
  private discarded = false;
  private bytes = 0;

  constructor(readonly path: string) {
    this.out = createWriteStream(path, { highWaterMark: 4 * 1024 * 1024 });
    this.out.on('error', (err) => (this.failure ??= err));
  }

  get bytesWritten(): number {
    return this.bytes;
  }

  /** Writes a chunk; resolves at once unless the disk is behind, so callers stop reading until it drains. */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    this.digest.update(chunk);
    this.bytes += chunk.length;
    if (!this.out.write(chunk)) await this.drained();
    if (this.failure) throw this.failure;
  }

  /** Resolves on 'drain' or 'error' (the failure is then thrown by the caller), leaving no listener behind. */
  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('error', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('error', done);
    });
  }

  /** Flushes and syncs the file; the digests describe exactly the bytes on disk. */
  async finish(): Promise<ContentDigests> {
    if (this.finished) return this.finished;
    if (this.failure) throw this.failure;
    this.out.end();
    await once(this.out, 'close');
    if (this.failure) throw this.failure;
    const fh = await open(this.path, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    this.finished = this.digest.result();
    return this.finished;
  }

  /** Removes the file; safe to call more than once and after the blob store adopted it (then a no-op). */
  async discard(): Promise<void> {
    if (this.discarded) return;
    this.discarded = true;
    if (!this.out.closed) {
      this.out.destroy();
      await once(this.out, 'close').catch(() => undefined);
    }
    await rm(this.path, { force: true });
  }
}
