import { describe, expect, it } from 'vitest';
import { overlay, type TreeEntry } from '../../../src/core/layer-merge.js';

const T = new Date('2024-01-02T03:04:05Z');

/** A layer from `path: kind` pairs (file, dir, link); the source names the layer, for telling entries apart. */
function layer(name: string, paths: Record<string, 'file' | 'dir' | 'link'>): TreeEntry<string>[] {
  return Object.entries(paths).map(([path, kind]) => ({
    path: path.replace(/\/$/, ''), kind: kind === 'dir' ? 'directory' : kind === 'link' ? 'symlink' : 'file', mode: 0o644, mtime: T, size: 1, source: name,
  }));
}

/** path -> "<kind>@<layer>", in the order the entries come out. */
const shape = (entries: TreeEntry<string>[]) => entries.map((e) => `${e.path} ${e.kind}@${e.source}`);

describe('overlay', () => {
  const a = layer('A', { 'python/': 'dir', 'python/x.py': 'file', 'python/a.py': 'file', 'bin/tool': 'file' });
  const b = layer('B', { 'python/x.py': 'file', 'python/b.py': 'file' });

  it('overlay: later-wins keeps the last layer\'s file for a shared path and every other file of both', () => {
    expect(shape(overlay([a, b], 'later-wins')).sort()).toEqual([
      'bin/tool file@A', 'python directory@A', 'python/a.py file@A', 'python/b.py file@B', 'python/x.py file@B',
    ]);
  });

  it('overlay: earlier-wins keeps the first layer\'s file for a shared path', () => {
    expect(shape(overlay([a, b], 'earlier-wins')).sort()).toEqual([
      'bin/tool file@A', 'python directory@A', 'python/a.py file@A', 'python/b.py file@B', 'python/x.py file@A',
    ]);
  });

  it('overlay: a file replaces a directory and everything under it', () => {
    const dir = layer('A', { 'lib/': 'dir', 'lib/one.so': 'file', 'lib/deep/two.so': 'file', 'libx': 'file' });
    const file = layer('B', { lib: 'file' });
    expect(shape(overlay([dir, file], 'later-wins')).sort()).toEqual(['lib file@B', 'libx file@A']);
  });

  it('overlay: an entry inside a folder replaces a file or a link that stood where the folder is', () => {
    const files = layer('A', { lib: 'file', share: 'link', keep: 'file' });
    const dirs = layer('B', { 'lib/one.so': 'file', 'share/': 'dir' });
    expect(shape(overlay([files, dirs], 'later-wins')).sort()).toEqual(['keep file@A', 'lib/one.so file@B', 'share directory@B']);
  });

  it('overlay: within one layer, a later entry of the same path wins', () => {
    const twice: TreeEntry<string>[] = [
      { path: 'x', kind: 'file', mode: 0o644, mtime: T, size: 1, source: 'first' },
      { path: 'x', kind: 'file', mode: 0o755, mtime: T, size: 2, source: 'second' },
    ];
    expect(overlay([twice], 'later-wins')).toEqual([{ path: 'x', kind: 'file', mode: 0o755, mtime: T, size: 2, source: 'second' }]);
    expect(overlay([twice], 'earlier-wins')).toEqual([{ path: 'x', kind: 'file', mode: 0o755, mtime: T, size: 2, source: 'second' }]);
  });

  it('overlay: folders merge, the folder taking the mode of the entry applied last; the root is no entry', () => {
    const one: TreeEntry<string>[] = [
      { path: '', kind: 'directory', mode: 0o700, mtime: T, size: 0, source: 'A' },
      { path: 'etc', kind: 'directory', mode: 0o700, mtime: T, size: 0, source: 'A' },
    ];
    const two: TreeEntry<string>[] = [{ path: 'etc', kind: 'directory', mode: 0o755, mtime: T, size: 0, source: 'B' }];
    expect(overlay([one, two], 'later-wins')).toEqual([{ path: 'etc', kind: 'directory', mode: 0o755, mtime: T, size: 0, source: 'B' }]);
  });
});
