/**
 * Unpacking into a folder (codec/unpack.ts), the path `strata opt` writes through: hostile zips are refused with
 * nothing written, modes and links are kept as the zip says, and the target is replaced only when asked.
 */
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { UnpackError, unpackTree, unpackZip, type UnpackEntry, type UnpackProblem } from '../../../src/codec/unpack.js';
import {
  makeTreeZip, makeZip, zipBomb, zipWithLocalHeaderLie, zipWithLyingSize, zipWithRawName, zipWithTraversal,
} from '../../helpers/zips.js';
import { treeOf as tree } from '../../helpers/zip-read.js';

const MB = 1024 * 1024;
const roots: string[] = [];
afterAll(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

/** A fresh folder holding the zip, and the path of a target inside it (not created). */
async function setUp(zip: Buffer): Promise<{ root: string; zipPath: string; into: string }> {
  const root = await mkdtemp(join(tmpdir(), 'strata-unpack-'));
  roots.push(root);
  await writeFile(join(root, 'in.zip'), zip);
  return { root, zipPath: join(root, 'in.zip'), into: join(root, 'opt') };
}

async function refused(zip: Buffer, problem: UnpackProblem, message: RegExp, maxUnzippedBytes = 10 * MB) {
  const { root, zipPath, into } = await setUp(zip);
  const err = await unpackZip(zipPath, into, { maxUnzippedBytes }).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(UnpackError);
  expect((err as UnpackError).problem).toBe(problem);
  expect((err as UnpackError).message).toMatch(message);
  // Nothing written: the target it made is gone again, and nothing else was left beside the zip.
  expect(await readdir(root)).toEqual(['in.zip']);
}

describe('unpackZip: hostile zips', () => {
  it("unpack: an entry climbing out with '../' is refused, nothing written", async () => {
    await refused(await zipWithTraversal(), 'unsafe-path', /invalid relative path: \.\.\/evil\.txt/);
  });

  it('unpack: absolute entry names are refused (/x, C:x)', async () => {
    await refused(await zipWithRawName('/tmp/evil.txt'), 'unsafe-path', /absolute path: \/tmp\/evil\.txt/);
    await refused(await zipWithRawName('C:/evil.txt'), 'unsafe-path', /absolute path: C:\/evil\.txt/);
  });

  it('unpack: a symbolic link with an absolute target is refused', async () => {
    const zip = await makeTreeZip([{ name: 'ok.txt', data: 'fine' }, { name: 'etc', symlink: '/etc' }]);
    await refused(zip, 'unsafe-link', /^refused: the link 'etc' points to the absolute path '\/etc'$/);
  });

  it('unpack: a symbolic link whose target climbs out of the folder is refused', async () => {
    const zip = await makeTreeZip([{ name: 'python/lib/up', symlink: '../../../secret' }]);
    await refused(zip, 'unsafe-link', /^refused: the link 'python\/lib\/up' points to '\.\.\/\.\.\/\.\.\/secret', outside the folder$/);
  });

  it('unpack: an entry under a symbolic link is refused, so no write can go through a link', async () => {
    const zip = await makeTreeZip([{ name: 'lib', symlink: 'real' }, { name: 'real/', mode: 0o755 }, { name: 'lib/x.so', data: 'x' }]);
    await refused(zip, 'conflict', /^refused: 'lib\/x\.so' lies under 'lib', which is a symbolic link$/);
  });

  it('unpack: the same path twice is refused', async () => {
    const zip = await makeTreeZip([{ name: 'a.txt', data: 'one' }, { name: 'a.txt', data: 'two' }]);
    await refused(zip, 'conflict', /^refused: 'a\.txt' appears twice$/);
  });

  it('unpack: a zip bomb is refused with the publish check, before anything is inflated', async () => {
    await refused(await zipBomb(32 * MB), 'too-large', /^the zip is refused: it unzips to more than 16777216 bytes$/, 16 * MB);
  });

  it('unpack: sizes that lie are refused (central directory and local header alike, or they disagree)', async () => {
    await refused(await zipWithLyingSize(), 'sizes-lie', /inflates to more than its declared 41000 bytes/);
    await refused(await zipWithLocalHeaderLie(), 'sizes-lie', /the local file header declares 82001 uncompressed bytes/);
  });

  it('unpack: honest files over the limit are refused', async () => {
    const zip = await makeZip({ 'a.bin': Buffer.alloc(600_000), 'b.bin': Buffer.alloc(600_000) });
    await refused(zip, 'too-large', /^the zip is refused: it unzips to more than 1000000 bytes$/, 1_000_000);
  });
});

/**
 * The tree's own checks, for trees that never were one zip (`strata opt --data-dir` unpacks the merged layers
 * straight from their zips): the same refusals without the zip check in front of them.
 */
describe('unpackTree: hostile trees', () => {
  const entry = (path: string, kind: UnpackEntry['kind'], data = ''): UnpackEntry & { data: string } =>
    ({ path, kind, mode: 0o644, mtime: new Date('2024-01-02T03:04:05Z'), size: Buffer.byteLength(data), data });
  async function treeRefused(entries: ReturnType<typeof entry>[], problem: UnpackProblem, message: RegExp, maxUnzippedBytes = MB) {
    const root = await mkdtemp(join(tmpdir(), 'strata-unpack-tree-'));
    roots.push(root);
    const err = await unpackTree(entries, async (e) => Readable.from([Buffer.from(e.data)]), join(root, 'opt'), { maxUnzippedBytes })
      .then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(UnpackError);
    expect([(err as UnpackError).problem, (err as UnpackError).message]).toEqual([problem, expect.stringMatching(message)]);
    expect(await readdir(root)).toEqual([]);
  }

  it("unpack: a tree's '..', absolute and backslashed names are refused, nothing written", async () => {
    await treeRefused([entry('ok.txt', 'file', 'ok'), entry('a/../../evil', 'file', 'x')], 'unsafe-path', /^refused: entry 'a\/\.\.\/\.\.\/evil' climbs out of its folder with '\.\.'$/);
    await treeRefused([entry('/etc/cron.d/evil', 'file', 'x')], 'unsafe-path', /^refused: entry '\/etc\/cron\.d\/evil' is an absolute path$/);
    await treeRefused([entry('..\\evil.txt', 'file', 'x')], 'unsafe-path', /climbs out of its folder/);
    await treeRefused([entry('C:\\evil.txt', 'file', 'x')], 'unsafe-path', /is an absolute path$/);
  });

  it("unpack: a tree's links out of the folder are refused, and so are files under a link", async () => {
    await treeRefused([entry('python/up', 'symlink', '../../x')], 'unsafe-link', /^refused: the link 'python\/up' points to '\.\.\/\.\.\/x', outside the folder$/);
    await treeRefused([entry('etc', 'symlink', '/etc')], 'unsafe-link', /points to the absolute path '\/etc'$/);
    await treeRefused([entry('lib', 'symlink', 'real'), entry('lib/x.so', 'file', 'x')], 'conflict', /lies under 'lib', which is a symbolic link$/);
  });

  it('unpack: a tree that lies about its sizes, or passes the limit as it is written, is refused', async () => {
    const liar = { ...entry('big.bin', 'file', 'x'.repeat(100)), size: 10 };
    await treeRefused([liar], 'sizes-lie', /^refused: 'big\.bin' holds more than its declared 10 bytes$/);
    await treeRefused([entry('a.bin', 'file', 'x'.repeat(600)), entry('b.bin', 'file', 'y'.repeat(600))], 'too-large', /^refused: the files add up to 1200 bytes, more than 1000$/, 1000);
  });
});

describe('unpackZip: what it writes', () => {
  it('unpack: files, folders and links as the zip says, modes included (setuid dropped)', async () => {
    const zip = await makeTreeZip([
      { name: 'bin/', mode: 0o755 },
      { name: 'bin/tool', data: '#!/bin/sh\n', mode: 0o755 },
      { name: 'bin/suid', data: 'x', mode: 0o4755 },
      { name: 'secret/', mode: 0o700 },
      { name: 'secret/key', data: 'k', mode: 0o600 },
      { name: 'python/mod.py', data: 'X = 1\n' },
      { name: 'python/alias.py', symlink: 'mod.py' },
      { name: 'readonly/', mode: 0o555 },
      { name: 'readonly/file', data: 'r', mode: 0o444 },
    ]);
    const { zipPath, into } = await setUp(zip);
    expect(await unpackZip(zipPath, into, { maxUnzippedBytes: MB })).toEqual({ files: 5, directories: 4, symlinks: 1, bytes: 19 });
    expect(await tree(into)).toEqual({
      bin: 'd 755',
      'bin/suid': 'f 755 x',
      'bin/tool': 'f 755 #!/bin/sh\n',
      python: 'd 755',
      'python/alias.py': 'l -> mod.py',
      'python/mod.py': 'f 644 X = 1\n',
      readonly: 'd 555',
      'readonly/file': 'f 444 r',
      secret: 'd 700',
      'secret/key': 'f 600 k',
    });
    expect((await stat(join(into, 'python/mod.py'))).mtime.toISOString()).toBe('2024-01-02T03:04:05.000Z');
  });

  it('unpack: a folder that is not empty is refused unless --replace, which leaves only the new tree', async () => {
    const { root, zipPath, into } = await setUp(await makeZip({ 'new.txt': 'new' }));
    await mkdir(join(into, 'old'), { recursive: true });
    await writeFile(join(into, 'old', 'file'), 'old');
    const err = await unpackZip(zipPath, into, { maxUnzippedBytes: MB }).catch((e: UnpackError) => e);
    expect((err as UnpackError).problem).toBe('target-not-empty');
    expect(await tree(into)).toEqual({ old: 'd 755', 'old/file': 'f 644 old' });
    await unpackZip(zipPath, into, { maxUnzippedBytes: MB, replace: true });
    // makeZip's entries say 0664 (yazl's default), and so does the file.
    expect(await tree(into)).toEqual({ 'new.txt': 'f 664 new' });
    expect((await readdir(root)).sort()).toEqual(['in.zip', 'opt']);
  });

  it('unpack: a refused zip leaves a folder being replaced as it was', async () => {
    const { zipPath, into } = await setUp(await makeTreeZip([{ name: 'a.txt', data: 'a' }, { name: 'up', symlink: '../x' }]));
    await mkdir(into);
    await writeFile(join(into, 'keep.txt'), 'kept');
    await expect(unpackZip(zipPath, into, { maxUnzippedBytes: MB, replace: true })).rejects.toThrow(/outside the folder/);
    expect(await tree(into)).toEqual({ 'keep.txt': 'f 644 kept' });
  });
});
