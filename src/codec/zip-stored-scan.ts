/**
 * The CRC-32 of every stored (uncompressed) entry's data, computed while a zip streams in, so that the zip
 * check (zip.ts) need not read that data a second time.
 *
 * The scanner walks the local file headers in order from offset 0, as a streaming unzipper does, and records
 * for each stored entry the exact byte range of its data and that range's CRC-32. It stops for good at
 * anything it cannot walk past with certainty: a signature that is not a local header (the central
 * directory, or junk), a data descriptor (sizes not in the header), or a Zip64 size. The zip check uses a
 * record only where a central-directory entry's data is exactly a recorded range, so a walk that went wrong
 * can only leave entries unrecorded, which are then read and checked as before: no check depends on the walk.
 */
import zlib from 'node:zlib';

export const crc32: (data: Uint8Array, value?: number) => number =
  typeof zlib.crc32 === 'function' ? zlib.crc32 : crc32Fallback;

const LOCAL_SIGNATURE = 0x04034b50;
const FIXED = 30;
const FLAG_DATA_DESCRIPTOR = 0x0008;
/** Enough for any layer (the limits allow far fewer entries); past it the rest is read as before. */
const MAX_RECORDS = 1 << 16;

const enum State { Fixed, Variable, Data, Done }

export class StoredEntryScanner {
  #state = State.Fixed;
  readonly #fixed = Buffer.alloc(FIXED);
  #fixedFill = 0;
  /** Bytes left of the name and extra field, or of the entry's data. */
  #remaining = 0;
  /** Absolute offset of the next byte to be consumed. */
  #offset = 0;
  #stored = false;
  #dataStart = 0;
  #dataLength = 0;
  #crc = 0;
  readonly #ranges = new Map<number, { length: number; crc: number }>();

  /** Takes the archive's next bytes, in order. */
  update(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length && this.#state !== State.Done) {
      const avail = chunk.length - at;
      if (this.#state === State.Fixed) {
        const n = Math.min(FIXED - this.#fixedFill, avail);
        this.#fixed.set(chunk.subarray(at, at + n), this.#fixedFill);
        this.#fixedFill += n;
        at += n;
        this.#offset += n;
        if (this.#fixedFill === FIXED) this.#header();
        continue;
      }
      const n = Math.min(this.#remaining, avail);
      if (this.#state === State.Data && this.#stored) this.#crc = crc32(chunk.subarray(at, at + n), this.#crc);
      this.#remaining -= n;
      at += n;
      this.#offset += n;
      if (this.#remaining === 0) this.#next();
    }
  }

  /** The CRC-32 of [start, start + length), when that is exactly a stored entry's data that went by. */
  crcOf(start: number, length: number): number | undefined {
    const range = this.#ranges.get(start);
    return range?.length === length ? range.crc : undefined;
  }

  /** The fixed part of a local header is in: decide how to walk past the entry. */
  #header(): void {
    const h = this.#fixed;
    const compressedSize = h.readUInt32LE(18);
    if (h.readUInt32LE(0) !== LOCAL_SIGNATURE || (h.readUInt16LE(6) & FLAG_DATA_DESCRIPTOR) !== 0 ||
        compressedSize === 0xffffffff || this.#ranges.size >= MAX_RECORDS) {
      this.#state = State.Done;
      return;
    }
    this.#stored = h.readUInt16LE(8) === 0;
    this.#remaining = h.readUInt16LE(26) + h.readUInt16LE(28);
    this.#dataStart = this.#offset + this.#remaining;
    this.#dataLength = compressedSize;
    this.#state = State.Variable;
    if (this.#remaining === 0) this.#next();
  }

  /** The name and extra field, or the data, went by. */
  #next(): void {
    if (this.#state === State.Variable) {
      this.#state = State.Data;
      this.#remaining = this.#dataLength;
      this.#crc = 0;
      if (this.#remaining > 0) return;
    }
    if (this.#stored) this.#ranges.set(this.#dataStart, { length: this.#dataLength, crc: this.#crc });
    this.#state = State.Fixed;
    this.#fixedFill = 0;
  }
}

let crcTable: Int32Array | undefined;
/** For Node 20 releases before zlib.crc32 (20.15). */
function crc32Fallback(data: Uint8Array, value = 0): number {
  if (crcTable === undefined) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let crc = ~value;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
