/**
 * Staged uploads. Content kept in memory (inline layers up to 1 MiB) never touches the staging directory; content
 * that grows past that goes to a file like every other upload, and the digests describe every byte either way.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StagingArea } from '../../../src/store/staging.js';

const root = mkdtempSync(join(tmpdir(), 'strata-staging-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let areas = 0;
async function area(): Promise<StagingArea> {
  const staging = new StagingArea(join(root, `area-${areas++}`), 'process');
  await staging.reset();
  return staging;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

describe('staging', () => {
  it('StagedFile: small content kept in memory opens no file, and its digests and bytes are the content', async () => {
    const staging = await area();
    const data = randomBytes(300 * 1024); // more than one 256 KiB block
    const file = staging.create({ keepSmallInMemory: true });
    for (let off = 0; off < data.length; off += 64 * 1024) await file.write(data.subarray(off, off + 64 * 1024));
    const digests = await file.finish();
    await file.synced();
    expect(await readdir(staging.dir)).toEqual([]);
    expect(file.inMemory).toBe(true);
    expect(file.contentInMemory!.equals(data)).toBe(true);
    expect(digests.size).toBe(300 * 1024);
    expect(digests.sha256.equals(sha256(data))).toBe(true);
    await file.discard();
    expect(await readdir(staging.dir)).toEqual([]);
  });

  it('StagedFile: small content is the content at the edges of its first, smaller block', async () => {
    const staging = await area();
    // The first block of content kept in memory is 16 KiB; the next ones are 256 KiB.
    for (const size of [1, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 16 * 1024 + 256 * 1024]) {
      const data = randomBytes(size);
      const file = staging.create({ keepSmallInMemory: true });
      for (let off = 0; off < data.length; off += 5000) file.append(data.subarray(off, off + 5000));
      const digests = await file.finish();
      expect(file.inMemory).toBe(true);
      expect(file.contentInMemory!.equals(data)).toBe(true);
      expect(digests.sha256.equals(sha256(data))).toBe(true);
      await file.discard();
    }
    expect(await readdir(staging.dir)).toEqual([]);
  });

  it('StagedFile: content kept in memory that grows past 1 MiB is written to its file as it arrives', async () => {
    const staging = await area();
    const data = randomBytes(3 * 1024 * 1024);
    const file = staging.create({ keepSmallInMemory: true });
    for (let off = 0; off < data.length; off += 100_000) await file.write(data.subarray(off, off + 100_000));
    await file.finish();
    expect(file.inMemory).toBe(false);
    expect(file.contentInMemory).toBeUndefined();
    expect(readFileSync(file.path).equals(data)).toBe(true);
    await file.discard();
    expect(await readdir(staging.dir)).toEqual([]);
  });

  it('StagedFile: content whose last bytes take it past 1 MiB, with no wait in between, is written to its file at finish', async () => {
    const staging = await area();
    const data = randomBytes(1024 * 1024 + 10);
    const file = staging.create({ keepSmallInMemory: true });
    // ingestJson appends the decoder's last bytes and finishes at once, with no ready() between.
    file.append(data.subarray(0, 1024 * 1024 - 5));
    file.append(data.subarray(1024 * 1024 - 5));
    await file.finish();
    expect(file.inMemory).toBe(false);
    expect(readFileSync(file.path).equals(data)).toBe(true);
    await file.discard();
  });

  it('StagedFile: without keepSmallInMemory even small content is a file', async () => {
    const staging = await area();
    const data = randomBytes(1000);
    const file = staging.create();
    await file.write(data);
    await file.finish();
    expect(file.inMemory).toBe(false);
    expect(readFileSync(file.path).equals(data)).toBe(true);
    await file.discard();
    expect(await readdir(staging.dir)).toEqual([]);
  });

  it('StagedFile: an empty upload kept in memory is zero bytes', async () => {
    const staging = await area();
    const file = staging.create({ keepSmallInMemory: true });
    const digests = await file.finish();
    expect(file.inMemory).toBe(true);
    expect(file.contentInMemory!.length).toBe(0);
    expect(digests.size).toBe(0);
    await file.discard();
  });
});
