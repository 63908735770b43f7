import { describe, expect, it } from 'vitest';
import { inspectZip, ZipInspectionError, type ZipProblem } from '../../../src/codec/zip.js';
import { StoredEntryScanner } from '../../../src/codec/zip-stored-scan.js';
import { fixedPieces, prng, randomPieces } from '../../helpers/pieces.js';
import {
  dataStart, makeZip, patchEntry, storedZipWithSizeMismatch, textOfSize, zipBomb, zipWithBadCrc, zipWithLocalHeaderLie,
  zipWithLyingSize,
} from '../../helpers/zips.js';

const LIMIT = 262_144_000;
const NINE = '123456789'; // CRC-32 check value 0xCBF43926
const FOX = 'The quick brown fox jumps over the lazy dog'; // CRC-32 0x414FA339

function scanned(zip: Buffer, pieces: Buffer[] = [zip]): StoredEntryScanner {
  const scanner = new StoredEntryScanner();
  for (const p of pieces) scanner.update(p);
  return scanner;
}

/** The problem inspectZip finds with the streamed CRC-32s of the same bytes, or 'none'. */
async function problemWithScan(zip: Buffer): Promise<ZipProblem | 'none'> {
  const err: unknown = await inspectZip(zip, { maxUncompressedSize: LIMIT }, scanned(zip)).then(() => undefined, (e: unknown) => e);
  if (err === undefined) return 'none';
  if (!(err instanceof ZipInspectionError)) throw err;
  return err.problem;
}

describe('StoredEntryScanner', () => {
  it('StoredEntryScanner: records the CRC-32 of each stored entry\'s data, however the bytes are cut', async () => {
    const zip = await makeZip({ 'nine.txt': NINE, 'fox.txt': FOX }, { compress: false });
    const rand = prng(7);
    for (const pieces of [[zip], fixedPieces(zip, 1), fixedPieces(zip, 7), fixedPieces(zip, 31), randomPieces(zip, rand, 50)]) {
      const scanner = scanned(zip, pieces);
      expect(scanner.crcOf(dataStart(zip, 0), 9)).toBe(0xcbf43926);
      expect(scanner.crcOf(dataStart(zip, 1), 43)).toBe(0x414fa339);
      expect(scanner.crcOf(dataStart(zip, 1), 42)).toBeUndefined();
      expect(scanner.crcOf(dataStart(zip, 1) + 1, 42)).toBeUndefined();
    }
  });

  it('StoredEntryScanner: records nothing for deflated entries, nor past a data descriptor', async () => {
    const deflated = await makeZip({ 'fox.txt': FOX.repeat(20) });
    const size = deflated.readUInt32LE(18);
    expect(scanned(deflated).crcOf(dataStart(deflated, 0), size)).toBeUndefined();
    const described = patchEntry(await makeZip({ 'nine.txt': NINE, 'fox.txt': FOX }, { compress: false }), 0, { flags: 0x0008 }, 'local');
    const scanner = scanned(described);
    expect(scanner.crcOf(dataStart(described, 0), 9)).toBeUndefined();
    expect(scanner.crcOf(dataStart(described, 1), 43)).toBeUndefined();
  });
});

describe('inspectZip with streamed CRC-32s', () => {
  it('inspectZip: with streamed CRC-32s, valid zips pass and every lie is still refused as without them', async () => {
    expect(await problemWithScan(await makeZip({ 'nine.txt': NINE, 'big.bin': textOfSize(3 << 20) }, { compress: false }))).toBe('none');
    expect(await problemWithScan(await zipWithBadCrc())).toBe('not-a-zip');
    expect(await problemWithScan(await zipWithBadCrc(3 << 20))).toBe('not-a-zip');
    expect(await problemWithScan(await storedZipWithSizeMismatch())).toBe('sizes-lie');
    expect(await problemWithScan(await zipWithLyingSize())).toBe('sizes-lie');
    expect(await problemWithScan(await zipWithLocalHeaderLie())).toBe('sizes-lie');
    expect(await problemWithScan(await zipBomb(LIMIT))).toBe('unzipped-too-large');
    // A CRC-32 that the headers misstate, in both of them, is refused on the data.
    const lying = patchEntry(await makeZip({ 'nine.txt': NINE }, { compress: false }), 0, { crc: 0xcbf43927 });
    expect(await problemWithScan(lying)).toBe('not-a-zip');
  });

  it('inspectZip: with streamed CRC-32s, a stored entry\'s data is not read again', async () => {
    const zip = await makeZip({ 'big.bin': textOfSize(8 << 20) }, { compress: false });
    let read = 0;
    const source = {
      size: zip.length,
      read: async (buffer: Buffer, offset: number, length: number, position: number) => {
        const bytesRead = zip.copy(buffer, offset, position, Math.min(position + length, zip.length));
        read += bytesRead;
        return { bytesRead };
      },
    };
    await inspectZip(source, { maxUncompressedSize: LIMIT }, scanned(zip));
    // At most three 1 MiB blocks of the cache: the local header's, and the last ones (central directory).
    expect(read).toBeLessThanOrEqual(3 << 20);
    read = 0;
    await inspectZip(source, { maxUncompressedSize: LIMIT });
    expect(read).toBeGreaterThanOrEqual(8 << 20);
  });
});
