/**
 * GetTempBucketToken through @alicloud/fc2 (what Serverless Devs calls before every `s layer publish`), the
 * upload with its credentials through ali-oss, and the temporary objects' lifetime, on both backends.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND, startTestApp, type TestApp } from '../../helpers/app.js';
import { $23, DEFAULT_ACCOUNT, fc2, fc23, smallZip, uniqueName } from '../../helpers/fc.js';
import { aliError, aliOss } from '../../helpers/oss.js';

interface TempBucketToken {
  credentials: { AccessKeyId: string; AccessKeySecret: string; Expiration: string; SecurityToken: string };
  ossRegion: string;
  ossBucket: string;
  objectName: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function token(url: string, opts: { accountId?: string; accessKeyId?: string } = {}): Promise<TempBucketToken> {
  return (await (fc2(url, opts) as unknown as { getTempBucketToken(): Promise<{ data: TempBucketToken }> }).getTempBucketToken()).data;
}

function uploader(url: string, tok: TempBucketToken) {
  return aliOss(url, {
    bucket: tok.ossBucket,
    accessKeyId: tok.credentials.AccessKeyId,
    accessKeySecret: tok.credentials.AccessKeySecret,
    stsToken: tok.credentials.SecurityToken,
  });
}

describe(`GetTempBucketToken and the temporary bucket (${BACKEND})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ STRATA_FC_ACCESS_KEYS: 'otherKey=2222222222222222' });
  });
  afterAll(() => t.close());

  it('GetTempBucketToken: a bucket, an object name and STS-style credentials that expire in an hour', async () => {
    const before = Date.now();
    const tok = await token(t.url);
    expect(Object.keys(tok).sort()).toEqual(['credentials', 'objectName', 'ossBucket', 'ossRegion']);
    expect(tok.ossRegion).toBe('oss-cn-hangzhou');
    expect(tok.ossBucket).toMatch(/^fc-temp-cn-hangzhou-[0-9a-f]{16}$/);
    expect(tok.objectName).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(tok.credentials.AccessKeyId).toMatch(/^STS\.[A-Za-z0-9]{24}$/);
    expect(tok.credentials.SecurityToken).toMatch(/^CAIS/);
    expect(tok.credentials.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const expires = Date.parse(tok.credentials.Expiration);
    expect(expires).toBeGreaterThanOrEqual(before + 3600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3601_000);
    const again = await token(t.url);
    expect(again.objectName).not.toBe(tok.objectName);
    expect(again.credentials.AccessKeyId).not.toBe(tok.credentials.AccessKeyId);
    expect(again.ossBucket).toBe(tok.ossBucket);
  });

  it('GetTempBucketToken: an X-Fc-Account-Id of another account is AccessDenied', async () => {
    const err = await token(t.url, { accountId: '9999999999999999' }).then(() => undefined, (e: { code: string }) => e);
    expect(err?.code).toBe('AccessDenied');
  });

  it('PutObject: the credentials upload to <account>/<objectName>, and CreateLayerVersion publishes from there', async () => {
    const tok = await token(t.url);
    const zip = await smallZip();
    const key = `${DEFAULT_ACCOUNT}/${tok.objectName}`;
    expect((await uploader(t.url, tok).put(key, zip)).res.status).toBe(200);
    const res = await fc23(t.url).createLayerVersion(uniqueName(), new $23.CreateLayerVersionRequest({
      body: new $23.CreateLayerVersionInput({
        code: new $23.InputCodeLocation({ ossBucketName: tok.ossBucket, ossObjectName: key }),
        compatibleRuntime: ['python3.10'],
      }),
    }));
    expect(res.body?.codeSize).toBe(zip.length);
    if (BACKEND === 'fs') expect(existsSync(join(t.dataDir, 'buckets', tok.ossBucket, DEFAULT_ACCOUNT, tok.objectName))).toBe(true);
  });

  it("PutObject: the credentials reach their account's part of the temporary bucket only", async () => {
    const tok = await token(t.url);
    const up = uploader(t.url, tok);
    expect(await aliError(up.put('2222222222222222/x.zip', Buffer.from('x')))).toMatchObject({ code: 'AccessDenied', status: 403 });
    const elsewhere = aliOss(t.url, { ...tokOpts(tok), bucket: 'user-bucket' });
    expect(await aliError(elsewhere.put(`${DEFAULT_ACCOUNT}/x.zip`, Buffer.from('x')))).toMatchObject({ code: 'AccessDenied', status: 403 });
    // Other keys do not reach the temporary bucket, which is FC's.
    const plain = aliOss(t.url, { bucket: tok.ossBucket });
    expect(await aliError(plain.put(`${DEFAULT_ACCOUNT}/${tok.objectName}`, Buffer.from('x')))).toMatchObject({ code: 'AccessDenied' });
    // Another account's key gets a place under its own account.
    const other = await token(t.url, { accessKeyId: 'otherKey', accountId: '2222222222222222' });
    expect((await uploader(t.url, other).put(`2222222222222222/${other.objectName}`, Buffer.from('x'))).res.status).toBe(200);
  });

  it('PutObject: a token Strata did not issue is InvalidSecurityToken; one used with another key id InvalidAccessKeyId', async () => {
    const tok = await token(t.url);
    const forged = aliOss(t.url, { ...tokOpts(tok), stsToken: `${tok.credentials.SecurityToken.slice(0, -2)}xx` });
    expect(await aliError(forged.put(`${DEFAULT_ACCOUNT}/a`, Buffer.from('x')))).toMatchObject({
      code: 'InvalidSecurityToken', status: 403, message: 'The security token you provided is invalid.', ecCode: '0002-00000006',
    });
    const swapped = aliOss(t.url, { ...tokOpts(tok), accessKeyId: 'STS.someoneElse' });
    expect(await aliError(swapped.put(`${DEFAULT_ACCOUNT}/a`, Buffer.from('x')))).toMatchObject({ code: 'InvalidAccessKeyId' });
  });

  it('PutObject: the credentials still work after a restart', async () => {
    const tok = await token(t.url);
    t = await t.restart();
    expect((await uploader(t.url, tok).put(`${DEFAULT_ACCOUNT}/${tok.objectName}`, Buffer.from('kept'))).res.status).toBe(200);
  });
});

function tokOpts(tok: TempBucketToken) {
  return { bucket: tok.ossBucket, accessKeyId: tok.credentials.AccessKeyId, accessKeySecret: tok.credentials.AccessKeySecret, stsToken: tok.credentials.SecurityToken };
}

describe(`the temporary bucket's lifetimes (${BACKEND})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ STRATA_FC_TEMP_CREDENTIAL_TTL_SECONDS: '1', STRATA_FC_TEMP_OBJECT_TTL_SECONDS: '2' });
  });
  afterAll(() => t.close());

  it('PutObject: expired credentials are SecurityTokenExpired', async () => {
    const tok = await token(t.url);
    // Credentials last at least their TTL of one second, to the next whole second.
    await sleep(2100);
    expect(await aliError(uploader(t.url, tok).put(`${DEFAULT_ACCOUNT}/${tok.objectName}`, Buffer.from('x')))).toMatchObject({
      code: 'SecurityTokenExpired', status: 403, message: 'The security token you provided has expired.', ecCode: '0002-00000007',
    });
  });

  it('GetObject: a temporary object is gone once its lifetime is over, for readers and publishes, and the sweep deletes it; user buckets are untouched', async () => {
    const bucket = `user-${Date.now().toString(36)}`;
    await t.createBucket(bucket);
    await aliOss(t.url, { bucket }).put('kept.txt', Buffer.from('mine'));
    const tok = await token(t.url);
    const key = `${DEFAULT_ACCOUNT}/${tok.objectName}`;
    const up = uploader(t.url, tok);
    await up.put(key, await smallZip());
    expect((await up.get(key)).res.status).toBe(200);
    await sleep(2100);
    // Fresh credentials (the first ones lasted a second): the object has gone.
    expect(await aliError(uploader(t.url, await token(t.url)).get(key))).toMatchObject({ code: 'NoSuchKey' });
    const publish = fc23(t.url).createLayerVersion(uniqueName(), new $23.CreateLayerVersionRequest({
      body: new $23.CreateLayerVersionInput({ code: new $23.InputCodeLocation({ ossBucketName: tok.ossBucket, ossObjectName: key }) }),
    }));
    expect(await publish.then(() => undefined, (e: { code: string }) => e.code)).toBe('InvalidArgument');
    // The sweep runs every quarter of the lifetime (at least every 250 ms).
    const gone = async () => {
      for (let i = 0; i < 40; i++) {
        const left = BACKEND === 'fs'
          ? await readdir(join(t.dataDir, 'buckets', tok.ossBucket, DEFAULT_ACCOUNT)).catch(() => [])
          : await t.app.objects.head(tok.ossBucket, key).then(() => [key], () => []);
        if (left.length === 0) return true;
        await sleep(100);
      }
      return false;
    };
    expect(await gone()).toBe(true);
    expect((await aliOss(t.url, { bucket }).get('kept.txt')).content.toString()).toBe('mine');
  });
});
