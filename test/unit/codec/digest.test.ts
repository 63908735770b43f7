import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc64 } from '../../../src/codec/crc64.js';
import { LayerDigest } from '../../../src/codec/digest.js';
import { StagingArea } from '../../../src/store/staging.js';

const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

function chunksOf(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < data.length; off += size) out.push(data.subarray(off, off + size));
  return out;
}

describe('LayerDigest', () => {
  it('digest: empty content has the well-known sha256, crc64 "0" and size 0', () => {
    const r = new LayerDigest().result();
    expect(r.sha256.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(r.crc64).toBe('0');
    expect(r.size).toBe(0);
  });

  it('digest: chunked updates equal one-shot sha256, crc64 and size', () => {
    const data = randomBytes(1_000_003);
    for (const size of [1_000_003, 65_536, 4096, 7]) {
      const d = new LayerDigest();
      for (const c of chunksOf(data, size)) d.update(c);
      const r = d.result();
      expect(r.sha256.length).toBe(32);
      expect(r.sha256.equals(sha256(data)), `chunk ${size}`).toBe(true);
      expect(r.crc64).toBe(crc64(data));
      expect(r.size).toBe(data.length);
    }
  });

  it('digest: result() is stable, returns independent buffers, and update afterwards throws', () => {
    const d = new LayerDigest();
    d.update(Buffer.from('123456789'));
    const a = d.result();
    const b = d.result();
    expect(a).toEqual(b);
    expect(a.crc64).toBe('11051210869376104954');
    a.sha256.fill(0);
    expect(d.result().sha256.equals(sha256(Buffer.from('123456789')))).toBe(true);
    expect(() => d.update(Buffer.from('x'))).toThrow(/after result/);
  });
});

describe('StagedFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-staging-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('digest: a staged upload is written and digested in the same pass, byte for byte', async () => {
    const staging = new StagingArea(dir);
    await staging.reset();
    const data = randomBytes(5 * 1024 * 1024 + 7);
    const file = staging.create();
    for (let off = 0; off < data.length; off += 65_536) await file.write(data.subarray(off, off + 65_536));
    const digests = await file.finish();
    expect(readFileSync(file.path).equals(data)).toBe(true);
    expect(digests).toEqual({ sha256: sha256(data), crc64: crc64(data), size: data.length });
    await file.discard();
    expect(() => readFileSync(file.path)).toThrow();
  });
});
