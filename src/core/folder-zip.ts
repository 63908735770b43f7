/**
 * Publishing a folder: its files are zipped as they arrive, the way each cloud's own tools zip a folder, straight
 * into the staging area (hashed on the way like any upload); no file and no zip is held in memory.
 *
 * How the tools do it (read from their sources):
 * - AWS: `aws cloudformation package` (aws-cli awscli/customizations/cloudformation/artifact_exporter.py, make_zip)
 *   and `sam package` / `sam deploy` (aws-sam-cli samcli/lib/package/utils.py, make_zip): os.walk over the folder,
 *   regular files only (no directory entries), names relative to the folder (os.path.relpath: no leading "./"),
 *   ZIP_DEFLATED at zlib's default level 6, each file's own mode and mtime (ZipFile.write). Where SAM cannot read
 *   Unix modes (Windows) it writes 0o100755 for every file (aws-sam-cli#2344).
 * - FC: Serverless Devs (`s deploy`, `s layer publish --code DIR`) through @serverless-devs/zip 0.0.3-beta.8
 *   (Serverless-Devs/toolkit packages/zip/src/index.ts): archiver at level 9, names relative to the folder, in
 *   sorted order (ignore-walk: localeCompare 'en'), files plus empty directories, each file's lstat mode (| 0o111
 *   on Windows, where Node reports 0o666), mtime fixed at 2023-11-01, and the rules of `.fcignore` files applied.
 *
 * A browser reveals no modes, symlinks or empty directories, so a folder arrives as regular files only. Each gets
 * the mode its cloud's tool writes when it cannot read one (AWS 0o100755 as SAM on Windows; FC 0o100777, Serverless
 * Devs on Windows) and the mtime that tool would write (the file's own for AWS, the fixed date for FC). The order is
 * the caller's: it knows the whole listing before it sends the first file, so it sorts it as the tool walks.
 */
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import yazl from 'yazl';
import type { StagedFile, StagingArea } from '../store/staging.js';
import { NotAZip, UnzippedTooLarge } from './errors.js';
import { stageStream } from './ingest.js';
import type { Cloud } from './model.js';

export interface FolderFile {
  /** Relative to the folder, '/'-separated: `python/lib/x.py`. */
  path: string;
  content: AsyncIterable<Uint8Array>;
  /** Epoch milliseconds, when the sender knows it. */
  lastModified?: number | undefined;
}

interface ZipStyle {
  compressionLevel: number;
  mode: number;
  mtime(file: FolderFile): Date;
}

/** @serverless-devs/zip: `new Date('2023-11-01')`, UTC midnight. */
const FC_FIXED_MTIME = new Date('2023-11-01');

const STYLES: Record<Cloud, ZipStyle> = {
  aws: { compressionLevel: 6, mode: 0o100755, mtime: (f) => new Date(f.lastModified ?? Date.now()) },
  fc: { compressionLevel: 9, mode: 0o100777, mtime: () => FC_FIXED_MTIME },
};

export interface FolderZipOptions {
  cloud: Cloud;
  staging: StagingArea;
  /** The zip limit: the zip being written is refused (ZippedTooLarge) once it passes this. */
  maxZippedBytes: number;
  /** Refused (UnzippedTooLarge) once the files add up to this many bytes, as the zip check would. */
  maxUnzippedBytes: number;
}

/**
 * Zips the files into a staged file, in the order given. Throws NotAZip for a path that would not unzip inside
 * the folder (absolute, `..`, empty segments, a name given twice), and the size errors above.
 */
export async function stageFolder(files: AsyncIterable<FolderFile>, opts: FolderZipOptions): Promise<StagedFile> {
  const style = STYLES[opts.cloud];
  const zip = new yazl.ZipFile();
  // yazl's typings call it a NodeJS.ReadableStream; it is a stream.Readable (a PassThrough) of Buffers.
  const output = zip.outputStream as Readable;
  const staged = stageStream(output, opts.staging, opts.maxZippedBytes);
  const broken = new Promise<never>((_, reject) => {
    zip.on('error', reject);
    staged.catch(reject);
  });
  broken.catch(() => undefined);
  const names = new Set<string>();
  let unzipped = 0;
  const count = (chunk: Uint8Array) => {
    unzipped += chunk.length;
    if (unzipped >= opts.maxUnzippedBytes) throw new UnzippedTooLarge(opts.maxUnzippedBytes);
  };
  try {
    for await (const file of files) {
      checkPath(file.path, names);
      const content = Readable.from(counted(file.content, count), { objectMode: false });
      zip.addReadStream(content, file.path, {
        mode: style.mode,
        mtime: style.mtime(file),
        compressionLevel: style.compressionLevel,
        // Neither tool writes the Info-ZIP timestamp field (zipfile, archiver): DOS times only.
        forceDosTimestamp: true,
      });
      // The next file is taken only once this one is in the zip: a sender's files arrive one after another.
      await Promise.race([finished(content), broken]);
    }
    zip.end();
    return await Promise.race([staged, broken]);
  } catch (err) {
    output.destroy();
    await (await staged.catch(() => undefined))?.discard();
    throw err;
  }
}

async function* counted(source: AsyncIterable<Uint8Array>, count: (chunk: Uint8Array) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    count(chunk);
    yield chunk;
  }
}

/** A name that unzips inside the folder, given once. */
function checkPath(path: string, seen: Set<string>): void {
  const segments = path.split('/');
  const bad =
    path === '' || path.includes('\\') || path.includes('\0') || Buffer.byteLength(path) > 0xffff ||
    segments.some((s) => s === '' || s === '.' || s === '..');
  if (bad) throw new NotAZip(`the folder's file '${path}' has no usable relative path`);
  if (seen.has(path)) throw new NotAZip(`the folder has two files named '${path}'`);
  seen.add(path);
}
