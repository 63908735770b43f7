import { stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { SourceObjectMissing } from '../../core/errors.js';
import { ConfinedRoot } from '../confined-path.js';
import type { ObjectLocation, ObjectSource } from '../../core/ports.js';

/**
 * With the filesystem backend, buckets are directories: object `key` of bucket `b` is the file
 * `<dataDir>/buckets/b/key`. There are no object versions, so naming one finds nothing. Nothing outside
 * `<dataDir>/buckets` is ever read: a bucket or key whose real path (symlinks followed) leaves it is missing.
 */
export class FsObjectSource implements ObjectSource {
  private readonly confined: ConfinedRoot;

  constructor(private readonly root: string) {
    this.confined = new ConfinedRoot(root);
  }

  async open({ bucket, key, versionId }: ObjectLocation): Promise<Readable> {
    const bucketDir = join(this.root, bucket);
    const realBucket = bucket === '' || bucket.includes('/') || bucket.startsWith('.') ? undefined : await this.confined.resolve(bucketDir);
    if (realBucket === undefined || !(await isDir(realBucket))) throw new SourceObjectMissing('bucket', bucket, key, versionId);
    // A key is a name inside its bucket, never a way out of it (`..`, an absolute path, a symlink).
    const file = join(bucketDir, key);
    const inBucket = key !== '' && !key.endsWith('/') && file.startsWith(bucketDir + sep);
    const fh = inBucket ? await this.confined.openFile(file) : undefined;
    if (!fh) throw new SourceObjectMissing('key', bucket, key, versionId);
    if (versionId !== undefined) {
      await fh.close();
      throw new SourceObjectMissing('version', bucket, key, versionId);
    }
    return fh.createReadStream({ highWaterMark: 1024 * 1024 });
  }
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}
