import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Crc64, crc64, crc64Backend, measureCrc64Throughput } from '../../../src/codec/crc64.js';

interface Crc64Fixture {
  algorithm: {
    name: string;
    poly: string;
    polyReflected: string;
    init: string;
    xorout: string;
    refin: boolean;
    refout: boolean;
    check_123456789: string;
  };
  vectors: { label: string; inputHex?: string; inputUtf8?: string; length: number; crc64Decimal: string; crc64Hex: string }[];
  chaining: { prev: string; data: string; result: string };
  zips: { label: string; zipFileBase64?: string; file?: string; size: number; crc64: string; md5Hex?: string }[];
}

const fixturesDir = new URL('../../fixtures/', import.meta.url);
const fixture = (JSON.parse(readFileSync(new URL('fc/fc-vectors.json', fixturesDir), 'utf8')) as { crc64: Crc64Fixture }).crc64;

// The vector file names no zip files; these are the copies under test/fixtures/zips/.
const ZIP_FILES: [RegExp, string][] = [
  [/fc-go-sdk/, 'fcgo_hello_world.zip'],
  [/fc-python-sdk/, 'fcpy_hello_world.zip'],
  [/terraform .*fcv3_layer_version/, 'tf_fcv3_example.zip'],
];

/** Slow, obviously-correct reference: bit at a time over BigInt, parameters taken from the fixture. */
function referenceCrc64(data: Uint8Array, init = BigInt(fixture.algorithm.init)): bigint {
  const poly = BigInt(fixture.algorithm.polyReflected);
  const xorout = BigInt(fixture.algorithm.xorout);
  let crc = init;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return crc ^ xorout;
}

/** Inputs described only by label are generated here; unknown labels fail rather than skip. */
function vectorInput(v: Crc64Fixture['vectors'][number]): Uint8Array {
  if (v.inputHex !== undefined) return Buffer.from(v.inputHex, 'hex');
  if (/bytes i&0xff/.test(v.label)) {
    const out = new Uint8Array(v.length);
    for (let i = 0; i < out.length; i++) out[i] = i & 0xff;
    return out;
  }
  throw new Error(`don't know how to generate input for vector "${v.label}"`);
}

function zipBytes(z: Crc64Fixture['zips'][number]): Buffer {
  const fromBase64 = z.zipFileBase64 === undefined ? undefined : Buffer.from(z.zipFileBase64, 'base64');
  const fileName = z.file ?? ZIP_FILES.find(([re]) => re.test(z.label))?.[1];
  const fromFile = fileName === undefined ? undefined : readFileSync(new URL(`zips/${fileName}`, fixturesDir));
  if (fromBase64 && fromFile) expect(fromFile.equals(fromBase64), `${fileName} differs from the inline base64`).toBe(true);
  const bytes = fromBase64 ?? fromFile;
  if (!bytes) throw new Error(`no bytes for zip "${z.label}"`);
  return bytes;
}

function crcInChunks(data: Uint8Array, chunk: number): string {
  const c = new Crc64();
  for (let off = 0; off < data.length; off += chunk) c.update(data.subarray(off, off + chunk));
  return c.toString();
}

describe('crc64', () => {
  it('crc64: uses the WebAssembly engine in this environment', () => {
    expect(crc64Backend).toBe('wasm');
  });

  it('crc64: matches the check value', () => {
    const check = Buffer.from('123456789');
    expect(crc64(check)).toBe('11051210869376104954');
    expect(new Crc64().update(check).digest()).toBe(BigInt(fixture.algorithm.check_123456789));
    expect(crc64(new Uint8Array(0))).toBe('0');
  });

  it('crc64: fixture parameters describe CRC-64/XZ and the reference implementation agrees', () => {
    const a = fixture.algorithm;
    expect([a.refin, a.refout]).toEqual([true, true]);
    const poly = BigInt(a.poly);
    let reflected = 0n;
    for (let bit = 0n; bit < 64n; bit++) if ((poly >> bit) & 1n) reflected |= 1n << (63n - bit);
    expect(reflected).toBe(BigInt(a.polyReflected));
    expect(referenceCrc64(Buffer.from('123456789'))).toBe(BigInt(a.check_123456789));
  });

  describe.each(fixture.vectors)('crc64: fixture vector "$label"', (v) => {
    const input = vectorInput(v);

    it('crc64: input matches the declared length and text', () => {
      expect(input.length).toBe(v.length);
      if (v.inputUtf8 !== undefined) expect(Buffer.from(input).toString('utf8')).toBe(v.inputUtf8);
      expect(BigInt(v.crc64Hex).toString()).toBe(v.crc64Decimal);
    });

    it('crc64: one-shot and chunked results match the vector', () => {
      expect(crc64(input)).toBe(v.crc64Decimal);
      expect(new Crc64().update(input).digest()).toBe(BigInt(v.crc64Hex));
      expect(crcInChunks(input, 4096)).toBe(v.crc64Decimal);
    });
  });

  it('crc64: chaining vector continues from a previous CRC', () => {
    const { prev, data, result } = fixture.chaining;
    expect(crc64(Buffer.from('12345'))).toBe(prev);
    expect(new Crc64(prev).update(Buffer.from(data)).toString()).toBe(result);
    expect(new Crc64(BigInt(prev)).update(Buffer.from(data)).toString()).toBe(result);
  });

  describe.each(fixture.zips)('crc64: fixture zip "$label"', (z) => {
    it('crc64: zip size, crc64 and md5 match', () => {
      const bytes = zipBytes(z);
      expect(bytes.length).toBe(z.size);
      expect(crc64(bytes)).toBe(z.crc64);
      if (z.md5Hex !== undefined) expect(createHash('md5').update(bytes).digest('hex')).toBe(z.md5Hex);
    });
  });

  it('crc64: every fixture zip file is covered by a vector', () => {
    const covered = fixture.zips.map((z) => z.file ?? ZIP_FILES.find(([re]) => re.test(z.label))?.[1]);
    for (const [, name] of ZIP_FILES) expect(covered).toContain(name);
  });

  it.each([1, 7, 4096, 65536])('crc64: %i-byte chunk splits equal the one-shot result', (chunk) => {
    const data = randomBytes(3 * 65536 + 12345);
    expect(crcInChunks(data, chunk)).toBe(crc64(data));
  });

  it('crc64: irregular splits across the 64 KiB engine window equal the one-shot result', () => {
    const data = randomBytes(300_001);
    const expected = crc64(data);
    const c = new Crc64();
    let off = 0;
    for (const len of [0, 3, 65533, 65536, 65537, 1, 16, 15, 17, 100_000]) {
      c.update(data.subarray(off, off + len));
      off += len;
    }
    c.update(data.subarray(off));
    expect(c.toString()).toBe(expected);
  });

  it('crc64: unaligned views (byteOffset 1..7) give the same result as aligned copies', () => {
    const backing = randomBytes(70_000);
    for (let offset = 1; offset <= 7; offset++) {
      for (const len of [0, 1, 5, 8, 15, 16, 17, 33, 1000, 65_536 + 9]) {
        const view = new Uint8Array(backing.buffer, backing.byteOffset + offset, len);
        const aligned = new Uint8Array(len);
        aligned.set(view);
        expect(crc64(view), `offset ${offset} len ${len}`).toBe(crc64(aligned));
        expect(crc64(view)).toBe(referenceCrc64(aligned).toString());
      }
    }
    // Odd-offset views over a plain ArrayBuffer as well, not only Buffer's pool.
    const ab = new ArrayBuffer(4099);
    new Uint8Array(ab).set(backing.subarray(0, 4099));
    expect(crc64(new Uint8Array(ab, 3, 4093))).toBe(referenceCrc64(new Uint8Array(ab, 3, 4093)).toString());
  });

  it('crc64: random data of many sizes matches the bit-at-a-time BigInt reference', () => {
    const sizes = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 256, 257, 1000, 4095, 4096, 4097, 65_535, 65_536, 65_537, 131_089];
    for (const size of sizes) {
      const data = randomBytes(size);
      expect(new Crc64().update(data).digest(), `size ${size}`).toBe(referenceCrc64(data));
    }
  });

  it('crc64: continuation via new Crc64(prev) equals hashing everything at once', () => {
    const data = randomBytes(70_001);
    const whole = crc64(data);
    for (const cut of [0, 1, 9, 16, 4096, 65_536, 70_000, 70_001]) {
      const prev = crc64(data.subarray(0, cut));
      expect(new Crc64(prev).update(data.subarray(cut)).toString(), `cut ${cut}`).toBe(whole);
      expect(new Crc64(BigInt(prev)).update(data.subarray(cut)).digest()).toBe(BigInt(whole));
    }
    // Continuing with nothing returns the previous value unchanged, including extremes.
    for (const v of ['0', '1', '18446744073709551615', fixture.chaining.prev]) expect(new Crc64(v).toString()).toBe(v);
    // The reference agrees when seeded with the un-xored previous value.
    const prev = BigInt(crc64(data.subarray(0, 100)));
    expect(referenceCrc64(data.subarray(100), prev ^ BigInt(fixture.algorithm.xorout))).toBe(BigInt(whole));
  });

  it('crc64: rejects invalid previous values', () => {
    for (const bad of ['', '-1', '1.5', '0x10', ' 1', '18446744073709551616', 'abc', '123456789012345678901']) {
      expect(() => new Crc64(bad), JSON.stringify(bad)).toThrow();
    }
    expect(() => new Crc64(-1n)).toThrow(RangeError);
    expect(() => new Crc64(1n << 64n)).toThrow(RangeError);
    expect(() => new Crc64().update('abc' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('crc64: digest() does not reset and toString() is unpadded decimal', () => {
    const c = new Crc64().update(Buffer.from('12345'));
    expect(c.toString()).toBe(fixture.chaining.prev);
    expect(c.digest()).toBe(c.digest());
    c.update(Buffer.from('6789'));
    expect(c.toString()).toBe('11051210869376104954');
    for (let i = 0; i < 50; i++) {
      const d = new Crc64().update(randomBytes(i));
      expect(d.toString()).toMatch(/^(0|[1-9][0-9]*)$/);
      expect(d.toString()).toBe(d.digest().toString());
    }
  });

  it('crc64: update() returns this for chaining', () => {
    const c = new Crc64();
    expect(c.update(Buffer.from('abc'))).toBe(c);
  });

  it('crc64: measureCrc64Throughput returns a positive MB/s figure', () => {
    const mbps = measureCrc64Throughput(1 << 20, 65_536);
    expect(Number.isFinite(mbps)).toBe(true);
    expect(mbps).toBeGreaterThan(0);
    expect(measureCrc64Throughput(1000, 300)).toBeGreaterThan(0); // partial final chunk
    expect(() => measureCrc64Throughput(0, 1)).toThrow(RangeError);
  });
});

describe('crc64 without WebAssembly', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('crc64: falls back to the pure-JS engine and still matches every vector', async () => {
    vi.stubGlobal('WebAssembly', undefined);
    vi.resetModules();
    const js = await import('../../../src/codec/crc64.js');
    expect(js.crc64Backend).toBe('js');
    for (const v of fixture.vectors) expect(js.crc64(vectorInput(v))).toBe(v.crc64Decimal);
    const { prev, data, result } = fixture.chaining;
    expect(new js.Crc64(prev).update(Buffer.from(data)).toString()).toBe(result);
    const rnd = randomBytes(5000);
    expect(js.crc64(rnd)).toBe(referenceCrc64(rnd).toString());
  });
});
