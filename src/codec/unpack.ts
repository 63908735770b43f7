/**
 * Unpacking a file tree (a zip, or a merged /opt) into a folder, safely:
 *   - no entry lands outside the folder: absolute names, `..` segments and NUL bytes are refused, and so are
 *     symbolic links whose target is absolute or climbs out of the folder (SAM CLI refuses the same ones unless
 *     told --mount-symlinks, samcli/local/lambdafn/zip.py), and entries under a link or under a file;
 *   - a zip is first checked as a publish checks it (codec/zip.ts: declared and actual sizes, CRC-32s, the unzipped
 *     limit), so a bomb or a zip that lies about its sizes is refused before anything is written, and every entry is
 *     counted again as it is written;
 *   - modes are the entries' own (permission bits; setuid, setgid and sticky bits are dropped), times too;
 *   - all or nothing: the tree is written into a fresh folder inside the target, and moved into place entry by
 *     entry only once all of it is written; a refusal or a failure leaves the target as it was.
 * Files are created with O_EXCL | O_NOFOLLOW in folders this code made, and links are made last, so no write ever
 * follows a link.
 */
import { constants } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, open, readdir, rename, rm, rmdir, symlink, utimes } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { inspectZip, ZipInspectionError } from './zip.js';
import { normaliseEntryPath, UnsafeEntryName, ZipArchive, type EntryKind } from './zip-entries.js';

export type UnpackProblem =
  | 'unsafe-path' | 'unsafe-link' | 'conflict' | 'too-large' | 'sizes-lie' | 'not-a-zip' | 'target-not-empty' | 'target-not-a-folder';

export class UnpackError extends Error {
  override readonly name = 'UnpackError';
  constructor(readonly problem: UnpackProblem, message: string) {
    super(message);
  }
}

export interface UnpackEntry {
  path: string;
  kind: EntryKind;
  mode: number;
  mtime: Date;
  size: number;
}

export interface UnpackOptions {
  /** Refused when the files add up to more than this many bytes. */
  maxUnzippedBytes: number;
  /** Replace what the target folder holds; without it a target that is not empty is refused ('target-not-empty'). */
  replace?: boolean;
}

export interface UnpackSummary {
  files: number;
  /** Folders in the tree, named by an entry or not. */
  directories: number;
  symlinks: number;
  bytes: number;
}

/** Longest link target written (Linux's PATH_MAX). */
const MAX_LINK_TARGET = 4096;
const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Unpacks a zip file into `into`, after checking it as a publish would. */
export async function unpackZip(zipPath: string, into: string, options: UnpackOptions): Promise<UnpackSummary> {
  try {
    // Publishing refuses sizes that reach its limit; the tree may use all of it.
    await inspectZip(zipPath, { maxUncompressedSize: options.maxUnzippedBytes + 1 });
  } catch (err) {
    if (!(err instanceof ZipInspectionError)) throw err;
    if (/invalid relative path|absolute path|invalid characters in fileName/.test(err.message)) {
      throw new UnpackError('unsafe-path', `the zip is refused: ${err.message.replace(/^not a valid zip: /, '')}`);
    }
    if (err.problem === 'unzipped-too-large') {
      throw new UnpackError('too-large', `the zip is refused: it unzips to more than ${options.maxUnzippedBytes} bytes`);
    }
    throw new UnpackError(err.problem === 'sizes-lie' ? 'sizes-lie' : 'not-a-zip', `the zip is refused: ${err.message}`);
  }
  let archive: ZipArchive;
  try {
    archive = await ZipArchive.open(zipPath);
  } catch (err) {
    if (err instanceof UnsafeEntryName) throw new UnpackError('unsafe-path', `the zip is refused: ${err.message}`);
    throw err;
  }
  try {
    return await unpackTree(archive.entries, (e) => archive.openStream(e), into, options);
  } finally {
    archive.close();
  }
}

/** Unpacks `entries` (their bytes from `open`) into `into`; see the file comment for what is refused. */
export async function unpackTree<E extends UnpackEntry>(
  entries: readonly E[], open: (entry: E) => Promise<Readable>, into: string, options: UnpackOptions,
): Promise<UnpackSummary> {
  const planned = checkTree(entries, options.maxUnzippedBytes);
  const created = await prepareTarget(into, options.replace ?? false);
  const work = await mkdtemp(join(into, '.strata-unpack-'));
  const summary: UnpackSummary = { files: 0, directories: 0, symlinks: 0, bytes: 0 };
  try {
    const links: { path: string; target: string; entry: E }[] = [];
    for (const { path, entry } of planned) {
      const at = join(work, path);
      if (entry.kind === 'directory') {
        await mkdir(at, { recursive: true });
      } else if (entry.kind === 'symlink') {
        links.push({ path, target: await linkTarget(path, entry, await open(entry)), entry });
      } else {
        await mkdir(dirname(at), { recursive: true });
        summary.bytes += await writeFile(at, entry, await open(entry), summary.bytes, options.maxUnzippedBytes);
        await chmod(at, entry.mode & 0o777);
        await utimes(at, entry.mtime, entry.mtime);
        summary.files++;
      }
    }
    for (const link of links) {
      const at = join(work, link.path);
      await mkdir(dirname(at), { recursive: true });
      await symlink(link.target, at);
      summary.symlinks++;
    }
    if (options.replace) {
      for (const name of await readdir(into)) if (name !== basename(work)) await rm(join(into, name), { recursive: true, force: true });
    }
    summary.directories = foldersOf(planned.map((p) => p.path), planned.filter((p) => p.entry.kind === 'directory').map((p) => p.path));
    for (const name of await readdir(work)) await rename(join(work, name), join(into, name));
    await rmdir(work);
    // Folder modes last, deepest first: a read-only folder could not have been written into, or moved.
    const folders = planned.filter((p) => p.entry.kind === 'directory').sort((a, b) => b.path.split('/').length - a.path.split('/').length);
    for (const { path, entry } of folders) {
      await chmod(join(into, path), entry.mode & 0o777);
      await utimes(join(into, path), entry.mtime, entry.mtime);
    }
    return summary;
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    if (created) await rmdir(into).catch(() => undefined);
    throw err;
  }
}

/** How many folders the tree has: those named, and those that hold an entry. */
function foldersOf(paths: string[], named: string[]): number {
  const folders = new Set(named);
  for (const path of paths) for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1)) folders.add(path.slice(0, at));
  return folders.size;
}

/** Every entry with a safe, unique path and no file or link above it, within the size limit as declared. */
function checkTree<E extends UnpackEntry>(entries: readonly E[], maxBytes: number): { path: string; entry: E }[] {
  const kinds = new Map<string, EntryKind>();
  const planned: { path: string; entry: E }[] = [];
  let declared = 0;
  for (const entry of entries) {
    let path: string;
    try {
      path = normaliseEntryPath(entry.path);
    } catch (err) {
      if (err instanceof UnsafeEntryName) throw new UnpackError('unsafe-path', `refused: ${err.message}`);
      throw err;
    }
    if (path === '') {
      if (entry.kind === 'directory') continue;
      throw new UnpackError('unsafe-path', `refused: a ${entry.kind} entry names the target folder itself`);
    }
    if (kinds.has(path)) throw new UnpackError('conflict', `refused: '${path}' appears twice`);
    kinds.set(path, entry.kind);
    if (entry.kind !== 'directory') declared += entry.size;
    planned.push({ path, entry });
  }
  for (const { path } of planned) {
    for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1)) {
      const above = kinds.get(path.slice(0, at));
      if (above !== undefined && above !== 'directory') {
        throw new UnpackError('conflict', `refused: '${path}' lies under '${path.slice(0, at)}', which is a ${above === 'symlink' ? 'symbolic link' : 'file'}`);
      }
    }
  }
  if (declared > maxBytes) throw new UnpackError('too-large', `refused: the files add up to ${declared} bytes, more than ${maxBytes}`);
  return planned;
}

/** Creates the target when missing (returns true then); refuses a file, or a folder with something in it. */
async function prepareTarget(into: string, replace: boolean): Promise<boolean> {
  try {
    const stat = await lstat(into);
    if (!stat.isDirectory()) throw new UnpackError('target-not-a-folder', `${into} is not a folder`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await mkdir(into, { recursive: true });
    return true;
  }
  if (!replace && (await readdir(into)).length > 0) {
    throw new UnpackError('target-not-empty', `${into} is not empty`);
  }
  return false;
}

/** Writes the entry's bytes to a new file, holding them to the declared size and the running total to the limit. */
async function writeFile(at: string, entry: UnpackEntry, data: Readable, before: number, maxBytes: number): Promise<number> {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > entry.size) return done(new UnpackError('sizes-lie', `refused: '${entry.path}' holds more than its declared ${entry.size} bytes`));
      if (before + bytes > maxBytes) return done(new UnpackError('too-large', `refused: the files add up to more than ${maxBytes} bytes`));
      done(null, chunk);
    },
  });
  const handle = await open(at, WRITE_FLAGS, 0o600);
  await pipeline(data, counter, handle.createWriteStream());
  if (bytes !== entry.size) throw new UnpackError('sizes-lie', `refused: '${entry.path}' holds ${bytes} bytes, not its declared ${entry.size}`);
  return bytes;
}

/** A link's target, refused when absolute or when it leads out of the tree from where the link stands. */
async function linkTarget(path: string, entry: UnpackEntry, data: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of data as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_LINK_TARGET || length > entry.size) {
      data.destroy();
      throw new UnpackError('unsafe-link', `refused: the link '${path}' has a target longer than ${Math.min(MAX_LINK_TARGET, entry.size)} bytes`);
    }
    chunks.push(chunk);
  }
  const target = Buffer.concat(chunks).toString('utf8');
  if (target === '' || target.includes('\0')) throw new UnpackError('unsafe-link', `refused: the link '${path}' has no usable target`);
  if (posix.isAbsolute(target) || /^[a-zA-Z]:/.test(target) || target.includes('\\')) {
    throw new UnpackError('unsafe-link', `refused: the link '${path}' points to the absolute path '${target}'`);
  }
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  if (resolved === '..' || resolved.startsWith('../')) {
    throw new UnpackError('unsafe-link', `refused: the link '${path}' points to '${target}', outside the folder`);
  }
  return target;
}
