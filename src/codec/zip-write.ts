/**
 * A file tree written as a zip stream (yazl), each entry's bytes pulled from its source only when the zip reaches
 * it, so a tree of any size passes through a few buffers. Entries are stored, not deflated: the zip is made to be
 * unpacked at once on the same machine or network (a merged /opt), where deflating would cost more time than it
 * saves, and a stored zip's size is known before its first byte (a Content-Length). Modes and symbolic links are
 * written as Info-ZIP writes them (st_mode in the high bits of the external attributes, a link's target as its data).
 */
import type { Readable } from 'node:stream';
import yazl from 'yazl';
import type { EntryKind } from './zip-entries.js';

export interface TreeSourceEntry {
  path: string;
  kind: EntryKind;
  mode: number;
  mtime: Date;
  size: number;
}

const TYPE_BITS: Record<EntryKind, number> = { file: 0o100000, directory: 0o040000, symlink: 0o120000 };

/**
 * The zip of `entries`, and its size in bytes (undefined if yazl cannot tell). A source that fails, or yields
 * another number of bytes than its entry declares, destroys the stream with that error.
 */
export function zipTree<E extends TreeSourceEntry>(
  entries: Iterable<E>, open: (entry: E) => Promise<Readable>,
): Promise<{ stream: Readable; size: number | undefined }> {
  const zip = new yazl.ZipFile();
  const output = zip.outputStream as Readable;
  zip.on('error', (err: Error) => output.destroy(err));
  for (const entry of entries) {
    const mode = TYPE_BITS[entry.kind] | (entry.mode & 0o7777);
    if (entry.kind === 'directory') {
      zip.addEmptyDirectory(entry.path, { mtime: entry.mtime, mode });
      continue;
    }
    zip.addReadStreamLazy(entry.path, { mtime: entry.mtime, mode, compress: false, size: entry.size }, (done) => {
      open(entry).then((stream) => done(null, stream), (err: Error) => done(err, undefined as never));
    });
  }
  return new Promise((resolve) => {
    // @types/yazl types the callback without its argument (yazl README: calculatedTotalSizeCallback).
    const sized = (size: number) => resolve({ stream: output, size: size >= 0 ? size : undefined });
    zip.end({ forceZip64Format: false, comment: '' }, sized as () => void);
  });
}
