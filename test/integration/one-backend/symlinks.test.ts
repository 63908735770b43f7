/**
 * With the filesystem backend, bucket reads never leave `<dataDir>/buckets`: a symlinked file, a symlinked folder
 * inside a bucket, and a bucket that is itself a symlink all lead outside and are answered as the missing object
 * they are, in each dialect's words. Symlinks that stay inside the buckets directory still work. Filesystem only
 * (MinIO has no symlinks), hence outside the MinIO test project.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishLayerVersionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import { expectAwsError, lambdaClient, sha256Base64, uniqueName } from '../../helpers/aws.js';
import { create23With, expectFc23Error, fc23, type FC23Client } from '../../helpers/fc.js';
import { startTestApp } from '../../helpers/app.js';
import { makeZip } from '../../helpers/zips.js';
import * as $23 from '@alicloud/fc20230330';

let t: TestApp, lambda: LambdaClient, c23: FC23Client, outside: string, inside: Buffer, secret: Buffer;
let buckets: string;

beforeAll(async () => {
  t = await startTestApp({ STRATA_BLOB_BACKEND: 'fs' });
  lambda = lambdaClient(t.url);
  c23 = fc23(t.url);
  buckets = join(t.dataDir, 'buckets');
  outside = await mkdtemp(join(tmpdir(), 'strata-outside-'));
  secret = await makeZip({ 'secret.txt': 'outside the data directory' });
  inside = await makeZip({ 'inside.txt': 'inside the buckets directory' });
  await writeFile(join(outside, 'secret.zip'), secret);
  await mkdir(join(outside, 'dir'));
  await writeFile(join(outside, 'dir', 'secret.zip'), secret);
  await t.putSourceObject('good', 'real.zip', inside);
  await symlink(join(outside, 'secret.zip'), join(buckets, 'good', 'link.zip'));
  await symlink(join(outside, 'dir'), join(buckets, 'good', 'dir'));
  await symlink(outside, join(buckets, 'evil'));
  // Inside the root: a second name for a file of the bucket, and a bucket that is another name for one.
  await symlink(join(buckets, 'good', 'real.zip'), join(buckets, 'good', 'alias.zip'));
  await symlink(join(buckets, 'good'), join(buckets, 'also-good'));
});
afterAll(async () => {
  lambda?.destroy();
  await t?.close();
  await rm(outside, { recursive: true, force: true });
});

const S3_NO_KEY = 'Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.';
const S3_NO_BUCKET = 'Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist';

const publishS3 = (S3Bucket: string, S3Key: string) =>
  lambda.send(new PublishLayerVersionCommand({ LayerName: uniqueName(), Content: { S3Bucket, S3Key } }));
const createOss = (ossBucketName: string, ossObjectName: string) =>
  create23With(c23, uniqueName(), { code: new $23.InputCodeLocation({ ossBucketName, ossObjectName }) });

describe('bucket reads stay inside <dataDir>/buckets', () => {
  it.each([
    ['a symlinked file', 'good', 'link.zip'],
    ['a file in a symlinked folder', 'good', 'dir/secret.zip'],
  ])('PublishLayerVersion: %s leading outside → NoSuchKey', async (_, bucket, key) => {
    await expectAwsError(publishS3(bucket, key), { status: 400, code: 'InvalidParameterValueException', message: S3_NO_KEY });
  });

  it('PublishLayerVersion: a bucket that is a symlink leading outside → NoSuchBucket', async () => {
    await expectAwsError(publishS3('evil', 'secret.zip'), { status: 400, code: 'InvalidParameterValueException', message: S3_NO_BUCKET });
  });

  it('PublishLayerVersion: a key climbing out with ../ → NoSuchKey', async () => {
    await expectAwsError(publishS3('good', '../../strata.sqlite'), { status: 400, code: 'InvalidParameterValueException', message: S3_NO_KEY });
  });

  it.each([
    ['a symlinked file', 'good', 'link.zip', 'NoSuchKey: The specified key does not exist.'],
    ['a file in a symlinked folder', 'good', 'dir/secret.zip', 'NoSuchKey: The specified key does not exist.'],
    ['a bucket that is a symlink', 'evil', 'secret.zip', 'NoSuchBucket: The specified bucket does not exist.'],
  ])('CreateLayerVersion (2023-03-30): %s leading outside → InvalidArgument naming the missing object', async (_, bucket, key, why) => {
    await expectFc23Error(createOss(bucket, key), {
      status: 400, code: 'InvalidArgument', message: `failed to get OSS object '${key}' from bucket '${bucket}': ${why}`,
    });
  });

  it.each([
    ['a symlinked file inside the bucket', 'good', 'alias.zip'],
    ['a bucket that is another name for a bucket', 'also-good', 'real.zip'],
  ])('PublishLayerVersion: %s still publishes', async (_, bucket, key) => {
    const out = await publishS3(bucket, key);
    expect(out.Content!.CodeSha256).toBe(sha256Base64(inside));
  });
});
