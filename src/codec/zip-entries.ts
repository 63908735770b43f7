/**
 * A zip's entries as a file tree: each entry's normalised path, its kind (file, directory or symbolic link), its
 * permission bits and its modification time, and a stream of its bytes on demand. Used to merge layers (a merged
 * /opt) and to unpack one (codec/unpack.ts); the zip's honesty (sizes, CRC-32s, a bomb) is inspectZip's business.
 *
 * Kinds and modes follow Info-ZIP, which the AWS CLI, SAM, Serverless Devs and `zip -y` write: on a zip made on Unix
 * (version made by 3, or 19 for OS X) the high 16 bits of the external attributes are the st_mode, file type
 * included (S_IFLNK: the entry's data is the link's target). Zips without Unix modes (Windows tools) get 0644 for
 * files and 0755 for directories, what `unzip` gives them under the usual umask.
 */
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

export type EntryKind = 'file' | 'directory' | 'symlink';

export interface ZipEntryInfo {
  /** Normalised: '/'-separated, no leading '/', no '.' or empty segments, no trailing '/'. */
  path: string;
  kind: EntryKind;
  /** Permission bits (at most 0o7777). */
  mode: number;
  mtime: Date;
  /** Uncompressed bytes (a symlink's: its target's length). */
  size: number;
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const MSDOS_DIRECTORY = 0x10;
const UNIX_HOSTS = new Set([3, 19]);
export const DEFAULT_FILE_MODE = 0o644;
export const DEFAULT_DIRECTORY_MODE = 0o755;

/** A path segment no unpacker may write: parent references, and names that are not names. */
export class UnsafeEntryName extends Error {
  override readonly name = 'UnsafeEntryName';
  constructor(readonly entryName: string, reason: string) {
    super(`entry '${entryName}' ${reason}`);
  }
}

/**
 * The entry name as a relative path inside the tree; throws UnsafeEntryName for absolute paths (`/x`, `C:x`, `\\x`),
 * `..` segments and NUL bytes. Backslashes count as separators, as Windows tools write them. '' is the root itself.
 */
export function normaliseEntryPath(name: string): string {
  if (name.includes('\0')) throw new UnsafeEntryName(name, 'contains a NUL byte');
  const slashed = name.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed)) throw new UnsafeEntryName(name, 'is an absolute path');
  const segments = slashed.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw new UnsafeEntryName(name, "climbs out of its folder with '..'");
  return segments.join('/');
}

export function describeEntry(entry: yauzl.Entry): ZipEntryInfo {
  const host = entry.versionMadeBy >> 8;
  const unixMode = UNIX_HOSTS.has(host) ? entry.externalFileAttributes >>> 16 : 0;
  const type = unixMode & S_IFMT;
  const named = entry.fileName.endsWith('/') || entry.fileName.endsWith('\\');
  let kind: EntryKind = 'file';
  if (named || type === S_IFDIR || (unixMode === 0 && (entry.externalFileAttributes & MSDOS_DIRECTORY) !== 0)) kind = 'directory';
  else if (type === S_IFLNK) kind = 'symlink';
  const permissions = unixMode & 0o7777;
  const mode = permissions !== 0 ? permissions : kind === 'directory' ? DEFAULT_DIRECTORY_MODE : kind === 'symlink' ? 0o777 : DEFAULT_FILE_MODE;
  return { path: normaliseEntryPath(entry.fileName), kind, mode, mtime: entry.getLastModDate(), size: entry.uncompressedSize };
}

/** An open zip file: its entries in central-directory order, each readable as a stream until close(). */
export class ZipArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    readonly entries: (ZipEntryInfo & { raw: yauzl.Entry })[],
  ) {}

  /** Opens and lists a zip; names that are not safe paths throw UnsafeEntryName. */
  static async open(path: string): Promise<ZipArchive> {
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(path, { lazyEntries: true, autoClose: false, decodeStrings: true, strictFileNames: false, validateEntrySizes: true },
        (err, z) => (err ? reject(err) : resolve(z))),
    );
    try {
      const entries: (ZipEntryInfo & { raw: yauzl.Entry })[] = [];
      for await (const raw of zip.eachEntry()) entries.push({ ...describeEntry(raw), raw });
      return new ZipArchive(zip, entries);
    } catch (err) {
      zip.close();
      throw err;
    }
  }

  /** The entry's bytes, inflated; yauzl checks their count against the declared size as they stream. */
  openStream(entry: { raw: yauzl.Entry }): Promise<Readable> {
    return new Promise((resolve, reject) => {
      try {
        this.zip.openReadStream(entry.raw, (err, stream) => (err ? reject(err) : resolve(stream)));
      } catch (err) {
        reject(err);
      }
    });
  }

  close(): void {
    this.zip.close();
  }
}
