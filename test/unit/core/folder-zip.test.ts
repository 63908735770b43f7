/** Folders zipped the way each cloud's tool zips them (src/core/folder-zip.ts cites the tools' sources). */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageFolder, type FolderFile } from '../../../src/core/folder-zip.js';
import type { Cloud } from '../../../src/core/model.js';
import { StagingArea } from '../../../src/store/staging.js';
import { readEntries } from '../../helpers/zip-entries.js';

let staging: StagingArea;
beforeAll(async () => {
  staging = new StagingArea(mkdtempSync(join(tmpdir(), 'strata-folder-zip-')));
  await staging.reset();
});
afterAll(() => rmSync(staging.dir, { recursive: true, force: true }));

async function* chunks(...parts: (string | Buffer)[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield typeof p === 'string' ? Buffer.from(p) : p;
}

async function* listing(files: FolderFile[]): AsyncGenerator<FolderFile> {
  yield* files;
}

const LIMITS = { maxZippedBytes: 10 << 20, maxUnzippedBytes: 20 << 20 };

async function zipOf(cloud: Cloud, files: FolderFile[], limits = LIMITS) {
  const staged = await stageFolder(listing(files), { cloud, staging, ...limits });
  const bytes = readFileSync(staged.path);
  const digests = await staged.finish();
  await staged.discard();
  return { bytes, digests, entries: await readEntries(bytes) };
}

const refusal = (cloud: Cloud, files: FolderFile[], limits = LIMITS) =>
  stageFolder(listing(files), { cloud, staging, ...limits }).then(() => 'accepted', (err: { code?: string; message: string }) => `${err.code}: ${err.message}`);

/** Text whose deflate output differs between levels 6 and 9 (a fixed linear congruential pick of words). */
function wordSoup(count: number): string {
  const words = ['layer', 'zip', 'alpha', 'beta', 'gamma', 'delta', 'python', 'node', 'lambda', 'fc', 'runtime', 'strata'];
  let x = 12345;
  let out = '';
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += words[x % words.length] + (i % 7 ? ' ' : '\n');
  }
  return out;
}

describe('stageFolder', () => {
  const py = wordSoup(4000);
  const lastModified = Date.UTC(2025, 4, 6, 7, 8, 10);

  it('stageFolder: AWS style: files only, relative names in the given order, deflate level 6, 0755, the file times', async () => {
    const { entries, bytes, digests } = await zipOf('aws', [
      { path: 'README.md', content: chunks('# layer\n'), lastModified },
      { path: 'python/pkg/__init__.py', content: chunks(py.slice(0, 100), py.slice(100)), lastModified: lastModified + 60_000 },
    ]);
    expect(entries.map((e) => e.name)).toEqual(['README.md', 'python/pkg/__init__.py']);
    expect(entries.map((e) => e.mode)).toEqual([0o100755, 0o100755]);
    expect(entries.map((e) => e.method)).toEqual([8, 8]);
    // DOS times have 2-second steps; no Info-ZIP timestamp field (neither zipfile nor archiver writes one).
    expect(entries.map((e) => e.mtime.getTime())).toEqual([lastModified, lastModified + 60_000]);
    expect(entries.map((e) => e.extraFieldIds)).toEqual([[], []]);
    expect(entries[1]!.data.toString()).toBe(py);
    expect(entries[1]!.raw.equals(deflateRawSync(Buffer.from(py), { level: 6 }))).toBe(true);
    expect(entries[1]!.raw.length).toBe(2165);
    expect(digests.size).toBe(bytes.length);
  });

  it('stageFolder: FC style: deflate level 9, 0777 (Serverless Devs where it cannot read modes), mtime fixed at 2023-11-01', async () => {
    const { entries } = await zipOf('fc', [
      { path: 'nodejs/node_modules/m/index.js', content: chunks(py), lastModified },
      { path: 'nodejs/package.json', content: chunks('{}'), lastModified },
    ]);
    expect(entries.map((e) => e.name)).toEqual(['nodejs/node_modules/m/index.js', 'nodejs/package.json']);
    expect(entries.map((e) => e.mode)).toEqual([0o100777, 0o100777]);
    expect(entries.map((e) => e.mtime.getTime())).toEqual([Date.UTC(2023, 10, 1), Date.UTC(2023, 10, 1)]);
    expect(entries[0]!.raw.equals(deflateRawSync(Buffer.from(py), { level: 9 }))).toBe(true);
    expect(entries[0]!.raw.length).toBe(2039);
  });

  it('stageFolder: an empty file is an entry too', async () => {
    const { entries } = await zipOf('aws', [{ path: 'empty', content: chunks(), lastModified }]);
    expect(entries.map((e) => [e.name, e.data.length])).toEqual([['empty', 0]]);
  });

  it('stageFolder: refuses paths that would not unzip inside the folder, and a name given twice', async () => {
    for (const path of ['', '/etc/passwd', '../up', 'a/../b', 'a//b', './a', 'a/', 'a\\b', 'nul\0']) {
      expect(await refusal('aws', [{ path, content: chunks('x') }]), path).toBe(
        `NotAZip: content is not a usable zip: the folder's file '${path}' has no usable relative path`,
      );
    }
    expect(await refusal('fc', [{ path: 'a', content: chunks('x') }, { path: 'a', content: chunks('y') }])).toBe(
      "NotAZip: content is not a usable zip: the folder has two files named 'a'",
    );
    expect(readdirSync(staging.dir)).toEqual([]);
  });

  it('stageFolder: refuses files that add up to the unzipped limit as they arrive, and a zip past the zipped limit', async () => {
    const limits = { maxZippedBytes: 50_000, maxUnzippedBytes: 100_000 };
    expect(await refusal('aws', [
      { path: 'a', content: chunks(Buffer.alloc(60_000)) },
      { path: 'b', content: chunks(Buffer.alloc(39_999), Buffer.alloc(1)) },
    ], limits)).toBe('UnzippedTooLarge: unzipped size must be smaller than 100000 bytes');
    // Random bytes do not deflate: the zip outgrows 50 000 bytes while the files stay under 100 000.
    expect(await refusal('aws', [{ path: 'r', content: chunks(randomBytes(30_000), randomBytes(30_000)) }], limits))
      .toBe('ZippedTooLarge: zip exceeds 50000 bytes');
    expect(readdirSync(staging.dir)).toEqual([]);
  });

  it('stageFolder: no files make an empty zip (the publish check refuses it as empty)', async () => {
    const { entries, bytes } = await zipOf('aws', []);
    expect(entries).toEqual([]);
    expect(bytes.length).toBe(22);
  });
});
