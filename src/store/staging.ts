import { mkdir, rm, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { newBlobKey } from '../core/blob-keys.js';
import { LayerDigest } from '../codec/digest.js';
import { StoredEntryScanner } from '../codec/zip-stored-scan.js';
import type { Durability } from '../config.js';
import type { ContentDigests } from '../core/model.js';
import type { BlobUploads } from '../core/ports.js';
import { EarlyUpload } from './early-upload.js';

/**
 * Where an upload lands while it arrives: a local file, hashed (SHA-256, CRC-64, size) as it is written,
 * so the bytes are received once and never held in memory beyond SMALL per upload. The file then becomes
 * the blob.
 */
export class StagingArea {
  /**
   * `durability` power: each staged file is synced to the disk before it may become a blob. process: it is not,
   * since the kernel's page cache outlives the process and a kill -9 loses no written byte (README "Durability").
   */
  /**
   * `uploads`: the blob store's, for content staged to become a blob (`create({ toBlobStore })`), which is then
   * sent to the store while it arrives (EarlyUpload).
   */
  constructor(
    readonly dir: string, readonly durability: Durability = 'power', private readonly uploads?: BlobUploads,
  ) {}

  /** Clears leftovers of a previous run (uploads that were in flight when it stopped). */
  async reset(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    await mkdir(this.dir, { recursive: true });
  }

  /**
   * `keepSmallInMemory`: content up to SMALL never touches the staging directory (no file is opened unless it grows
   * past that), for a consumer that takes it from `contentInMemory` (a publish writes such content straight to its
   * blob). Everyone else gets a file at `path`, whatever the size. `toBlobStore`: the content is to become a blob;
   * with a store that takes uploads, its whole parts are sent as they are written (see `uploadedBlob`).
   */
  create(opts: { keepSmallInMemory?: boolean; toBlobStore?: boolean } = {}): StagedFile {
    return new StagedFile(
      () => join(this.dir, newBlobKey()), this.durability === 'power', opts.keepSmallInMemory ?? false,
      opts.toBlobStore ? this.uploads : undefined,
    );
  }
}

/** Content up to this size is written once, at finish(), and stays readable from memory (see `contentInMemory`). */
const SMALL = 1 << 20;
/** Writes wait while more than this is queued for the disk (back-pressure towards the socket). */
const HIGH_WATER = 1 << 20;
/** During a large upload, the written part is synced every this many bytes, so finish() has little left to sync. */
const SYNC_EVERY = 8 << 20;
/**
 * Received bytes are copied into blocks of this size, which are reused once written: an upload holds a few
 * at most, whatever its size, and leaves no garbage buffers behind for the collector (which lets tens of MiB
 * of dead Buffers pile up before it runs).
 */
const BLOCK = 256 << 10;
/** Written blocks kept for the next uploads. */
const spare: Buffer[] = [];
const SPARE_MAX = 8;
/**
 * The first block of content that may stay in memory (`keepSmall`): most such content is a few KiB, and a 256 KiB
 * block held for each of them, 8 uploads at a time, grew the main malloc arena by 4 MiB in the benchmark's bursts of
 * 1 KB publishes. Not pooled: it is garbage as soon as the content has been stored.
 */
const FIRST_SMALL_BLOCK = 16 << 10;

function takeBlock(): Buffer {
  return spare.pop() ?? Buffer.allocUnsafe(BLOCK);
}

function giveBack(blocks: Buffer[]): void {
  for (const b of blocks) if (b.length === BLOCK && spare.length < SPARE_MAX) spare.push(b);
}

/**
 * One staged upload. Bytes are copied into blocks; full blocks are written by one writer loop (several at a
 * time, with writev). `finish()` resolves once every byte is written and starts the fsync (when `toDisk`), which
 * `synced()` awaits: the zip check can read the file meanwhile, through `read()`.
 */
export class StagedFile {
  /** The CRC-32s of the zip's stored entries, seen as the bytes went by (the zip check need not reread them). */
  readonly storedCrcs = new StoredEntryScanner();
  private readonly digest = new LayerDigest();
  private opening: Promise<FileHandle> | undefined;
  private handle: FileHandle | undefined;
  private filePath: string | undefined;
  private failure: Error | undefined;
  private finished: ContentDigests | undefined;
  private syncing: Promise<void> | undefined;
  private discarded = false;
  private moved = false;
  private bytes = 0;
  /** Full blocks not yet written, and their size. */
  private full: Buffer[] = [];
  private queued = 0;
  /** The block being filled. */
  private current: Buffer | undefined;
  private fill = 0;
  /** Small content: its blocks and their filled views, kept until discard() for `contentInMemory`. */
  private kept: Buffer[] = [];
  private keptViews: Buffer[] = [];
  private writing: Promise<void> | undefined;
  private sinceSync = 0;
  private rangeSync: Promise<void> | undefined;
  private contentCache: Buffer | undefined;
  private readonly early: EarlyUpload | undefined;

  /**
   * `toDisk`: sync the bytes to the disk (finish() starts it, synced() awaits it); else they stay with the kernel.
   * `keepSmall`: open no file unless the content grows past SMALL (see StagingArea.create).
   */
  constructor(
    private readonly pathOf: () => string, private readonly toDisk = true, private readonly keepSmall = false,
    uploads?: BlobUploads,
  ) {
    this.early = uploads && new EarlyUpload(uploads, (buffer, offset, length, position) => this.read(buffer, offset, length, position));
    // Opened at once otherwise, so that the open overlaps the first bytes' arrival.
    if (!keepSmall) void this.openFile();
  }

  /** The staged file's path; for content kept in memory (`inMemory`), where a file would go, which does not exist. */
  get path(): string {
    this.filePath ??= this.pathOf();
    return this.filePath;
  }

  /** After finish(): the content is in memory only (`contentInMemory`), with no file at `path`. */
  get inMemory(): boolean {
    return this.finished !== undefined && this.opening === undefined;
  }

  private openFile(): Promise<FileHandle> {
    if (!this.opening) {
      // Read and write: the zip check reads the file through the same handle.
      this.opening = open(this.path, 'wx+');
      this.opening.then((fh) => (this.handle = fh), (err: Error) => (this.failure ??= err));
    }
    return this.opening;
  }

  get bytesWritten(): number {
    return this.bytes;
  }

  /** The whole content, after finish(), when it is small enough to have been kept in memory; else undefined. */
  get contentInMemory(): Buffer | undefined {
    if (!this.finished || this.bytes > SMALL) return undefined;
    const views = this.keptViews;
    this.contentCache ??= views.length === 1 ? views[0]! : Buffer.concat(views, this.bytes);
    return this.contentCache;
  }

  /** Copies a chunk in (the caller may reuse it at once). Call ready() before more arrives. */
  append(chunk: Uint8Array): void {
    if (this.failure) throw this.failure;
    this.digest.update(chunk);
    this.storedCrcs.update(chunk);
    // The content's first block: no byte came before this chunk's first.
    const first = this.keepSmall && this.bytes === 0;
    this.bytes += chunk.length;
    for (let from = 0; from < chunk.length;) {
      this.current ??= first && from === 0 ? Buffer.allocUnsafe(FIRST_SMALL_BLOCK) : takeBlock();
      const n = Math.min(chunk.length - from, this.current.length - this.fill);
      this.current.set(chunk.subarray(from, from + n), this.fill);
      from += n;
      this.fill += n;
      if (this.fill === this.current.length) {
        this.full.push(this.current);
        this.queued += this.current.length;
        this.current = undefined;
        this.fill = 0;
      }
    }
  }

  /** Resolves at once unless the disk is behind; then once it has caught up. */
  async ready(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.bytes <= SMALL || this.full.length === 0) return;
    this.writing ??= this.drain();
    while (this.queued > HIGH_WATER && !this.failure) await this.writing;
    if (this.failure) throw this.failure;
  }

  /** Copies a chunk in and waits for the disk if it is behind. */
  async write(chunk: Uint8Array): Promise<void> {
    this.append(chunk);
    await this.ready();
  }

  /** Writes full blocks until none is left; then `writing` is cleared for the next burst. */
  private async drain(): Promise<void> {
    try {
      const fh = this.handle ?? (await this.openFile());
      while (this.full.length > 0) {
        const blocks = this.full;
        this.full = [];
        const size = blocks.reduce((sum, b) => sum + b.length, 0);
        await writeAll(fh, blocks, size);
        giveBack(blocks);
        this.queued -= size;
        // What is in the file: all appended but the blocks still queued and the one being filled.
        this.early?.written(this.bytes - this.queued - this.fill);
        this.sinceSync += size;
        if (this.toDisk && this.sinceSync >= SYNC_EVERY && this.rangeSync === undefined) {
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

  /** Resolves once every byte is written; the digests describe exactly those bytes. Starts the fsync (if toDisk). */
  async finish(): Promise<ContentDigests> {
    if (this.finished) return this.finished;
    if (this.failure) throw this.failure;
    // Small content that stays in memory has no file: nothing to write or sync here (its store writes it).
    const inMemory = this.keepSmall && this.opening === undefined && this.bytes <= SMALL;
    const fh = inMemory ? undefined : (this.handle ?? (await this.openFile()));
    while (this.writing) await this.writing;
    if (this.failure) throw this.failure;
    const last = this.current === undefined ? [] : [this.current];
    const rest = [...this.full, ...last.map((b) => b.subarray(0, this.fill))];
    if (fh && rest.length > 0) await writeAll(fh, rest, this.queued + this.fill);
    if (this.bytes <= SMALL) [this.kept, this.keptViews] = [[...this.full, ...last], rest];
    else giveBack([...this.full, ...last]);
    this.full = [];
    this.current = undefined;
    this.queued = 0;
    this.syncing = fh && this.toDisk
      ? (async () => {
          await this.rangeSync;
          await fh.sync();
        })()
      : Promise.resolve();
    this.syncing.catch(() => undefined); // reported by synced()
    this.finished = this.digest.result();
    return this.finished;
  }
  /** Resolves once the file's bytes are on the disk, or at once when they need not be (after finish()). */
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

  /**
   * After the check: the blob the content was sent to while it arrived (`toBlobStore`), completed now, or undefined
   * when none was (too small for a part, a store without uploads, or a failed upload); the caller then stores the
   * file as usual.
   */
  uploadedBlob(digests: ContentDigests): Promise<string | undefined> {
    return this.early ? this.early.complete(this.bytes, digests) : Promise.resolve(undefined);
  }

  /** The file was moved to its final place (it is no longer at `path`): discard() leaves it alone. */
  markMoved(): void {
    this.moved = true;
  }

  /** Closes and removes the file; safe to call more than once, and after a move (then it only closes). */
  async discard(): Promise<void> {
    if (this.discarded) return;
    this.discarded = true;
    await this.early?.abort();
    await this.writing;
    giveBack([...this.kept, ...this.full, ...(this.current ? [this.current] : [])]);
    [this.kept, this.keptViews, this.full, this.current] = [[], [], [], undefined];
    this.contentCache = undefined;
    await this.syncing?.catch(() => undefined);
    if (this.opening === undefined) return; // no file was made
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
