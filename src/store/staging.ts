import { randomBytes } from 'node:crypto';
import { mkdir, rm, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { LayerDigest } from '../codec/digest.js';
import type { ContentDigests } from '../core/model.js';

/**
 * Where an upload lands while it arrives: a local file, hashed (SHA-256, CRC-64, size) as it is written,
 * so the bytes are received once and never held in memory beyond SMALL per upload. The file then becomes
 * the blob.
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

/** Content up to this size is written once, at finish(), and stays readable from memory (see `bytes`). */
const SMALL = 1 << 20;
/** Writes wait while more than this is queued for the disk (back-pressure towards the socket). */
const HIGH_WATER = 1 << 20;
/** During a large upload, the written part is synced every this many bytes, so finish() has little left to sync. */
const SYNC_EVERY = 8 << 20;

/**
 * One staged upload. Chunks are queued and written by one writer loop (several at a time, with writev);
 * `finish()` resolves once every byte is written and starts the fsync, which `synced()` awaits: the zip
 * check can read the file meanwhile, through `read()`.
 */
export class StagedFile {
  private readonly digest = new LayerDigest();
  private readonly opening: Promise<FileHandle>;
  private handle: FileHandle | undefined;
  private failure: Error | undefined;
  private finished: ContentDigests | undefined;
  private syncing: Promise<void> | undefined;
  private discarded = false;
  private moved = false;
  private bytes = 0;
  /** Received and not yet handed to the disk, and its size; while small, the whole content. */
  private queue: Buffer[] = [];
  private queued = 0;
  private writing: Promise<void> | undefined;
  private sinceSync = 0;
  private rangeSync: Promise<void> | undefined;

  constructor(readonly path: string) {
    // Read and write: the zip check reads the file through the same handle.
    this.opening = open(path, 'wx+');
    this.opening.then((fh) => (this.handle = fh), (err: Error) => (this.failure ??= err));
  }

  get bytesWritten(): number {
    return this.bytes;
  }

  /** The whole content, when it is small enough to have been kept in memory; else undefined. */
  get contentInMemory(): Buffer | undefined {
    if (this.bytes > SMALL || this.writing !== undefined) return undefined;
    return this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue, this.queued);
  }

  /** Takes a chunk (the caller must not reuse it); resolves at once unless the disk is behind. */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    this.digest.update(chunk);
    this.bytes += chunk.length;
    this.queue.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.queued += chunk.length;
    if (this.bytes <= SMALL) return;
    this.writing ??= this.drain();
    while (this.queued > HIGH_WATER && !this.failure) await this.writing;
    if (this.failure) throw this.failure;
  }

  /** Writes what is queued until nothing is; then `writing` is cleared for the next burst. */
  private async drain(): Promise<void> {
    try {
      const fh = this.handle ?? (await this.opening);
      while (this.queue.length > 0) {
        const chunks = this.queue;
        this.queue = [];
        const size = this.queued;
        await writeAll(fh, chunks, size);
        this.queued -= size;
        this.sinceSync += size;
        if (this.sinceSync >= SYNC_EVERY && this.rangeSync === undefined) {
          this.sinceSync = 0;
          // Not awaited: the disk writes back while more arrives; finish() waits for it.
          this.rangeSync = fh.datasync().finally(() => (this.rangeSync = undefined));
          this.rangeSync.catch((err: Error) => (this.failure ??= err));
        }
      }
    } catch (err) {
      this.failure ??= err as Error;
    } finally {
      this.writing = undefined;
    }
  }

  /** Resolves once every byte is written; the digests describe exactly those bytes. Starts the fsync. */
  async finish(): Promise<ContentDigests> {
    if (this.finished) return this.finished;
    if (this.failure) throw this.failure;
    const fh = this.handle ?? (await this.opening);
    while (this.writing) await this.writing;
    if (this.queue.length > 0) {
      // Small content: one write, and the chunks stay for `contentInMemory`.
      await writeAll(fh, this.queue, this.queued);
    }
    if (this.failure) throw this.failure;
    this.syncing = (async () => {
      await this.rangeSync;
      await fh.sync();
    })();
    this.syncing.catch(() => undefined); // reported by synced()
    this.finished = this.digest.result();
    return this.finished;
  }

  /** Resolves once the file's bytes are on the disk (after finish()). */
  async synced(): Promise<void> {
    if (!this.syncing) throw new Error('StagedFile.synced() before finish()');
    await this.syncing;
    if (this.failure) throw this.failure;
  }

  /** The staged bytes, for the zip check (a ZipSource). */
  get size(): number {
    return this.bytes;
  }

  /** Positional read of the staged bytes (after finish()), for the zip check. */
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    return this.handle!.read(buffer, offset, length, position);
  }

  /** The file was moved to its final place (it is no longer at `path`): discard() leaves it alone. */
  markMoved(): void {
    this.moved = true;
  }

  /** Closes and removes the file; safe to call more than once, and after a move (then it only closes). */
  async discard(): Promise<void> {
    if (this.discarded) return;
    this.discarded = true;
    this.queue = [];
    await this.writing;
    await this.syncing?.catch(() => undefined);
    const fh = await this.opening.catch(() => undefined);
    await fh?.close().catch(() => undefined);
    if (!this.moved) await rm(this.path, { force: true });
  }
}

/** Writes all of `chunks` at the file's current position (writev may write less than asked). */
async function writeAll(fh: FileHandle, chunks: Buffer[], size: number): Promise<void> {
  let { bytesWritten } = await fh.writev(chunks);
  while (bytesWritten < size) {
    const rest = Buffer.concat(chunks, size).subarray(bytesWritten);
    bytesWritten += (await fh.write(rest)).bytesWritten;
  }
}
