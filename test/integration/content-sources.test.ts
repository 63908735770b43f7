/**
 * Publishing from a bucket object: AWS S3Bucket/S3Key/S3ObjectVersion and FC ossBucketName/ossObjectName,
 * on whichever backend this project runs (MinIO buckets, or `<dataDir>/buckets/<bucket>/<key>`). Objects are
 * written with the `minio` client (or as files), then published through the real SDKs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { GetLayerVersionCommand, LambdaClient, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import FcOpenModule, * as FcOpen from '@alicloud/fc-open20210406';
import Fc3Module, * as Fc3 from '@alicloud/fc20230330';
import { Config as OpenApiConfig } from '@alicloud/openapi-client';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc64 } from '../../src/codec/crc64.js';
import { BACKEND, startTestApp, type TestApp } from '../helpers/app.js';
import { keyFor } from '../helpers/auth.js';
import { makeZip, notAZip } from '../helpers/zips.js';

/** The SDKs are CommonJS with `exports.default = Client`; depending on the loader the import is either. */
const ctorOf = <T,>(mod: unknown): T => ((typeof mod === 'function' ? mod : (mod as { default: unknown }).default) as T);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('base64');
const uid = () => randomBytes(4).toString('hex');

describe(`content from buckets (${BACKEND})`, () => {
  let t: TestApp;
  let lambda: LambdaClient;
  let fc21: InstanceType<typeof FcOpenModule.default>;
  let fc3: InstanceType<typeof Fc3Module.default>;
  let zip: Buffer;

  beforeAll(async () => {
    t = await startTestApp();
    lambda = new LambdaClient({
      endpoint: t.url, region: 'us-east-1', maxAttempts: 1,
      credentials: { accessKeyId: '123456789012', secretAccessKey: keyFor(t.url, 'aws', '123456789012') },
    });
    const endpoint = t.url.replace('http://', '');
    fc21 = new (ctorOf<typeof FcOpenModule.default>(FcOpenModule))(new OpenApiConfig({ accessKeyId: 'ak', accessKeySecret: keyFor(t.url, 'fc', 'ak', 'sk'), endpoint, protocol: 'http', regionId: 'cn-hangzhou' }));
    fc3 = new (ctorOf<typeof Fc3Module.default>(Fc3Module))(new $OpenApiUtil.Config({ accessKeyId: 'ak', accessKeySecret: keyFor(t.url, 'fc', 'ak', 'sk'), endpoint, protocol: 'http', regionId: 'cn-hangzhou' }));
    zip = await makeZip({ 'python/lib.py': `x = "${uid()}"\n` });
  });
  afterAll(() => t.close());

  const publishS3 = (LayerName: string, S3Bucket: string, S3Key: string, S3ObjectVersion?: string) =>
    lambda.send(new PublishLayerVersionCommand({ LayerName, Content: { S3Bucket, S3Key, S3ObjectVersion } }));

  async function awsError(p: Promise<unknown>) {
    const err = (await p.then(() => undefined, (e: unknown) => e)) as { name: string; message: string; $metadata: { httpStatusCode: number } };
    expect(err, 'expected an error').toBeDefined();
    return { name: err.name, status: err.$metadata.httpStatusCode, message: err.message };
  }

  it('PublishLayerVersion: publishes the bytes of an S3 object, checksum and size of the object', async () => {
    const bucket = `src-${uid()}`;
    await t.putSourceObject(bucket, 'layers/lib.zip', zip);
    const out = await publishS3(`s3-${uid()}`, bucket, 'layers/lib.zip');
    expect(out.Content?.CodeSha256).toBe(sha256(zip));
    expect(out.Content?.CodeSize).toBe(zip.length);
    expect(out.Description).toBe('');
    expect(out.CompatibleRuntimes).toBeUndefined();
    const download = Buffer.from(await (await fetch(out.Content!.Location!)).arrayBuffer());
    expect(download.equals(zip)).toBe(true);
  });

  it('PublishLayerVersion: an S3 key may start with a slash (recorded: /layercontent.zip)', async () => {
    const bucket = `src-${uid()}`;
    await t.putSourceObject(bucket, '/layercontent.zip', zip);
    const out = await publishS3(`s3-${uid()}`, bucket, '/layercontent.zip');
    expect(out.Content?.CodeSha256).toBe(sha256(zip));
  });

  it('PublishLayerVersion: a missing bucket is NoSuchBucket, word for word, and consumes no version', async () => {
    const name = `s3-${uid()}`;
    expect(await awsError(publishS3(name, `nobucket-${uid()}`, 'k.zip'))).toEqual({
      name: 'InvalidParameterValueException', status: 400,
      message: 'Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist',
    });
    const bucket = `src-${uid()}`;
    await t.putSourceObject(bucket, 'ok.zip', zip);
    expect((await publishS3(name, bucket, 'ok.zip')).Version).toBe(1);
  });

  it('PublishLayerVersion: a missing key is NoSuchKey, word for word', async () => {
    const bucket = `src-${uid()}`;
    await t.putSourceObject(bucket, 'other.zip', zip);
    expect(await awsError(publishS3(`s3-${uid()}`, bucket, 'missing.zip'))).toEqual({
      name: 'InvalidParameterValueException', status: 400,
      message: 'Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.',
    });
  });

  it('PublishLayerVersion: a missing object version is NoSuchVersion', async () => {
    const bucket = `src-${uid()}`;
    await t.putSourceObject(bucket, 'v.zip', zip, { versioned: true });
    const missing = BACKEND === 'minio' ? '8e6c2dd7-7a43-4a4a-b5d7-8b5a1f0c3e11' : 'v1';
    expect(await awsError(publishS3(`s3-${uid()}`, bucket, 'v.zip', missing))).toEqual({
      name: 'InvalidParameterValueException', status: 400,
      message: 'Error occurred while GetObject. S3 Error Code: NoSuchVersion. S3 Error Message: The specified version does not exist.',
    });
  });

  it.skipIf(BACKEND !== 'minio')('PublishLayerVersion: S3ObjectVersion selects that version of the object', async () => {
    const bucket = `src-${uid()}`;
    const first = await t.putSourceObject(bucket, 'v.zip', zip, { versioned: true });
    const later = await makeZip({ 'python/other.py': 'y = 2\n' });
    await t.putSourceObject(bucket, 'v.zip', later, { versioned: true });
    expect(first.versionId).toBeTruthy();
    const out = await publishS3(`s3-${uid()}`, bucket, 'v.zip', first.versionId);
    expect(out.Content?.CodeSha256).toBe(sha256(zip));
  });

  it('PublishLayerVersion: an S3 object that is not a zip is refused like inline content, leaving nothing behind', async () => {
    const bucket = `src-${uid()}`;
    await t.putSourceObject(bucket, 'bad.zip', await notAZip());
    expect(await awsError(publishS3(`s3-${uid()}`, bucket, 'bad.zip'))).toEqual({
      name: 'InvalidParameterValueException', status: 400,
      message: 'Could not unzip uploaded file. Please check your file, then try to upload again.',
    });
    expect(await readdir(join(t.dataDir, 'staging'))).toEqual([]);
  });

  it('GetLayerVersion: an S3-published version reads back after a restart', async () => {
    const bucket = `src-${uid()}`;
    await t.putSourceObject(bucket, 'keep.zip', zip);
    const name = `s3-${uid()}`;
    await publishS3(name, bucket, 'keep.zip');
    t = await t.restart();
    lambda = new LambdaClient({ endpoint: t.url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: '123456789012', secretAccessKey: keyFor(t.url, 'aws', '123456789012') } });
    const got = await lambda.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 }));
    expect(got.Content?.CodeSha256).toBe(sha256(zip));
    expect(Buffer.from(await (await fetch(got.Content!.Location!)).arrayBuffer()).equals(zip)).toBe(true);
  });

  it('CreateLayerVersion (2021-04-06): publishes an OSS object, codeChecksum of the object', async () => {
    const bucket = `oss-${uid()}`;
    await t.putSourceObject(bucket, 'code/layer.zip', zip);
    const res = await fc21.createLayerVersion(`oss${uid()}`, new FcOpen.CreateLayerVersionRequest({
      code: new FcOpen.Code({ ossBucketName: bucket, ossObjectName: 'code/layer.zip' }), compatibleRuntime: ['python3'],
    }));
    expect(res.body?.codeChecksum).toBe(crc64(zip));
    expect(res.body?.codesize).toBe(zip.length);
  });

  it('CreateLayerVersion (2023-03-30): publishes an OSS object', async () => {
    const bucket = `oss-${uid()}`;
    await t.putSourceObject(bucket, 'layer.zip', zip);
    const res = await fc3.createLayerVersion(`oss${uid()}`, new Fc3.CreateLayerVersionRequest({
      body: new Fc3.CreateLayerVersionInput({ code: new Fc3.InputCodeLocation({ ossBucketName: bucket, ossObjectName: 'layer.zip' }) }),
    }));
    expect(res.body?.codeChecksum).toBe(crc64(zip));
    expect(res.body?.codeSize).toBe(zip.length);
  });

  it('CreateLayerVersion (2023-03-30): a missing OSS bucket or object is InvalidArgument', async () => {
    const bucket = `oss-${uid()}`;
    await t.putSourceObject(bucket, 'there.zip', zip);
    const create = (b: string, o: string) =>
      fc3.createLayerVersion(`oss${uid()}`, new Fc3.CreateLayerVersionRequest({
        body: new Fc3.CreateLayerVersionInput({ code: new Fc3.InputCodeLocation({ ossBucketName: b, ossObjectName: o }) }),
      })).then(() => undefined, (e: { code: string; statusCode: number; data: { Message: string } }) => e);
    const noBucket = await create(`nobucket-${uid()}`, 'x.zip');
    expect([noBucket?.statusCode, noBucket?.code]).toEqual([400, 'InvalidArgument']);
    expect(noBucket?.data.Message).toMatch(/NoSuchBucket: The specified bucket does not exist\.$/);
    const noObject = await create(bucket, 'missing.zip');
    expect([noObject?.statusCode, noObject?.code]).toEqual([400, 'InvalidArgument']);
    expect(noObject?.data.Message).toMatch(/NoSuchKey: The specified key does not exist\.$/);
  });
});
