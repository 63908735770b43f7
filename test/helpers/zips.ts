/**
 * In-memory zip builders for tests. Honest zips come from yazl; broken ones are honest zips with a few
 * header bytes patched (yazl refuses to write them), except the bomb, which is written by hand from one
 * precomputed deflate stream so it costs milliseconds instead of deflating hundreds of megabytes.
 */
import { deflateRawSync, crc32 } from 'node:zlib';
import yazl from 'yazl';

const MTIME = new Date('2024-01-02T03:04:05Z');

export interface MakeZipOptions {
  /** Deflate entries (default true); false stores them. */
  compress?: boolean;
  /** Force Zip64 records (central directory extra fields, Zip64 EOCD record and locator). */
  zip64?: boolean;
}

/** Names ending in '/' become directory entries (their content is ignored). */
export function makeZip(files: Record<string, string | Buffer>, opts: MakeZipOptions = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) {
    if (name.endsWith('/')) {
      zip.addEmptyDirectory(name, { mtime: MTIME });
    } else {
      zip.addBuffer(typeof content === 'string' ? Buffer.from(content) : content, name, {
        mtime: MTIME,
        compress: opts.compress ?? true,
        forceZip64Format: opts.zip64 ?? false,
      });
    }
  }
  return finish(zip, opts.zip64 ?? false);
}

export interface TreeZipEntry {
  /** Names ending in '/' are directories. */
  name: string;
  /** A file's content. */
  data?: string | Buffer;
  /** Permission bits (default 0o644 for files, 0o755 for directories). */
  mode?: number;
  /** Makes the entry a symbolic link to this target (Info-ZIP: S_IFLNK in the mode, the target as the data). */
  symlink?: string;
}

/** A zip with Unix modes and symbolic links, as `zip -y` and the AWS CLI write them, entries in the order given. */
export function makeTreeZip(entries: TreeZipEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    if (e.name.endsWith('/')) zip.addEmptyDirectory(e.name, { mtime: MTIME, mode: 0o040000 | (e.mode ?? 0o755) });
    else if (e.symlink !== undefined) zip.addBuffer(Buffer.from(e.symlink), e.name, { mtime: MTIME, mode: 0o120000 | (e.mode ?? 0o777), compress: false });
    else zip.addBuffer(typeof e.data === 'string' ? Buffer.from(e.data) : e.data ?? Buffer.alloc(0), e.name, { mtime: MTIME, mode: 0o100000 | (e.mode ?? 0o644) });
  }
  return finish(zip, false);
}

/** A valid zip with no entries: only the 22-byte end-of-central-directory record. */
export function emptyZip(): Promise<Buffer> {
  return finish(new yazl.ZipFile(), false);
}

/** Plain text: no end-of-central-directory record anywhere. */
export async function notAZip(): Promise<Buffer> {
  return Buffer.from('This is a layer, honest. It is just not a zip file.\n'.repeat(20));
}

/** Compressible text of exactly `bytes` bytes. */
export function textOfSize(bytes: number): Buffer {
  const line = Buffer.from('the real content is longer than declared\n');
  const out = Buffer.alloc(bytes);
  for (let at = 0; at < bytes; at += line.length) line.copy(out, at, 0, Math.min(line.length, bytes - at));
  return out;
}

const SMALL = 82_000;

/**
 * A deflated entry whose uncompressed size is understated (half the real size), identically in the
 * central directory and the local header, CRC untouched: listing passes, inflating produces more bytes
 * than declared. `contentBytes` picks the real size (a few MB exercises the streaming path).
 */
export async function zipWithLyingSize(contentBytes = SMALL): Promise<Buffer> {
  const zip = await makeZip({ 'ok.txt': 'fine\n', 'lie.txt': textOfSize(contentBytes) });
  return patchEntry(zip, 1, { uncompressedSize: Math.floor(contentBytes / 2) });
}

/** Like zipWithLyingSize, but the size is overstated (doubled): inflating produces fewer bytes than declared. */
export async function zipWithOverstatedSize(contentBytes = SMALL): Promise<Buffer> {
  const zip = await makeZip({ 'lie.txt': textOfSize(contentBytes) });
  return patchEntry(zip, 0, { uncompressedSize: contentBytes * 2 });
}

/** Central directory honest, local header disagrees on the uncompressed size. */
export async function zipWithLocalHeaderLie(): Promise<Buffer> {
  const zip = await makeZip({ 'lie.txt': textOfSize(SMALL) });
  return patchEntry(zip, 0, { uncompressedSize: SMALL + 1 }, 'local');
}

/** Central directory honest, local header names another file (same length). */
export async function zipWithLocalNameMismatch(): Promise<Buffer> {
  const zip = await makeZip({ 'good.txt': 'hello' });
  return patchEntry(zip, 0, { name: 'evil.txt' }, 'local');
}

/** A deflated entry declaring far more than deflate can produce from its compressed bytes. */
export async function zipWithImpossibleRatio(): Promise<Buffer> {
  const zip = await makeZip({ 'bomb.txt': textOfSize(SMALL) });
  return patchEntry(zip, 0, { uncompressedSize: 0x7fff_0000 });
}

/** A stored entry whose declared uncompressed size differs from its compressed size. */
export async function storedZipWithSizeMismatch(): Promise<Buffer> {
  const zip = await makeZip({ 'stored.txt': 'stored content' }, { compress: false });
  return patchEntry(zip, 0, { uncompressedSize: 'stored content'.length + 100 });
}

/** A stored entry with one data byte (the last) flipped: sizes honest, CRC-32 wrong. */
export async function zipWithBadCrc(contentBytes = 100): Promise<Buffer> {
  const zip = await makeZip({ 'data.txt': textOfSize(contentBytes) }, { compress: false });
  const at = dataStart(zip, 0) + contentBytes - 1;
  zip[at] = zip[at]! ^ 0xff;
  return zip;
}

/** A deflated entry whose first compressed bytes are garbage: zlib refuses them. */
export async function zipWithCorruptDeflate(contentBytes = SMALL): Promise<Buffer> {
  const zip = await makeZip({ 'data.txt': textOfSize(contentBytes) });
  const at = dataStart(zip, 0);
  zip.fill(0xff, at, at + 16);
  return zip;
}

/** Compression method patched in both headers (12 = bzip2, 14 = LZMA, 99 = AES…). */
export async function zipWithCompressionMethod(method: number): Promise<Buffer> {
  const zip = await makeZip({ 'data.txt': textOfSize(SMALL) });
  return patchEntry(zip, 0, { method });
}

/** Traditional-encryption flag (bit 0) set in both headers. */
export async function encryptedZip(): Promise<Buffer> {
  const zip = await makeZip({ 'secret.txt': 'secret' }, { compress: false });
  const [rec] = records(zip);
  if (rec === undefined) throw new Error('no entry');
  return patchEntry(zip, 0, { flags: zip.readUInt16LE(rec.central + 8) | 0x0001 });
}

/** An entry named exactly `name` (yazl refuses '..' and absolute names, so the name bytes are patched). */
export async function zipWithRawName(name: string): Promise<Buffer> {
  const placeholder = 'x'.repeat(Buffer.byteLength(name));
  const zip = await makeZip({ 'fine.txt': 'fine', [placeholder]: 'evil' });
  return patchEntry(zip, 1, { name });
}

export function zipWithTraversal(): Promise<Buffer> {
  return zipWithRawName('../evil.txt');
}

const BOMB_CHUNK = 16 << 20;
let zerosChunk: { data: Buffer; crc: number } | undefined;

/**
 * An honest zip bomb: entries of zeros, maximally deflated (~1029:1), declaring exactly `declaredTotal`
 * uncompressed bytes in 16 MiB entries. 250 MiB declared is a ~250 KB file.
 */
export function zipBomb(declaredTotal: number): Promise<Buffer> {
  zerosChunk ??= deflatedZeros(BOMB_CHUNK);
  const entries: RawEntry[] = [];
  for (let left = declaredTotal, i = 0; left > 0; left -= BOMB_CHUNK, i++) {
    const size = Math.min(left, BOMB_CHUNK);
    const { data, crc } = size === BOMB_CHUNK ? zerosChunk : deflatedZeros(size);
    entries.push({ name: `zeros-${String(i).padStart(3, '0')}.bin`, method: 8, crc, data, uncompressedSize: size });
  }
  return Promise.resolve(writeRawZip(entries));
}

function deflatedZeros(size: number): { data: Buffer; crc: number } {
  const zeros = Buffer.alloc(size);
  return { data: deflateRawSync(zeros, { level: 9 }), crc: crc32(zeros) };
}

// ---------------------------------------------------------------------------------------------------------
// Low-level: locating and patching records, writing a raw zip.

export interface EntryRecord {
  /** Offset of the central-directory record. */
  central: number;
  /** Offset of the local file header. */
  local: number;
}

/** The central-directory records of a (non-Zip64, comment-free) zip, in order. */
export function records(zip: Buffer): EntryRecord[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('no end of central directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const out: EntryRecord[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`no central record at ${at}`);
    out.push({ central: at, local: zip.readUInt32LE(at + 42) });
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return out;
}

/** Offset of entry `index`'s data (after its local header). */
export function dataStart(zip: Buffer, index: number): number {
  const rec = records(zip)[index];
  if (rec === undefined) throw new Error(`no entry ${index}`);
  return rec.local + 30 + zip.readUInt16LE(rec.local + 26) + zip.readUInt16LE(rec.local + 28);
}

export interface EntryPatch {
  flags?: number;
  method?: number;
  crc?: number;
  compressedSize?: number;
  uncompressedSize?: number;
  /** Must have the same UTF-8 length as the current name. */
  name?: string;
}

/** Overwrites fields of entry `index` in the central directory, the local header, or both (in place; returns zip). */
export function patchEntry(zip: Buffer, index: number, patch: EntryPatch, where: 'both' | 'central' | 'local' = 'both'): Buffer {
  const rec = records(zip)[index];
  if (rec === undefined) throw new Error(`no entry ${index}`);
  const layouts = [];
  // Field offsets: flags, method, crc, compressed, uncompressed, name length, name.
  if (where !== 'local') layouts.push({ base: rec.central, flags: 8, method: 10, crc: 16, csize: 20, usize: 24, nlen: 28, name: 46 });
  if (where !== 'central') layouts.push({ base: rec.local, flags: 6, method: 8, crc: 14, csize: 18, usize: 22, nlen: 26, name: 30 });
  for (const l of layouts) {
    if (patch.flags !== undefined) zip.writeUInt16LE(patch.flags, l.base + l.flags);
    if (patch.method !== undefined) zip.writeUInt16LE(patch.method, l.base + l.method);
    if (patch.crc !== undefined) zip.writeUInt32LE(patch.crc >>> 0, l.base + l.crc);
    if (patch.compressedSize !== undefined) zip.writeUInt32LE(patch.compressedSize, l.base + l.csize);
    if (patch.uncompressedSize !== undefined) zip.writeUInt32LE(patch.uncompressedSize, l.base + l.usize);
    if (patch.name !== undefined) {
      const name = Buffer.from(patch.name);
      if (name.length !== zip.readUInt16LE(l.base + l.nlen)) throw new Error('patched name must keep its length');
      name.copy(zip, l.base + l.name);
    }
  }
  return zip;
}

interface RawEntry {
  name: string;
  method: number;
  crc: number;
  /** Already encoded (stored or deflated) bytes. */
  data: Buffer;
  uncompressedSize: number;
}

/** A minimal zip (no extra fields, no Zip64) from pre-encoded entries. */
function writeRawZip(entries: RawEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(e.method, 8);
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.uncompressedSize, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(0x031e, 4); // made by: Unix, 3.0
    local.copy(cd, 6, 4, 30); // version needed … name length
    // extra length, comment length, disk, internal attrs: 0
    cd.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    cd.writeUInt32LE(offset, 42);
    parts.push(local, name, e.data);
    central.push(cd, name);
    offset += local.length + name.length + e.data.length;
  }
  const cdBytes = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBytes, eocd]);
}

function finish(zip: yazl.ZipFile, zip64: boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const out = zip.outputStream;
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    out.on('error', reject);
    out.on('end', () => resolve(Buffer.concat(chunks)));
    zip.end({ forceZip64Format: zip64, comment: '' });
  });
}
