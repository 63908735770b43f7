/**
 * Content staged to become a blob, with a blob store that takes uploads (MinIO): its whole parts are sent while the
 * rest still arrives, read back from the staged file; the last part and the completion wait for the check. The
 * store here is a recording one (the port's contract); the MinIO side of it is in test/integration/store.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BlobUploads } from '../../../src/core/ports.js';
import { StagingArea } from '../../../src/store/staging.js';

const root = mkdtempSync(join(tmpdir(), 'strata-early-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const MiB = 1024 * 1024;

/** A store taking parts of 2 MiB, recording what happens; `failPart` makes that part (1-based) fail. */
function recordingStore(opts: { failPart?: number; failBegin?: boolean } = {}) {
  const log: string[] = [];
  const parts: Buffer[] = [];
  const uploads: BlobUploads = {
    partSize: 2 * MiB,
    begin: async () => {
      if (opts.failBegin) throw new Error('store down');
      log.push('begin');
      return {
        part: async (bytes) => {
          if (parts.length + 1 === opts.failPart) throw new Error('part refused');
          parts.push(Buffer.from(bytes)); // the caller reuses its buffer
          log.push(`part ${bytes.length}`);
        },
        complete: async (digests) => {
          log.push(`complete ${digests.size}`);
          return 'k'.repeat(32);
        },
        abort: async () => {
          log.push('abort');
        },
      };
    },
  };
  return { uploads, log, parts };
}

let areas = 0;
async function area(uploads: BlobUploads): Promise<StagingArea> {
  const staging = new StagingArea(join(root, `area-${areas++}`), 'process', uploads);
  await staging.reset();
  return staging;
}

/** Writes `data` in 64 KiB chunks as a socket would deliver it, waiting whenever the file asks. */
async function arrive(file: { write(c: Uint8Array): Promise<void> }, data: Buffer, until = data.length): Promise<void> {
  for (let off = 0; off < until; off += 64 * 1024) await file.write(data.subarray(off, Math.min(off + 64 * 1024, until)));
}

/** Lets the parts queued so far go out (each is a read of the file and a send). */
const settle = () => new Promise((r) => setTimeout(r, 50));

describe('early upload', () => {
  it('StagedFile: whole parts are sent while the content arrives, the rest and the completion after the check', async () => {
    const store = recordingStore();
    const staging = await area(store.uploads);
    const data = randomBytes(7 * MiB + 12_345);
    const file = staging.create({ keepSmallInMemory: true, toBlobStore: true });
    await arrive(file, data, 5 * MiB + 512 * 1024);
    await settle();
    // Before the content is whole: two parts of 2 MiB are out (the third is not yet written whole).
    expect(store.log).toEqual(['begin', `part ${2 * MiB}`, `part ${2 * MiB}`]);
    await arrive(file, data.subarray(5 * MiB + 512 * 1024));
    const digests = await file.finish();
    await settle();
    expect(store.log).not.toContain(`complete ${data.length}`);
    expect(await file.uploadedBlob(digests)).toBe('k'.repeat(32));
    expect(store.log).toEqual(['begin', `part ${2 * MiB}`, `part ${2 * MiB}`, `part ${2 * MiB}`, `part ${MiB + 12_345}`, `complete ${data.length}`]);
    expect(Buffer.concat(store.parts).equals(data)).toBe(true);
    expect(createHash('sha256').update(data).digest().equals(digests.sha256)).toBe(true);
    await file.discard();
    expect(store.log).not.toContain('abort');
    expect(await readdir(staging.dir)).toEqual([]);
  });

  it('StagedFile: content refused after its parts went out is aborted, nothing completed', async () => {
    const store = recordingStore();
    const staging = await area(store.uploads);
    const file = staging.create({ toBlobStore: true });
    await arrive(file, randomBytes(5 * MiB));
    await file.finish();
    await file.discard(); // what a failed zip check does
    expect(store.log).toEqual(['begin', `part ${2 * MiB}`, `part ${2 * MiB}`, 'abort']);
  });

  it('StagedFile: a part that fails drops the upload, and the caller is told to store the file itself', async () => {
    const store = recordingStore({ failPart: 2 });
    const staging = await area(store.uploads);
    const file = staging.create({ toBlobStore: true });
    await arrive(file, randomBytes(5 * MiB));
    const digests = await file.finish();
    expect(await file.uploadedBlob(digests)).toBeUndefined();
    expect(store.log).toEqual(['begin', `part ${2 * MiB}`, 'abort']);
    expect(file.size).toBe(5 * MiB); // the staged file is whole, for adopt()
    await file.discard();
  });

  it('StagedFile: a store that cannot begin an upload leaves the file to be stored as usual', async () => {
    const store = recordingStore({ failBegin: true });
    const staging = await area(store.uploads);
    const file = staging.create({ toBlobStore: true });
    await arrive(file, randomBytes(5 * MiB));
    const digests = await file.finish();
    expect(await file.uploadedBlob(digests)).toBeUndefined();
    await file.discard();
  });

  it('StagedFile: content under one part, or staged for anything but a blob, sends nothing', async () => {
    const store = recordingStore();
    const staging = await area(store.uploads);
    const small = staging.create({ toBlobStore: true });
    await arrive(small, randomBytes(2 * MiB - 1));
    expect(await small.uploadedBlob(await small.finish())).toBeUndefined();
    await small.discard();
    const other = staging.create();
    await arrive(other, randomBytes(5 * MiB));
    expect(await other.uploadedBlob(await other.finish())).toBeUndefined();
    await other.discard();
    expect(store.log).toEqual([]);
  });
});
