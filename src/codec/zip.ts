/**
 * Inspection of an uploaded layer zip that is already spooled to disk.
 *
 * The archive is never extracted and never held in memory (unless the caller has it there already): yauzl
 * reads it through a small block cache over one file or ZipSource (3 × 1 MiB blocks), and entry data is inflated into a sink that only counts bytes
 * and computes the CRC-32 before discarding them.
 *
 * Two passes over the central directory, each stopping at the first problem:
 *   1. listing (always): count entries, sum declared uncompressed sizes, refuse what yauzl refuses,
 *      unsupported/encrypted entries, declared totals at or above the limit, and sizes that are
 *      impossible on their face (stored entry with compressed ≠ uncompressed; deflate ratio > 1032:1);
 *   2. deep (unless `deep: false`): per entry, compare the local file header to the central directory,
 *      then inflate the data, checking the actual size against the declared one and the CRC-32. A stored
 *      entry whose exact data range the caller saw stream in (StreamedCrcs, zip-stored-scan.ts) is checked
 *      against the CRC-32 computed then, without reading its data again. Entries
 *      over 256 KiB are streamed through yauzl's openReadStream (validateEntrySizes) into a counting sink;
 *      smaller ones are read whole and inflated in one call with the output capped at declared + 1 byte,
 *      because a stream pipeline's fixed cost (~0.1–0.3 ms) would dominate layers of many small files.
 * Nothing is inflated before the whole central directory has passed pass 1, so a declared bomb is
 * refused without inflating a byte. Memory stays bounded: 3 MiB of cache plus at most ~0.5 MiB per entry.
 *
 * Problems: see ZipProblem. yauzl/zlib rejections map to 'not-a-zip' (its size-assertion messages to
 * 'sizes-lie'); fs failures (ENOENT, EIO…) are rethrown as they are, not blamed on the zip.
 */
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { crc32 } from './zip-stored-scan.js';

export type ZipProblem = 'not-a-zip' | 'empty' | 'unzipped-too-large' | 'too-many-entries' | 'sizes-lie';

export class ZipInspectionError extends Error {
  override readonly name = 'ZipInspectionError';
  constructor(
    readonly problem: ZipProblem,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message, detail instanceof Error ? { cause: detail } : undefined);
  }
}

export interface ZipSummary {
  /** Central-directory records, directories included. */
  entries: number;
  /** Entries whose name does not end in '/'. */
  files: number;
  /** Sum of the declared uncompressed sizes (equal to the actual sum when `deep` verified it). */
  uncompressedSize: number;
}

export interface ZipLimits {
  /** Refuse ('unzipped-too-large') when the total declared, or actual, uncompressed size is >= this. */
  maxUncompressedSize: number;
  /** Refuse ('too-many-entries') when the archive has more entries than this. Undefined: unlimited. */
  maxEntries?: number;
  /** Inflate every entry to verify the declared sizes and CRC-32s (default true). */
  deep?: boolean;
}

/** Cache geometry for the random-access reader. */
const BLOCK_SIZE = 1 << 20;
const MAX_CACHED_BLOCKS = 3;
/** Largest chunk pushed by a range stream (a view into a cached block, so no copy). */
const MAX_STREAM_CHUNK = 256 << 10;
/** Entries up to this size (compressed and uncompressed) are verified in memory rather than streamed. */
const SMALL_ENTRY = 256 << 10;
/** Deflate cannot expand more than ~1032:1; the slack covers tiny entries. */
const MAX_DEFLATE_RATIO = 1032;
const DEFLATE_RATIO_SLACK = 64;
const CENTRAL_RECORD_MIN = 46;
const LOCAL_HEADER_MIN = 30;
const ZIP64_EXTRA_ID = 0x0001;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_DATA_DESCRIPTOR = 0x0008;
/** Zips of at most this many entries are read once when all are small (a layer of one file, say): see inspectZip. */
const KEPT_ENTRIES = 64;


/** Random access to the archive's bytes: a file the caller has open, say. */
export interface ZipSource {
  readonly size: number;
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

/** CRC-32s of data ranges computed while the archive streamed in (zip-stored-scan.ts). */
export interface StreamedCrcs {
  crcOf(start: number, length: number): number | undefined;
}

/**
 * Inspects the zip at a path, in memory, or behind a ZipSource (which the caller keeps open and closes).
 * Stored entries whose data `streamed` saw go by are checked against its CRC-32 instead of being read again.
 */
export async function inspectZip(
  input: string | Buffer | ZipSource, limits: ZipLimits, streamed?: StreamedCrcs,
): Promise<ZipSummary> {
  let handle: FileHandle | undefined;
  let source: ZipSource;
  if (typeof input === 'string') {
    handle = await openFile(input, 'r');
    const opened = handle;
    source = { size: (await opened.stat()).size, read: (b, o, l, p) => opened.read(b, o, l, p) };
  } else if (Buffer.isBuffer(input)) {
    source = { size: input.length, read: async (b, o, l, p) => ({ bytesRead: input.copy(b, o, p, Math.min(p + l, input.length)) }) };
  } else {
    source = input;
  }
  const reader = new BlockCacheReader(source);
  let zip: yauzl.ZipFile | undefined;
  try {
    zip = await openZip(reader, false);
    const kept: yauzl.Entry[] | undefined = zip.entryCount <= KEPT_ENTRIES ? [] : undefined;
    const summary = await listEntries(zip, reader.size, limits, kept);
    if (limits.deep ?? true) {
      // A few small entries are verified from the records pass 1 read. Others need a second reading of the central
      // directory: keeping 100,000 records would cost tens of MiB, and only a zip opened with validateEntrySizes
      // streams an entry with yauzl's size checks (which pass 1 must not apply: it words those refusals itself).
      if (kept?.every(isSmall)) await verifyEntries(zip, kept, reader, limits, streamed);
      else {
        zip.close();
        zip = await openZip(reader, true);
        await verifyEntries(zip, zip.eachEntry(), reader, limits, streamed);
      }
    }
    return summary;
  } catch (err) {
    throw classify(err);
  } finally {
    zip?.close();
    reader.dispose();
    await handle?.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Pass 1: the central directory alone.

/** `kept`: collects the records, for pass 2 to use instead of reading them again. */
async function listEntries(zip: yauzl.ZipFile, size: number, limits: ZipLimits, kept?: yauzl.Entry[]): Promise<ZipSummary> {
  checkEntryCount(zip, size, limits);
  let entries = 0;
  let files = 0;
  let declared = 0;
  for await (const entry of zip.eachEntry()) {
    checkEntryCheaply(entry, size);
    kept?.push(entry);
    entries += 1;
    if (!entry.fileName.endsWith('/')) files += 1;
    declared += entry.uncompressedSize;
    if (declared >= limits.maxUncompressedSize) {
      throw new ZipInspectionError(
        'unzipped-too-large',
        `declared uncompressed size reaches ${declared} bytes after ${entries} entries; the limit is under ${limits.maxUncompressedSize}`,
        { entry: entry.fileName, declared },
      );
    }
  }
  return { entries, files, uncompressedSize: declared };
}

function checkEntryCount(zip: yauzl.ZipFile, fileSize: number, limits: ZipLimits): void {
  const count = zip.entryCount;
  if (count === 0) throw new ZipInspectionError('empty', 'the zip has no entries');
  if (limits.maxEntries !== undefined && count > limits.maxEntries) {
    throw new ZipInspectionError(
      'too-many-entries',
      `the zip has ${count} entries; at most ${limits.maxEntries} are allowed`,
      { entries: count },
    );
  }
  if (count * CENTRAL_RECORD_MIN > fileSize) {
    throw new ZipInspectionError('not-a-zip', `the zip claims ${count} entries, more than its ${fileSize} bytes can hold`);
  }
}

function checkEntryCheaply(entry: yauzl.Entry, fileSize: number): void {
  const name = entry.fileName;
  if (entry.isEncrypted()) {
    throw new ZipInspectionError('not-a-zip', `entry ${name} is encrypted`, { entry: name });
  }
  const { compressionMethod: method, compressedSize, uncompressedSize } = entry;
  if (method !== 0 && method !== 8) {
    throw new ZipInspectionError('not-a-zip', `entry ${name} uses unsupported compression method ${method}`, {
      entry: name,
      compressionMethod: method,
    });
  }
  if (method === 0 && compressedSize !== uncompressedSize) {
    throw new ZipInspectionError(
      'sizes-lie',
      `stored entry ${name} declares ${compressedSize} compressed but ${uncompressedSize} uncompressed bytes`,
      { entry: name, compressedSize, uncompressedSize },
    );
  }
  if (method === 8 && uncompressedSize > compressedSize * MAX_DEFLATE_RATIO + DEFLATE_RATIO_SLACK) {
    throw new ZipInspectionError(
      'sizes-lie',
      `entry ${name} declares ${uncompressedSize} bytes from ${compressedSize} deflated bytes, beyond deflate's maximum ratio`,
      { entry: name, compressedSize, uncompressedSize },
    );
  }
  if (entry.relativeOffsetOfLocalHeader + LOCAL_HEADER_MIN + compressedSize > fileSize) {
    throw new ZipInspectionError('not-a-zip', `entry ${name} lies outside the archive`, { entry: name });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Pass 2: local headers and the data itself.

async function verifyEntries(
  zip: yauzl.ZipFile, records: Iterable<yauzl.Entry> | AsyncIterable<yauzl.Entry>, reader: BlockCacheReader,
  limits: ZipLimits, streamed?: StreamedCrcs,
): Promise<void> {
  let actualTotal = 0;
  for await (const entry of records) {
    const local = await readLocalFileHeader(zip, entry);
    checkLocalHeader(entry, local);
    // A stored entry's data is its bytes as they are: the CRC-32 of that exact range, if it streamed by, is all.
    const seen = entry.compressionMethod === 0 ? streamed?.crcOf(local.fileDataStart, entry.compressedSize) : undefined;
    if (seen !== undefined) checkInflated(entry, entry.compressedSize, seen);
    actualTotal += seen !== undefined ? entry.compressedSize : isSmall(entry)
      ? await verifySmallEntry(reader, entry, local.fileDataStart)
      : await verifyStreamedEntry(zip, entry, actualTotal, limits.maxUncompressedSize);
    if (actualTotal >= limits.maxUncompressedSize) {
      throw new ZipInspectionError('unzipped-too-large', `the zip inflates to at least ${actualTotal} bytes`, {
        entry: entry.fileName,
      });
    }
  }
}

function isSmall(entry: yauzl.Entry): boolean {
  return entry.compressedSize <= SMALL_ENTRY && entry.uncompressedSize <= SMALL_ENTRY;
}

/**
 * A stream pipeline costs ~0.1–0.3 ms per entry whatever its size, which dominates layers of many small
 * files; entries of at most SMALL_ENTRY bytes either way are read into memory and inflated in one call
 * instead, the output capped one byte past the declared size. Returns the actual size.
 */
async function verifySmallEntry(reader: BlockCacheReader, entry: yauzl.Entry, dataStart: number): Promise<number> {
  const name = entry.fileName;
  const raw = Buffer.allocUnsafe(entry.compressedSize);
  const got = await reader.readAt(raw, 0, raw.length, dataStart);
  if (got < raw.length) throw new ZipInspectionError('not-a-zip', `entry ${name} is truncated`, { entry: name });
  let data = raw;
  if (entry.compressionMethod === 8) {
    try {
      data = zlib.inflateRawSync(raw, { maxOutputLength: entry.uncompressedSize + 1 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new ZipInspectionError('sizes-lie', `entry ${name} inflates to more than its declared ${entry.uncompressedSize} bytes`, {
          entry: name,
        });
      }
      throw err; // a zlib data error: classified as not-a-zip
    }
  }
  checkInflated(entry, data.length, crc32(data));
  return data.length;
}

/** Streams the entry through yauzl (inflate + validateEntrySizes) into a counting, discarding sink. */
async function verifyStreamedEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  totalBefore: number,
  maxTotal: number,
): Promise<number> {
  const data = await openReadStream(zip, entry);
  const sink = new VerifyingSink(entry, totalBefore, maxTotal);
  await pipeline(data, sink);
  checkInflated(entry, sink.bytes, sink.crc);
  return sink.bytes;
}

/** What only the end of the data can tell. */
function checkInflated(entry: yauzl.Entry, bytes: number, crc: number): void {
  const name = entry.fileName;
  if (bytes !== entry.uncompressedSize) {
    throw new ZipInspectionError(
      'sizes-lie',
      `entry ${name} inflates to ${bytes} bytes but declares ${entry.uncompressedSize}`,
      { entry: name, declared: entry.uncompressedSize, actual: bytes },
    );
  }
  if (crc >>> 0 !== entry.crc32 >>> 0) {
    throw new ZipInspectionError('not-a-zip', `entry ${name} fails its CRC-32 check`, { entry: name });
  }
}

function checkLocalHeader(entry: yauzl.Entry, local: yauzl.LocalFileHeader): void {
  const name = entry.fileName;
  const refuse = (problem: ZipProblem, what: string, detail: Record<string, unknown> = {}): never => {
    throw new ZipInspectionError(problem, `entry ${name}: the local file header ${what}`, { entry: name, ...detail });
  };
  if (!local.fileName.equals(entry.fileNameRaw)) refuse('not-a-zip', 'names a different file');
  if (local.compressionMethod !== entry.compressionMethod) refuse('not-a-zip', 'has a different compression method');
  if ((local.generalPurposeBitFlag & FLAG_ENCRYPTED) !== 0) refuse('not-a-zip', 'says the entry is encrypted');
  // With a data descriptor the local CRC and sizes are placeholders; the data check below still applies.
  if ((local.generalPurposeBitFlag & FLAG_DATA_DESCRIPTOR) !== 0) return;
  if (local.crc32 !== entry.crc32) refuse('not-a-zip', 'has a different CRC-32');

  let { uncompressedSize, compressedSize } = local;
  if (uncompressedSize === 0xffffffff || compressedSize === 0xffffffff) {
    const data = yauzl.parseExtraFields(local.extraField).find((f) => f.id === ZIP64_EXTRA_ID)?.data;
    // In a local header the Zip64 field must hold both sizes (uncompressed first); tolerate writers that
    // store only the one that overflowed.
    if (data !== undefined && data.length >= 16) {
      if (uncompressedSize === 0xffffffff) uncompressedSize = readUInt64LE(data, 0);
      if (compressedSize === 0xffffffff) compressedSize = readUInt64LE(data, 8);
    } else if (data !== undefined && data.length >= 8) {
      if (uncompressedSize === 0xffffffff) uncompressedSize = readUInt64LE(data, 0);
      else compressedSize = readUInt64LE(data, 0);
    }
  }
  // A field still at 0xffffffff had no readable Zip64 value: leave it to the data check.
  if (uncompressedSize !== 0xffffffff && uncompressedSize !== entry.uncompressedSize) {
    refuse('sizes-lie', `declares ${uncompressedSize} uncompressed bytes, the central directory ${entry.uncompressedSize}`, {
      localSize: uncompressedSize,
      centralSize: entry.uncompressedSize,
    });
  }
  if (compressedSize !== 0xffffffff && compressedSize !== entry.compressedSize) {
    refuse('sizes-lie', `declares ${compressedSize} compressed bytes, the central directory ${entry.compressedSize}`, {
      localSize: compressedSize,
      centralSize: entry.compressedSize,
    });
  }
}

/** Counts and checksums the inflated bytes of one entry, then drops them. */
class VerifyingSink extends Writable {
  bytes = 0;
  crc = 0;

  constructor(
    private readonly entry: yauzl.Entry,
    private readonly totalBefore: number,
    private readonly maxTotal: number,
  ) {
    super({ highWaterMark: 64 << 10 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.bytes += chunk.length;
    const name = this.entry.fileName;
    if (this.bytes > this.entry.uncompressedSize) {
      done(
        new ZipInspectionError('sizes-lie', `entry ${name} inflates to more than its declared ${this.entry.uncompressedSize} bytes`, {
          entry: name,
        }),
      );
      return;
    }
    if (this.totalBefore + this.bytes >= this.maxTotal) {
      done(
        new ZipInspectionError('unzipped-too-large', `the zip inflates to at least ${this.totalBefore + this.bytes} bytes`, {
          entry: name,
        }),
      );
      return;
    }
    this.crc = crc32(chunk, this.crc);
    done();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Mapping foreign errors.

/** Messages of yauzl's AssertByteCountStream and its stored-entry check: the declared sizes were false. */
const SIZE_LIE_MESSAGES = /too many bytes in the stream|not enough bytes in the stream|compressed\/uncompressed size mismatch/;

function classify(err: unknown): unknown {
  if (err instanceof ZipInspectionError) return err;
  if (err instanceof ReaderIoError) return err.cause; // the disk failed, not the zip
  const message = err instanceof Error ? err.message : String(err);
  if (SIZE_LIE_MESSAGES.test(message)) {
    return new ZipInspectionError('sizes-lie', `declared sizes are false: ${message}`, err);
  }
  // Everything else yauzl or zlib rejects: no EOCD, truncation, bad signatures, bad names, zlib data errors…
  return new ZipInspectionError('not-a-zip', `not a valid zip: ${message}`, err);
}

// ---------------------------------------------------------------------------------------------------------
// yauzl plumbing.

function openZip(reader: BlockCacheReader, validateEntrySizes: boolean): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    try {
      yauzl.fromRandomAccessReader(
        reader,
        reader.size,
        { lazyEntries: true, autoClose: false, decodeStrings: true, strictFileNames: false, validateEntrySizes },
        (err, zip) => (err ? reject(err) : resolve(zip)),
      );
    } catch (err) {
      reject(err);
    }
  });
}

function readLocalFileHeader(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<yauzl.LocalFileHeader> {
  return new Promise((resolve, reject) => {
    zip.readLocalFileHeader(entry, { minimal: false }, (err, header) => (err ? reject(err) : resolve(header)));
  });
}

function openReadStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    try {
      zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(stream)));
    } catch (err) {
      reject(err);
    }
  });
}

/** An fs failure while reading: rethrown as itself rather than blamed on the zip. */
class ReaderIoError extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * A yauzl RandomAccessReader serving reads from a small LRU cache of fixed, aligned blocks of one file
 * handle. Central-directory records and local headers are tens of bytes each, so stock yauzl would issue
 * two reads per entry; here a 1 MiB block serves thousands of them. The handle belongs to the caller.
 */
class BlockCacheReader extends yauzl.RandomAccessReader {
  readonly size: number;
  /** In LRU order (most recent last); `data` is set once the block is loaded. */
  private readonly blocks = new Map<number, { loading: Promise<Buffer>; data?: Buffer }>();
  private disposed = false;

  constructor(private readonly source: ZipSource) {
    super();
    this.size = source.size;
  }

  /** No further reads; the caller then closes the handle (which waits for reads in flight). */
  dispose(): void {
    this.disposed = true;
    this.blocks.clear();
  }

  private touch(index: number): { loading: Promise<Buffer>; data?: Buffer } {
    let slot = this.blocks.get(index);
    if (slot !== undefined) {
      this.blocks.delete(index);
      this.blocks.set(index, slot);
      return slot;
    }
    const loading = this.load(index);
    const fresh: { loading: Promise<Buffer>; data?: Buffer } = { loading };
    slot = fresh;
    this.blocks.set(index, fresh);
    loading.then(
      (data) => {
        fresh.data = data;
      },
      () => {
        if (this.blocks.get(index) === fresh) this.blocks.delete(index); // do not cache failures
      },
    );
    while (this.blocks.size > MAX_CACHED_BLOCKS) {
      const oldest = this.blocks.keys().next().value as number;
      this.blocks.delete(oldest);
    }
    return fresh;
  }

  private block(index: number): Promise<Buffer> {
    const slot = this.touch(index);
    return slot.data !== undefined ? Promise.resolve(slot.data) : slot.loading;
  }

  private async load(index: number): Promise<Buffer> {
    if (this.disposed) throw new Error('zip reader used after disposal');
    const start = index * BLOCK_SIZE;
    const length = Math.max(0, Math.min(BLOCK_SIZE, this.size - start));
    const buffer = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.source.read(buffer, filled, length - filled, start + filled));
      } catch (err) {
        throw new ReaderIoError(err);
      }
      if (bytesRead === 0) break; // the file shrank: callers see a short read
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  }

  /**
   * Copies [position, position+length) into buffer from loaded blocks only; undefined when a block is
   * missing. Returns the byte count, short at EOF.
   */
  private copyCached(buffer: Buffer, offset: number, length: number, position: number): number | undefined {
    const last = Math.floor((Math.min(position + length, this.size) - 1) / BLOCK_SIZE);
    for (let index = Math.floor(position / BLOCK_SIZE); index <= last; index++) {
      if (this.blocks.get(index)?.data === undefined) return undefined;
    }
    let done = 0;
    while (done < length) {
      const at = position + done;
      if (at >= this.size) break;
      const index = Math.floor(at / BLOCK_SIZE);
      const block = this.touch(index).data!;
      const within = at - index * BLOCK_SIZE;
      const n = Math.min(block.length - within, length - done);
      if (n <= 0) break;
      block.copy(buffer, offset + done, within, within + n);
      done += n;
    }
    return done;
  }

  /** Copies through the cache, loading blocks as needed; resolves with the byte count, short at EOF. */
  async readAt(buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
    let done = 0;
    while (done < length) {
      const at = position + done;
      if (at >= this.size) break;
      const index = Math.floor(at / BLOCK_SIZE);
      const block = await this.block(index);
      const within = at - index * BLOCK_SIZE;
      const n = Math.min(block.length - within, length - done);
      if (n <= 0) break;
      block.copy(buffer, offset + done, within, within + n);
      done += n;
    }
    return done;
  }

  // yauzl passes (err, bytesRead) and reports "unexpected EOF" on a short read.
  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null, bytesRead?: number) => void,
  ): void {
    const done = this.copyCached(buffer, offset, length, position);
    if (done !== undefined) {
      queueMicrotask(() => callback(null, done)); // asynchronous, like every reader yauzl ships
      return;
    }
    this.readAt(buffer, offset, length, position).then(
      (bytesRead) => callback(null, bytesRead),
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
    );
  }

  override _readStreamForRange(start: number, end: number): Readable {
    let position = start;
    const stream: Readable = new Readable({
      highWaterMark: MAX_STREAM_CHUNK,
      read: () => {
        if (position >= end) {
          stream.push(null);
          return;
        }
        const index = Math.floor(position / BLOCK_SIZE);
        this.block(index).then(
          (block) => {
            if (stream.destroyed) return;
            const within = position - index * BLOCK_SIZE;
            const n = Math.min(block.length - within, end - position, MAX_STREAM_CHUNK);
            if (n <= 0) {
              stream.destroy(new Error('unexpected EOF'));
              return;
            }
            position += n;
            stream.push(block.subarray(within, within + n));
          },
          (err: unknown) => stream.destroy(err instanceof Error ? err : new Error(String(err))),
        );
      },
    });
    return stream;
  }

  override close(callback: (err: Error | null) => void): void {
    setImmediate(callback, null); // the handle is closed by inspectZip
  }
}

function readUInt64LE(buffer: Buffer, offset: number): number {
  return buffer.readUInt32LE(offset + 4) * 0x100000000 + buffer.readUInt32LE(offset);
}
