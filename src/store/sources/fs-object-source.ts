import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { SourceObjectMissing } from '../../core/errors.js';
import type { ObjectLocation, ObjectSource } from './object-source.js';

/**
 * With the filesystem backend, buckets are directories: object `key` of bucket `b` is the file
 * `<dataDir>/buckets/b/key`. There are no object versions, so naming one finds nothing.
 */
export class FsObjectSource implements ObjectSource {
  constructor(private readonly root: string) {}

  async open({ bucket, key, versionId }: ObjectLocation): Promise<Readable> {
    const bucketDir = resolve(this.root, bucket);
    if (bucket === '' || bucket.includes('/') || bucket.startsWith('.') || !(await isDir(bucketDir))) {
      throw new SourceObjectMissing('bucket', bucket, key, versionId);
    }
    const file = resolve(join(bucketDir, key));
    // A key is a name inside its bucket, never a way out of it.
    const isFileKey = key !== '' && !key.endsWith('/') && file.startsWith(bucketDir + sep);
    if (!isFileKey || !(await isFile(file))) throw new SourceObjectMissing('key', bucket, key, versionId);
    if (versionId !== undefined) throw new SourceObjectMissing('version', bucket, key, versionId);
    return createReadStream(file, { highWaterMark: 1024 * 1024 });
  }
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}
