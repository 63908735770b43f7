/** The blob-store contract, run against whichever backend this test project uses (fs or MinIO). */
import { randomBytes } from 'node:crypto';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer, text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { LayerDigest } from '../../../src/codec/digest.js';
import { loadConfig } from '../../../src/config.js';
import { createBlobBackend, minioClient, type BlobBackend } from '../../../src/store/blob/index.js';
import { BACKEND } from '../../helpers/app.js';

describe(`blob store (${BACKEND})`, () => {
  let dir: string;
  let backend: BlobBackend;
  let env: Record<string, string>;
  const staged = async (content: string | Buffer) => {
    const path = join(dir, randomBytes(8).toString('hex'));
    await writeFile(path, content);
    return path;
  };
  /** The whole content of a blob, read through its stream. */
  const bytesOf = async (key: string) => {
    const blob = await backend.store.open(key);
    expect(blob, `blob ${key}`).toBeDefined();
    return { size: blob!.size, bytes: await buffer(blob!.stream) };
  };
  const digestOf = (content: string) => {
    const digest = new LayerDigest();
    digest.update(Buffer.from(content));
    return digest.result();
  };
  /** Adopts a file the way the service does: with the digests of its bytes. */
  const adopt = async (path: string) => {
    const digest = new LayerDigest();
    digest.update(await readFile(path));
    return backend.store.adopt(path, digest.result());
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-blob-'));
    env = { STRATA_DATA_DIR: dir };
    if (BACKEND === 'minio') {
      const minio = inject('minio');
      Object.assign(env, {
        STRATA_BLOB_BACKEND: 'minio', STRATA_MINIO_ENDPOINT: minio.endpoint, STRATA_MINIO_ACCESS_KEY: minio.accessKey,
        STRATA_MINIO_SECRET_KEY: minio.secretKey, STRATA_MINIO_BUCKET: `strata-blob-${randomBytes(4).toString('hex')}`,
      });
    }
    backend = createBlobBackend(loadConfig(env), 'test-instance');
    await backend.init();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('BlobStore: adopt moves a file in under an unguessable key, and open returns its bytes and size', async () => {
    const path = await staged('hello layer');
    const key = await adopt(path);
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    const blob = await backend.store.open(key);
    expect(blob?.size).toBe(11);
    expect(await text(blob!.stream)).toBe('hello layer');
  });

  it('BlobStore: keys differ for identical content', async () => {
    const a = await adopt(await staged('same'));
    const b = await adopt(await staged('same'));
    expect(a).not.toBe(b);
  });

  it('BlobStore: open of an unknown or malformed key is undefined', async () => {
    expect(await backend.store.open(randomBytes(16).toString('hex'))).toBeUndefined();
    expect(await backend.store.open('../../etc/passwd')).toBeUndefined();
  });

  it('BlobStore: delete removes the blob and is idempotent', async () => {
    const key = await adopt(await staged('bye'));
    await backend.store.delete(key);
    await backend.store.delete(key);
    expect(await backend.store.open(key)).toBeUndefined();
  });

  it('BlobStore: sweep removes exactly the unreferenced blobs', async () => {
    const keep = await adopt(await staged('keep'));
    const orphan = await adopt(await staged('orphan'));
    const removed = await backend.store.sweep((key) => key !== orphan);
    expect(removed).toBe(1);
    expect(await backend.store.open(orphan)).toBeUndefined();
    expect((await bytesOf(keep)).bytes.toString()).toBe('keep');
  });

  it('BlobStore: an fs blob is the staged file moved in; a MinIO blob is an upload of its bytes', async () => {
    const content = randomBytes(3 * 1024 * 1024 + 17);
    const path = await staged(content);
    const key = await adopt(path);
    if (BACKEND === 'fs') await expect(access(path)).rejects.toThrow();
    const got = await bytesOf(key);
    expect(got.size).toBe(content.length);
    expect(got.bytes.equals(content)).toBe(true);
  });

  it.skipIf(BACKEND !== 'minio')('BlobStore: instances sharing a bucket never sweep each other\'s blobs', async () => {
    const other = createBlobBackend(loadConfig(env), 'other-instance');
    const theirs = await other.store.adopt(await staged('theirs'), digestOf('theirs'));
    await backend.store.sweep(() => false);
    const blob = await other.store.open(theirs);
    expect(blob).toBeDefined();
    expect(await text(blob!.stream)).toBe('theirs');
  });

  it.skipIf(BACKEND !== 'fs')('BlobStore: the filesystem store takes no uploads (a staged file is moved in whole)', () => {
    expect(backend.store.uploads).toBeUndefined();
  });

  /** The objects and the multipart uploads MinIO holds under this test's bucket. */
  const inBucket = async () => {
    const config = loadConfig(env).minio!;
    const client = minioClient(config);
    const objects: string[] = [];
    for await (const o of client.listObjectsV2(config.bucket, '', true) as AsyncIterable<{ name: string }>) objects.push(o.name);
    const { uploads } = await client.listIncompleteUploadsQuery(config.bucket, '', '', '', '');
    return { objects, uploads: uploads.length };
  };
  const MiB = 1024 * 1024;

  it.skipIf(BACKEND !== 'minio')('BlobStore: an upload\'s parts become one blob when it completes, and not before', async () => {
    const uploads = backend.store.uploads!;
    expect(uploads.partSize).toBe(5 * MiB);
    const content = randomBytes(5 * MiB + 1234);
    const before = await inBucket();
    const upload = await uploads.begin();
    await upload.part(content.subarray(0, 5 * MiB));
    await upload.part(content.subarray(5 * MiB));
    expect(await inBucket()).toEqual({ objects: before.objects, uploads: before.uploads + 1 });
    const digest = new LayerDigest();
    digest.update(content);
    const key = await upload.complete(digest.result());
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    const got = await bytesOf(key);
    expect(got.size).toBe(content.length);
    expect(got.bytes.equals(content)).toBe(true);
    expect((await inBucket()).uploads).toBe(before.uploads);
  });

  it.skipIf(BACKEND !== 'minio')('BlobStore: an aborted upload leaves no object and no upload', async () => {
    const before = await inBucket();
    const upload = await backend.store.uploads!.begin();
    await upload.part(randomBytes(5 * MiB));
    await upload.abort();
    expect(await inBucket()).toEqual(before);
  });

  it.skipIf(BACKEND !== 'minio')('BlobStore: sweep aborts the uploads a crash left', async () => {
    const before = await inBucket();
    const left = await backend.store.uploads!.begin();
    await left.part(randomBytes(5 * MiB));
    const theirs = await createBlobBackend(loadConfig(env), 'other-instance').store.uploads!.begin();
    expect((await inBucket()).uploads).toBe(before.uploads + 2);
    await backend.store.sweep(() => true);
    // Only this instance's: another's upload may be in flight.
    expect((await inBucket()).uploads).toBe(before.uploads + 1);
    await theirs.abort();
    expect((await inBucket()).uploads).toBe(before.uploads);
  });

  it.skipIf(BACKEND !== 'minio')('BlobStore: MinIO refuses a part whose bytes do not match its CRC-32 (an unsigned payload is still checked)', async () => {
    const config = loadConfig(env).minio!;
    const client = minioClient(config, { unsignedPayload: true });
    const objectName = 'check/crc';
    const uploadID = await client.initiateNewMultipartUpload(config.bucket, objectName, {});
    const bytes = randomBytes(1000);
    const wrong = Buffer.from([0, 0, 0, 0]).toString('base64');
    await expect(client.uploadPart(
      { bucketName: config.bucket, objectName, uploadID, partNumber: 1, headers: { 'Content-Length': 1000, 'x-amz-checksum-crc32': wrong } },
      bytes,
    )).rejects.toMatchObject({ code: expect.stringMatching(/BadDigest|Checksum/) });
    await client.abortMultipartUpload(config.bucket, objectName, uploadID);
  });

  it('BlobStore: health reports the backend as reachable', async () => {
    expect(await backend.health()).toMatchObject({ type: BACKEND, reachable: true });
  });
});
