/**
 * Reads a zip into `path -> what it is`, with yauzl directly (not Strata's own zip code), for comparing trees file by
 * file: `f <mode> <content>`, `d <mode>`, `l -> <target>` (the same notation as treeOf for folders).
 */
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import yauzl from 'yauzl';

export function zipTreeOf(zip: Buffer): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err) return reject(err);
      const out: Record<string, string> = {};
      file.on('error', reject);
      file.on('end', () => resolve(out));
      file.on('entry', (entry: yauzl.Entry) => {
        const mode = entry.externalFileAttributes >>> 16;
        const name = entry.fileName.replace(/\/$/, '');
        if (entry.fileName.endsWith('/')) {
          out[name] = `d ${(mode & 0o7777).toString(8)}`;
          return file.readEntry();
        }
        file.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            const data = Buffer.concat(chunks).toString('utf8');
            out[name] = (mode & 0o170000) === 0o120000 ? `l -> ${data}` : `f ${(mode & 0o7777).toString(8)} ${data}`;
            file.readEntry();
          });
        });
      });
      file.readEntry();
    });
  });
}

/** Every path under `dir`, in the notation of zipTreeOf. */
export async function treeOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const rel of (await readdir(dir, { recursive: true })).sort()) {
    const at = join(dir, rel);
    const s = await lstat(at);
    if (s.isSymbolicLink()) out[rel] = `l -> ${await readlink(at)}`;
    else if (s.isDirectory()) out[rel] = `d ${(s.mode & 0o7777).toString(8)}`;
    else out[rel] = `f ${(s.mode & 0o7777).toString(8)} ${await readFile(at, 'utf8')}`;
  }
  return out;
}
