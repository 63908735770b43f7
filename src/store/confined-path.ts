import { constants, existsSync } from 'node:fs';
import { open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';

/**
 * Paths under a root directory that requests name (bucket directories, object keys): each is resolved to its
 * real path, symlinks included, and refused unless that stays inside the root's own real path. A symlinked file,
 * a symlinked folder and a root entry that is itself a symlink are all followed first and judged by where they
 * lead, so nothing under the root can hand out a file from outside it.
 */
export class ConfinedRoot {
  constructor(private readonly root: string) {}

  /** The real path of `path` (which must lie under the root), or undefined if it is missing or leads outside. */
  async resolve(path: string): Promise<string | undefined> {
    const root = await realpath(this.root).catch(() => undefined);
    if (root === undefined || !isInside(this.root, path, true)) return undefined;
    const real = await realpath(path).catch(() => undefined);
    return real !== undefined && isInside(root, real, false) ? real : undefined;
  }

  /**
   * Opens a regular file under the root for reading, or returns undefined when it is missing, not a regular file,
   * or leads outside. The file is opened by its real path without following a final symlink, and on Linux the
   * opened descriptor's own path is checked again, so a symlink swapped in between the check and the open is
   * caught too.
   */
  async openFile(path: string): Promise<FileHandle | undefined> {
    const real = await this.resolve(path);
    if (real === undefined) return undefined;
    let fh: FileHandle;
    try {
      fh = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      return undefined;
    }
    try {
      const root = await realpath(this.root);
      if (!(await fh.stat()).isFile()) throw new Error('not a regular file');
      if (PROC_FD && !isInside(root, await readlink(`/proc/self/fd/${fh.fd}`), false)) throw new Error('left the root');
      return fh;
    } catch {
      await fh.close();
      return undefined;
    }
  }
}

const PROC_FD = existsSync('/proc/self/fd');

/** Whether `path` lies strictly inside `root` (or is the root itself, when allowed), by their text alone. */
function isInside(root: string, path: string, allowRoot: boolean): boolean {
  const rel = relative(root, path);
  if (rel === '') return allowRoot;
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
