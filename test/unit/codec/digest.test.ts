import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { crc64 } from '../../../src/codec/crc64.js';
import { DigestTransform, LayerDigest } from '../../../src/codec/digest.js';

const fixturesDir = new URL('../../fixtures/', import.meta.url);
const zipFixtures = (
  JSON.parse(readFileSync(new URL('fc/fc-vectors.json', fixturesDir), 'utf8')) as {
    crc64: { zips: { label: string; zipFileBase64?: string; size: number; crc64: string }[] };
  }
).crc64.zips;

const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

function chunksOf(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < data.length; off += size) out.push(data.subarray(off, off + size));
  return out;
}

/** Runs chunks through a DigestTransform into memory; returns what came out and the transform. */
async function passThrough(chunks: Buffer[]): Promise<{ out: Buffer; t: DigestTransform }> {
  const t = new DigestTransform();
  const received: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      received.push(chunk);
      cb();
    },
  });
  await pipeline(Readable.from(chunks, { objectMode: false }), t, sink);
  return { out: Buffer.concat(received), t };
}

const tmp = mkdtempSync(join(tmpdir(), 'digest-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

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

describe('DigestTransform', () => {
  it('digest: passes bytes through unchanged and reports crypto-equal sha256', async () => {
    const data = randomBytes(5 * 1024 * 1024 + 17);
    const { out, t } = await passThrough(chunksOf(data, 65_536));
    expect(out.equals(data)).toBe(true);
    const r = t.digests();
    expect(r.sha256.equals(sha256(data))).toBe(true);
    expect(r.crc64).toBe(crc64(data));
    expect(r.size).toBe(data.length);
  });

  it('digest: handles empty streams and many tiny chunks', async () => {
    const empty = await passThrough([]);
    expect(empty.out.length).toBe(0);
    expect(empty.t.digests()).toMatchObject({ crc64: '0', size: 0 });

    const data = randomBytes(3000);
    const tiny = await passThrough(chunksOf(data, 1));
    expect(tiny.out.equals(data)).toBe(true);
    expect(tiny.t.digests().sha256.equals(sha256(data))).toBe(true);
    expect(tiny.t.digests().crc64).toBe(crc64(data));
  });

  it('digest: digests() throws before the stream has flushed', () => {
    const t = new DigestTransform();
    t.write(Buffer.from('abc'));
    expect(() => t.digests()).toThrow(/before the stream/);
    t.destroy();
  });

  it('digest: string writes are digested as their UTF-8 bytes', async () => {
    const t = new DigestTransform();
    const received: Buffer[] = [];
    t.on('data', (c: Buffer) => received.push(c));
    const done = new Promise<void>((resolve, reject) => t.on('end', resolve).on('error', reject));
    t.end('héllo');
    await done;
    expect(Buffer.concat(received).toString('utf8')).toBe('héllo');
    expect(t.digests().crc64).toBe(crc64(Buffer.from('héllo')));
  });

  const inlineZips = zipFixtures.filter((z): z is typeof z & { zipFileBase64: string } => z.zipFileBase64 !== undefined);
  it.each(inlineZips)('digest: inline fixture zip "$label" streamed to disk keeps bytes, crc64 and size', async (z) => {
    const src = join(tmp, 'src.zip');
    const dst = join(tmp, 'dst.zip');
    const bytes = Buffer.from(z.zipFileBase64, 'base64');
    await pipeline(Readable.from([bytes], { objectMode: false }), createWriteStream(src));
    const t = new DigestTransform();
    await pipeline(createReadStream(src, { highWaterMark: 64 }), t, createWriteStream(dst));
    expect(readFileSync(dst).equals(bytes)).toBe(true);
    expect(t.digests()).toMatchObject({ crc64: z.crc64, size: z.size });
    expect(t.digests().sha256.equals(sha256(bytes))).toBe(true);
  });

  it.each(['fcgo_hello_world.zip', 'fcpy_hello_world.zip', 'tf_fcv3_example.zip'])(
    'digest: fixture file %s streamed to disk matches its vector',
    async (name) => {
      const path = new URL(`zips/${name}`, fixturesDir);
      const original = readFileSync(path);
      const dst = join(tmp, `copy-${name}`);
      const t = new DigestTransform({ highWaterMark: 128 });
      await pipeline(createReadStream(path, { highWaterMark: 100 }), t, createWriteStream(dst));
      expect(readFileSync(dst).equals(original)).toBe(true);
      const r = t.digests();
      expect(r.sha256.equals(sha256(original))).toBe(true);
      const vector = zipFixtures.find((z) => z.size === original.length && z.crc64 === r.crc64);
      expect(vector, `no fc-vectors zip entry with size ${original.length} and crc64 ${r.crc64}`).toBeDefined();
    },
  );
});
