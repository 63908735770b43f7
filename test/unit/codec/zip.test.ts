import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectZip, ZipInspectionError, type ZipLimits, type ZipProblem } from '../../../src/codec/zip.js';
import {
  dataStart,
  emptyZip,
  encryptedZip,
  makeZip,
  notAZip,
  patchEntry,
  records,
  storedZipWithSizeMismatch,
  zipBomb,
  zipWithBadCrc,
  zipWithCompressionMethod,
  zipWithCorruptDeflate,
  zipWithImpossibleRatio,
  zipWithLocalHeaderLie,
  zipWithLocalNameMismatch,
  zipWithLyingSize,
  zipWithOverstatedSize,
  zipWithRawName,
  zipWithTraversal,
} from '../../helpers/zips.js';

const LIMIT = 262_144_000; // Lambda's 250 MiB unzipped
/** Comfortably above the size below which entries are verified in memory rather than streamed. */
const BIG = 3 << 20;
const limits: ZipLimits = { maxUncompressedSize: LIMIT };
const FIXTURES = fileURLToPath(new URL('../../fixtures/zips/', import.meta.url));

let dir: string;
let counter = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-zip-test-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function spool(zip: Buffer): string {
  const path = join(dir, `upload-${counter++}.zip`);
  writeFileSync(path, zip);
  return path;
}

async function problemOf(zip: Buffer | Promise<Buffer>, lim: ZipLimits = limits): Promise<ZipProblem> {
  const path = spool(await zip);
  const err: unknown = await inspectZip(path, lim).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ZipInspectionError)) throw new Error(`expected a ZipInspectionError, got ${String(err)}`);
  return err.problem;
}

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

describe('inspectZip: valid zips', () => {
  it('inspectZip: accepts a deflated zip with directories', async () => {
    const zip = await makeZip({
      'python/': '',
      'python/lib/': '',
      'python/lib/mod.py': 'print("hello")\n'.repeat(100),
      'bin/tool': Buffer.from([0, 1, 2, 3, 255]),
      'README': '',
    });
    expect(await inspectZip(spool(zip), limits)).toEqual({
      entries: 5,
      files: 3,
      uncompressedSize: 1500 + 5,
    });
  });

  it('inspectZip: accepts a stored zip', async () => {
    const zip = await makeZip({ 'a.txt': 'alpha', 'dir/': '', 'dir/b.txt': 'beta' }, { compress: false });
    expect(await inspectZip(spool(zip), limits)).toEqual({ entries: 3, files: 2, uncompressedSize: 9 });
  });

  it('inspectZip: accepts a Zip64 zip', async () => {
    const zip = await makeZip({ 'a.txt': 'alpha'.repeat(1000), 'b.bin': Buffer.alloc(70_000, 7) }, { zip64: true });
    expect(zip.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true); // Zip64 EOCD record present
    expect(await inspectZip(spool(zip), limits)).toEqual({ entries: 2, files: 2, uncompressedSize: 75_000 });
  });

  it('inspectZip: accepts entries spanning several cache blocks', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24; // poorly compressible
    const zip = await makeZip({ 'big.bin': big, 'small.txt': 'x', 'big2.bin': big }, { compress: false });
    expect(await inspectZip(spool(zip), limits)).toEqual({ entries: 3, files: 3, uncompressedSize: 2 * big.length + 1 });
  });

  it('inspectZip: accepts many small entries', async () => {
    const stored: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) stored[`f/${i}.txt`] = `file ${i}\n`;
    expect(await inspectZip(spool(await makeZip(stored, { compress: false })), limits)).toMatchObject({
      entries: 3000,
      files: 3000,
    });
    const deflated: Record<string, string> = { 'f/': '' };
    for (let i = 0; i < 500; i++) deflated[`f/${i}.txt`] = `file ${i}\n`.repeat(i);
    expect(await inspectZip(spool(await makeZip(deflated)), limits)).toMatchObject({ entries: 501, files: 500 });
  });

  it('inspectZip: reads headers that straddle cache blocks', async () => {
    const MiB = 1 << 20;
    const build = (pad: number) => {
      const files: Record<string, string | Buffer> = { 'pad.bin': Buffer.alloc(pad, 1) };
      for (let i = 0; i < 40; i++) files[`small/${i}.txt`] = `small ${i}`;
      return makeZip(files, { compress: false });
    };
    const cdOffset = (zip: Buffer) => zip.readUInt32LE(zip.length - 22 + 16);
    // Local headers of the small entries straddle the first boundary.
    const first = await build(MiB - 1000);
    expect(cdOffset(first)).toBeGreaterThan(MiB);
    expect(await inspectZip(spool(first), limits)).toMatchObject({ entries: 41 });
    // The central directory starts 20 bytes before the second boundary: its first record straddles it.
    const probe = await build(2 * MiB);
    const straddling = await build(2 * MiB - (cdOffset(probe) - (2 * MiB - 20)));
    expect(cdOffset(straddling)).toBe(2 * MiB - 20);
    expect(await inspectZip(spool(straddling), limits)).toMatchObject({ entries: 41, files: 41 });
  });

  it('inspectZip: accepts a maximally compressed (but honest) entry', async () => {
    // ~1029:1, close to deflate's 1032:1 ceiling, under the limit.
    expect(await inspectZip(spool(await zipBomb(16 << 20)), limits)).toEqual({
      entries: 1,
      files: 1,
      uncompressedSize: 16 << 20,
    });
  });

  it('inspectZip: the sample zips in test/fixtures/zips inspect fine', async () => {
    const names = readdirSync(FIXTURES).filter((n) => n.endsWith('.zip'));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const summary = await inspectZip(join(FIXTURES, name), limits);
      expect(summary.entries, name).toBeGreaterThan(0);
      expect(summary.files, name).toBeGreaterThan(0);
      expect(summary.uncompressedSize, name).toBeGreaterThan(0);
    }
  });
});

describe('inspectZip: refusals', () => {
  it('inspectZip: refuses something that is not a zip', async () => {
    expect(await problemOf(notAZip())).toBe('not-a-zip');
    expect(await problemOf(Buffer.alloc(0))).toBe('not-a-zip');
  });

  it('inspectZip: refuses a truncated zip', async () => {
    const zip = await makeZip({ 'a.txt': 'alpha'.repeat(100), 'b.txt': 'beta'.repeat(100) });
    expect(await problemOf(zip.subarray(0, zip.length - 10))).toBe('not-a-zip'); // EOCD cut
    expect(await problemOf(zip.subarray(0, zip.length - 60))).toBe('not-a-zip'); // central directory cut
    expect(await problemOf(zip.subarray(40))).toBe('not-a-zip'); // head cut: offsets point elsewhere
  });

  it('inspectZip: refuses a corrupt central directory', async () => {
    const zip = await makeZip({ 'a.txt': 'alpha', 'b.txt': 'beta' });
    const second = records(zip)[1]!;
    zip.writeUInt32LE(0xdeadbeef, second.central);
    expect(await problemOf(zip)).toBe('not-a-zip');
  });

  it('inspectZip: refuses an entry count the file cannot hold', async () => {
    const zip = await makeZip({ 'a.txt': 'alpha' });
    const eocd = zip.length - 22;
    zip.writeUInt16LE(0xffff, eocd + 8);
    zip.writeUInt16LE(0xffff, eocd + 10);
    expect(await problemOf(zip)).toBe('not-a-zip');
  });

  it('inspectZip: refuses an empty zip', async () => {
    const zip = await emptyZip();
    expect(zip.length).toBe(22);
    expect(await problemOf(zip)).toBe('empty');
  });

  it('inspectZip: refuses path traversal and absolute names', async () => {
    expect(await problemOf(zipWithTraversal())).toBe('not-a-zip');
    expect(await problemOf(zipWithRawName('a/../../evil'))).toBe('not-a-zip');
    expect(await problemOf(zipWithRawName('/etc/evil'))).toBe('not-a-zip');
    expect(await problemOf(zipWithRawName('C:/evil.txt'))).toBe('not-a-zip');
    expect(await problemOf(zipWithRawName('..\\evil.txt'))).toBe('not-a-zip');
  });

  it('inspectZip: refuses unsupported compression methods', async () => {
    expect(await problemOf(zipWithCompressionMethod(12))).toBe('not-a-zip');
    expect(await problemOf(zipWithCompressionMethod(14))).toBe('not-a-zip');
    expect(await problemOf(zipWithCompressionMethod(12), { ...limits, deep: false })).toBe('not-a-zip');
  });

  it('inspectZip: refuses encrypted entries', async () => {
    expect(await problemOf(encryptedZip())).toBe('not-a-zip');
    expect(await problemOf(encryptedZip(), { ...limits, deep: false })).toBe('not-a-zip');
  });

  it('inspectZip: refuses a zip whose declared total reaches the limit', async () => {
    const bomb = await zipBomb(LIMIT + 1);
    expect(bomb.length).toBeLessThan(LIMIT / 1000);
    expect(await problemOf(bomb)).toBe('unzipped-too-large');
    expect(await problemOf(bomb, { ...limits, deep: false })).toBe('unzipped-too-large');
  });

  it('inspectZip: the limit is exclusive', async () => {
    const zip = await makeZip({ 'a.bin': Buffer.alloc(1000), 'b.bin': Buffer.alloc(24) });
    expect(await problemOf(zip, { maxUncompressedSize: 1024 })).toBe('unzipped-too-large');
    expect(await inspectZip(spool(zip), { maxUncompressedSize: 1025 })).toMatchObject({ uncompressedSize: 1024 });
  });

  it('inspectZip: checks the declared total before inflating anything', async () => {
    // First entry has a bad CRC, but the central directory alone already exceeds the limit.
    const zip = await makeZip({ 'a.txt': 'checksummed', 'b.bin': Buffer.alloc(5000) }, { compress: false });
    const at = dataStart(zip, 0);
    zip[at] = zip[at]! ^ 0xff;
    expect(await problemOf(zip, { maxUncompressedSize: 5000 })).toBe('unzipped-too-large');
    expect(await problemOf(zip, { maxUncompressedSize: 6000 })).toBe('not-a-zip');
  });

  it('inspectZip: refuses more entries than maxEntries', async () => {
    const zip = await makeZip({ 'a': '1', 'b': '2', 'c/': '' });
    expect(await problemOf(zip, { ...limits, maxEntries: 2 })).toBe('too-many-entries');
    expect(await inspectZip(spool(zip), { ...limits, maxEntries: 3 })).toMatchObject({ entries: 3, files: 2 });
  });
});

describe('inspectZip: declared sizes that lie', () => {
  it('inspectZip: refuses a stored entry whose sizes disagree (without inflating)', async () => {
    expect(await problemOf(storedZipWithSizeMismatch())).toBe('sizes-lie');
    expect(await problemOf(storedZipWithSizeMismatch(), { ...limits, deep: false })).toBe('sizes-lie');
  });

  it('inspectZip: refuses a deflate ratio beyond 1032:1 (without inflating)', async () => {
    expect(await problemOf(zipWithImpossibleRatio())).toBe('sizes-lie');
    expect(await problemOf(zipWithImpossibleRatio(), { ...limits, deep: false })).toBe('sizes-lie');
  });

  it('inspectZip: refuses an understated size that only inflating reveals', async () => {
    expect(await problemOf(zipWithLyingSize())).toBe('sizes-lie'); // small: inflated in memory
    expect(await problemOf(zipWithLyingSize(BIG))).toBe('sizes-lie'); // large: streamed
  });

  it('inspectZip: with deep: false, an understated size goes unnoticed', async () => {
    const summary = await inspectZip(spool(await zipWithLyingSize(BIG)), { ...limits, deep: false });
    expect(summary).toEqual({ entries: 2, files: 2, uncompressedSize: 5 + BIG / 2 });
  });

  it('inspectZip: refuses an overstated size', async () => {
    expect(await problemOf(zipWithOverstatedSize())).toBe('sizes-lie');
    expect(await problemOf(zipWithOverstatedSize(BIG))).toBe('sizes-lie');
  });

  it('inspectZip: refuses a local header whose sizes disagree with the central directory', async () => {
    expect(await problemOf(zipWithLocalHeaderLie())).toBe('sizes-lie');
    const zip = await makeZip({ 'a.txt': 'alpha'.repeat(50) });
    patchEntry(zip, 0, { compressedSize: 3 }, 'local');
    expect(await problemOf(zip)).toBe('sizes-lie');
  });

  it('inspectZip: refuses a local header that disagrees on name, method or CRC', async () => {
    expect(await problemOf(zipWithLocalNameMismatch())).toBe('not-a-zip');
    const method = await makeZip({ 'a.txt': 'alpha'.repeat(50) });
    expect(await problemOf(patchEntry(method, 0, { method: 0 }, 'local'))).toBe('not-a-zip');
    const crc = await makeZip({ 'a.txt': 'alpha'.repeat(50) });
    expect(await problemOf(patchEntry(crc, 0, { crc: 12345 }, 'local'))).toBe('not-a-zip');
  });

  it('inspectZip: refuses a lying local header among a few small entries and among many', async () => {
    // Up to 64 small entries are checked from the records the first pass read; more are read again.
    for (const count of [3, 64, 65, 100]) {
      const files: Record<string, string> = {};
      for (let i = 0; i < count; i++) files[`f/${i}.txt`] = `file ${i}\n`.repeat(20);
      const last = await makeZip(files);
      expect(await problemOf(patchEntry(last, count - 1, { crc: 12345 }, 'local'))).toBe('not-a-zip');
      const early = await makeZip(files);
      expect(await problemOf(patchEntry(early, 1, { compressedSize: 3 }, 'local'))).toBe('sizes-lie');
      expect(await inspectZip(spool(await makeZip(files)), limits)).toMatchObject({ entries: count, files: count });
    }
  });

  it('inspectZip: refuses corrupt data (CRC-32 mismatch, bad deflate stream)', async () => {
    expect(await problemOf(zipWithBadCrc())).toBe('not-a-zip');
    expect(await problemOf(zipWithBadCrc(BIG))).toBe('not-a-zip');
    expect(await problemOf(zipWithCorruptDeflate())).toBe('not-a-zip');
    expect(await problemOf(zipWithCorruptDeflate(BIG))).toBe('not-a-zip');
  });

  it('inspectZip: with deep: false, corrupt data goes unnoticed', async () => {
    expect(await inspectZip(spool(await zipWithBadCrc(BIG)), { ...limits, deep: false })).toMatchObject({ entries: 1 });
  });
});

describe('inspectZip: resources', () => {
  it('inspectZip: closes its file descriptor on success and on every failure', async () => {
    const zips = await Promise.all([
      makeZip({ 'a.txt': 'alpha', 'd/': '' }),
      notAZip(),
      emptyZip(),
      zipWithTraversal(),
      zipWithLyingSize(),
      zipWithLyingSize(BIG),
      zipWithOverstatedSize(BIG),
      zipWithBadCrc(BIG),
      zipWithCorruptDeflate(BIG),
      zipWithImpossibleRatio(),
      zipBomb(LIMIT),
    ]);
    const paths = zips.map(spool);
    await inspectZip(paths[0]!, limits); // warm up lazily opened handles
    const before = openFds();
    for (let round = 0; round < 3; round++) {
      for (const path of paths) {
        await inspectZip(path, limits).catch(() => undefined);
        await inspectZip(path, { ...limits, deep: false, maxEntries: 1 }).catch(() => undefined);
      }
    }
    expect(openFds()).toBe(before);
  });

  it('inspectZip: a missing file is an fs error, not a zip problem', async () => {
    const err: unknown = await inspectZip(join(dir, 'nope.zip'), limits).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(ZipInspectionError);
    expect((err as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});
