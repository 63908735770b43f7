/** Reads a zip's entries back (yauzl), with what the tests check of each: name, mode, method, time, extras, bytes. */
import yauzl from 'yauzl';

export interface ReadEntry {
  name: string;
  /** The Unix mode in the external attributes (`0o100755`). */
  mode: number;
  /** 8 = deflate. */
  method: number;
  /** The DOS time, read as local time. */
  mtime: Date;
  extraFieldIds: number[];
  /** Inflated content. */
  data: Buffer;
  /** The stored (compressed) bytes. */
  raw: Buffer;
}

const streamToBuffer = async (stream: NodeJS.ReadableStream) => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

export function readEntries(zip: Buffer): Promise<ReadEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err || !file) return reject(err);
      const out: ReadEntry[] = [];
      const open = (entry: yauzl.Entry, decompress: boolean) =>
        new Promise<Buffer>((res, rej) =>
          file.openReadStream(entry, { decompress: decompress ? true : (false as never) }, (e, s) => (e || !s ? rej(e) : streamToBuffer(s).then(res, rej))));
      file.on('entry', async (entry: yauzl.Entry) => {
        try {
          out.push({
            name: entry.fileName,
            mode: entry.externalFileAttributes >>> 16,
            method: entry.compressionMethod,
            mtime: entry.getLastModDate(),
            extraFieldIds: entry.extraFields.map((f) => f.id),
            data: await open(entry, true),
            raw: await open(entry, false),
          });
          file.readEntry();
        } catch (e) {
          reject(e);
        }
      });
      file.on('end', () => resolve(out));
      file.on('error', reject);
      file.readEntry();
    });
  });
}
