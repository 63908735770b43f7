/**
 * The OSS object endpoint through ali-oss, pointed at Strata's IP endpoint as Serverless Devs points it, on
 * whichever backend this project runs: uploads land where publishes by reference read them. Raw requests only
 * to read the error documents themselves, and for keys ali-oss would not send.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetLayerVersionCommand, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND, startTestApp, type TestApp } from '../../helpers/app.js';
import { lambdaClient } from '../../helpers/aws.js';
import { $23, fc23, rawRequest, type FC23Client } from '../../helpers/fc.js';
import { sendRaw } from '../../helpers/http.js';
import { sendBytes } from '../../helpers/socket.js';
import { OSS_ACCESS_KEY_ID, aliError, aliOss, ossRaw, type AliOss } from '../../helpers/oss.js';
import { makeZip } from '../../helpers/zips.js';
import { crc64Reference } from '../../helpers/crc64-reference.js';

const uid = () => randomBytes(4).toString('hex');
const md5Hex = (b: Buffer) => createHash('md5').update(b).digest('hex').toUpperCase();
const crc64 = crc64Reference;

describe(`OSS endpoint through ali-oss (${BACKEND})`, () => {
  let t: TestApp;
  let bucket: string;
  let oss: AliOss;
  let fc: FC23Client;

  beforeAll(async () => {
    t = await startTestApp({ STRATA_OSS_MAX_OBJECT_BYTES: String(256 * 1024) });
    bucket = `user-${uid()}`;
    await t.createBucket(bucket);
    oss = aliOss(t.url, { bucket });
    fc = fc23(t.url);
  });
  afterAll(() => t.close());

  it('PutObject: uploads the bytes; GetObject and HeadObject return them with OSS headers; DeleteObject removes them', async () => {
    const body = randomBytes(70_000);
    const put = await oss.put('dir/a.bin', body, { headers: { 'x-oss-meta-owner': 'team-a' }, mime: 'application/x-test' });
    expect(put.res.status).toBe(200);
    expect(put.res.headers.etag).toBe(`"${md5Hex(body)}"`);
    expect(put.res.headers['x-oss-hash-crc64ecma']).toBe(crc64(body));
    expect(put.res.headers['x-oss-request-id']).toMatch(/^[0-9A-F]{24}$/);

    const got = await oss.get('dir/a.bin');
    expect(got.content.equals(body)).toBe(true);
    expect(got.res.headers['content-type']).toBe('application/x-test');
    expect(got.res.headers['x-oss-meta-owner']).toBe('team-a');
    expect(got.res.headers['x-oss-object-type']).toBe('Normal');

    const head = await oss.head('dir/a.bin');
    expect(head.status).toBe(200);
    expect(head.meta).toEqual({ owner: 'team-a' });
    expect(head.res.headers['content-length']).toBe(String(body.length));
    expect(head.res.headers.etag).toBe(`"${md5Hex(body)}"`);

    expect((await oss.delete('dir/a.bin')).res.status).toBe(204);
    expect(await aliError(oss.get('dir/a.bin'))).toMatchObject({ code: 'NoSuchKey', status: 404 });
    // Deleting again is fine, as on OSS.
    expect((await oss.delete('dir/a.bin')).res.status).toBe(204);
  });

  it('PutObject: a second upload replaces the object whole', async () => {
    await oss.put('twice.txt', Buffer.from('first version'));
    await oss.put('twice.txt', Buffer.from('second'));
    expect((await oss.get('twice.txt')).content.toString()).toBe('second');
  });

  it('CreateLayerVersion and PublishLayerVersion: publish the object ali-oss uploaded', async () => {
    const zip = await makeZip({ 'python/lib.py': `X = "${uid()}"\n` });
    await oss.put('layers/lib.zip', zip);
    const created = await fc.createLayerVersion(`oss-${uid()}`, new $23.CreateLayerVersionRequest({
      body: new $23.CreateLayerVersionInput({
        code: new $23.InputCodeLocation({ ossBucketName: bucket, ossObjectName: 'layers/lib.zip' }),
        compatibleRuntime: ['python3.10'],
      }),
    }));
    expect(created.body?.codeChecksum).toBe(crc64(zip));
    expect(created.body?.codeSize).toBe(zip.length);

    const lambda = lambdaClient(t.url);
    const name = `oss-${uid()}`;
    const published = await lambda.send(new PublishLayerVersionCommand({ LayerName: name, Content: { S3Bucket: bucket, S3Key: 'layers/lib.zip' } }));
    expect(published.Content?.CodeSha256).toBe(createHash('sha256').update(zip).digest('base64'));
    const got = await lambda.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 }));
    expect(Buffer.from(await (await fetch(got.Content!.Location!)).arrayBuffer()).equals(zip)).toBe(true);
  });

  it('GetObject: a Range gives 206 and the bytes; an unsatisfiable one the whole object, as OSS does by default', async () => {
    await oss.put('range.txt', Buffer.from('0123456789'));
    const part = await oss.get('range.txt', { headers: { Range: 'bytes=2-5' } });
    expect(part.res.status).toBe(206);
    expect(part.content.toString()).toBe('2345');
    expect(part.res.headers['content-range']).toBe('bytes 2-5/10');
    expect((await oss.get('range.txt', { headers: { Range: 'bytes=-3' } })).content.toString()).toBe('789');
    const whole = await oss.get('range.txt', { headers: { Range: 'bytes=20-30' } });
    expect(whole.res.status).toBe(200);
    expect(whole.content.toString()).toBe('0123456789');
    expect(await aliError(oss.get('range.txt', { headers: { Range: 'bytes=20-30', 'x-oss-range-behavior': 'standard' } })))
      .toMatchObject({ code: 'InvalidRange', status: 416 });
  });

  it('GetObject: a missing key is NoSuchKey in OSS XML, with the request id of the response', async () => {
    const err = await aliError(oss.get('missing.bin'));
    expect(err).toMatchObject({ name: 'NoSuchKeyError', code: 'NoSuchKey', status: 404, message: 'The specified key does not exist.', ecCode: '0026-00000001' });
    expect(err.requestId).toMatch(/^[0-9A-F]{24}$/);
    // ali-oss keeps only some of the fields: the document itself.
    const raw = await ossRaw(t.url, `/${bucket}/missing.bin`, 'GET', { host: '127.0.0.1' });
    expect(raw.status).toBe(404);
    expect(raw.headers['content-type']).toBe('application/xml');
    expect(raw.headers['x-oss-ec']).toBe('0026-00000001');
    expect(raw.text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n' +
        '  <Code>NoSuchKey</Code>\n  <Message>The specified key does not exist.</Message>\n' +
        `  <RequestId>${raw.headers['x-oss-request-id']}</RequestId>\n  <HostId>127.0.0.1</HostId>\n` +
        '  <Key>missing.bin</Key>\n  <EC>0026-00000001</EC>\n' +
        '  <RecommendDoc>https://api.aliyun.com/troubleshoot?q=0026-00000001</RecommendDoc>\n</Error>\n',
    );
  });

  it('HeadObject: a missing key is 404 with the error document in x-oss-err', async () => {
    expect(await aliError(oss.head('missing.bin'))).toMatchObject({ code: 'NoSuchKey', status: 404 });
    const raw = await ossRaw(t.url, `/${bucket}/missing.bin`, 'HEAD');
    expect(raw.status).toBe(404);
    expect(raw.text).toBe('');
    expect(Buffer.from(raw.headers['x-oss-err']!, 'base64').toString()).toContain('<Code>NoSuchKey</Code>');
  });

  it('PutObject: a missing bucket is NoSuchBucket', async () => {
    const other = aliOss(t.url, { bucket: `nobucket-${uid()}` });
    expect(await aliError(other.put('x.txt', Buffer.from('x')))).toMatchObject({
      code: 'NoSuchBucket', status: 404, message: 'The specified bucket does not exist.', ecCode: '0015-00000101',
    });
  });

  it('PutObject: a Content-MD5 that does not match the bytes is InvalidDigest, and nothing is stored', async () => {
    const wrong = createHash('md5').update('other bytes').digest('base64');
    expect(await aliError(oss.put('digest.txt', Buffer.from('these bytes'), { headers: { 'Content-MD5': wrong } })))
      .toMatchObject({ code: 'InvalidDigest', status: 400 });
    expect(await aliError(oss.head('digest.txt'))).toMatchObject({ code: 'NoSuchKey' });
    expect(await readdir(join(t.dataDir, 'staging'))).toEqual([]);
  });

  it('PutObject: an object over the size limit is EntityTooLarge, declared or streamed, and nothing is stored', async () => {
    expect(await aliError(oss.put('big.bin', randomBytes(256 * 1024 + 1)))).toMatchObject({ code: 'EntityTooLarge', status: 400 });
    async function* chunks() {
      for (let i = 0; i < 5; i++) yield randomBytes(64 * 1024);
    }
    const raw = await ossRaw(t.url, `/${bucket}/big-chunked.bin`, 'PUT', { body: chunks() });
    expect(raw.status).toBe(400);
    expect(raw.text).toContain('<Code>EntityTooLarge</Code>');
    expect(await aliError(oss.head('big-chunked.bin'))).toMatchObject({ code: 'NoSuchKey' });
    expect(await readdir(join(t.dataDir, 'staging'))).toEqual([]);
  });

  it('PutObject: keys that would leave the bucket are InvalidObjectName, and nothing is written outside it', async () => {
    // HTTP clients resolve literal `..` segments before sending (so does the raw helper); encoded ones arrive.
    for (const path of [`/${bucket}/..%2F..%2Fescaped.txt`, `/${bucket}/a%2F..%2F..%2F..%2Fescaped.txt`, `/${bucket}/a//b.txt`, `/${bucket}/%2Fabs.txt`]) {
      const raw = await ossRaw(t.url, path, 'PUT', { body: 'x' });
      expect(raw.status, path).toBe(400);
      expect(raw.text, path).toContain('<Code>InvalidObjectName</Code>');
    }
    expect(existsSync(join(t.dataDir, 'escaped.txt'))).toBe(false);
    expect(existsSync(join(t.dataDir, 'buckets', 'escaped.txt'))).toBe(false);
  });

  it.skipIf(BACKEND !== 'fs')('PutObject: a symbolic link inside the bucket directory is never followed out of it', async () => {
    const outside = join(t.dataDir, 'outside');
    await mkdir(outside, { recursive: true });
    await symlink(outside, join(t.dataDir, 'buckets', bucket, 'link'));
    expect(await aliError(oss.put('link/x.txt', Buffer.from('x')))).toMatchObject({ code: 'InvalidObjectName', status: 400 });
    expect(await readdir(outside)).toEqual([]);
    await symlink(join(outside, 'target.txt'), join(t.dataDir, 'buckets', bucket, 'file-link'));
    await writeFile(join(outside, 'target.txt'), 'secret');
    expect(await aliError(oss.get('file-link'))).toMatchObject({ code: 'NoSuchKey' });
  });

  it.skipIf(BACKEND !== 'fs')('GetObject: a file put into the bucket directory by hand is served with its digests', async () => {
    const body = Buffer.from('written by hand');
    await writeFile(join(t.dataDir, 'buckets', bucket, 'by-hand.txt'), body);
    const got = await oss.get('by-hand.txt');
    expect(got.content.equals(body)).toBe(true);
    expect(got.res.headers.etag).toBe(`"${md5Hex(body)}"`);
    expect(got.res.headers['x-oss-hash-crc64ecma']).toBe(crc64(body));
  });

  it('PutObject: OSS4-HMAC-SHA256 requests work like V1 ones', async () => {
    const v4 = aliOss(t.url, { bucket, v4: true });
    await v4.put('v4.txt', Buffer.from('signed with V4'));
    expect((await v4.get('v4.txt')).content.toString()).toBe('signed with V4');
  });

  it('GetObject: a signed URL works until it expires, then is AccessDenied "Request has expired."', async () => {
    await oss.put('signed.txt', Buffer.from('by url'));
    // ali-oss signs URLs only for host names: virtual-hosted `<bucket>.localhost`, which the raw request names
    // in its Host (it connects to 127.0.0.1: `*.localhost` need not resolve).
    const port = new URL(t.url).port;
    const named = aliOss(`http://localhost:${port}`, { bucket });
    const signed = new URL(named.signatureUrl('signed.txt', { expires: 60 }));
    expect(signed.host).toBe(`${bucket}.localhost:${port}`);
    const res = await sendRaw(t.url, signed.pathname + signed.search, 'GET', { host: signed.host });
    expect(res.status).toBe(200);
    expect(res.text).toBe('by url');
    const expired = await fetch(`${t.url}/${bucket}/signed.txt?OSSAccessKeyId=${OSS_ACCESS_KEY_ID}&Expires=1000000000&Signature=c2ln`);
    expect(expired.status).toBe(403);
    const xml = await expired.text();
    expect(xml).toContain('<Code>AccessDenied</Code>');
    expect(xml).toContain('<Message>Request has expired.</Message>');
    expect(xml).toContain('<Expires>2001-09-09T01:46:40.000Z</Expires>');
  });

  it('PutObjectACL and ListObjects: operations Strata lacks are NotImplemented, not mistaken for objects', async () => {
    await oss.put('acl.txt', Buffer.from('x'));
    expect(await aliError(oss.putACL('acl.txt', 'public-read'))).toMatchObject({ code: 'NotImplemented', status: 400 });
    expect(await aliError(oss.list(null))).toMatchObject({ code: 'NotImplemented', status: 400 });
  });

  it('OSS requests: an unsupported method is MethodNotAllowed; a malformed Authorization InvalidArgument', async () => {
    const post = await ossRaw(t.url, `/${bucket}/x.txt?append&position=0`, 'POST', { body: 'x' });
    expect(post.status).toBe(405);
    expect(post.text).toContain('<Code>MethodNotAllowed</Code>');
    const bad = await ossRaw(t.url, `/${bucket}/x.txt`, 'GET', { headers: { authorization: 'OSS no-colon' } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('<Code>InvalidArgument</Code>');
  });

  it('PutObject: x-oss-forbid-overwrite: true keeps an existing object, as FileAlreadyExists', async () => {
    await oss.put('keep.txt', Buffer.from('original'));
    expect(await aliError(oss.put('keep.txt', Buffer.from('new'), { headers: { 'x-oss-forbid-overwrite': 'true' } })))
      .toMatchObject({ code: 'FileAlreadyExists', status: 409 });
    expect((await oss.get('keep.txt')).content.toString()).toBe('original');
  });

  it('OSS requests: broken HTTP framing is refused in OSS XML, whatever the path', async () => {
    const got = await sendBytes(t.url, `PUT /2016-08-15/x HTTP/1.1\r\nHost: x\r\nx-oss-date: now\r\nContent-Length: 12abc\r\n\r\nx`);
    expect(got.status).toBe(400);
    expect(got.headers['content-type']).toBe('application/xml');
    expect(got.headers['x-oss-request-id']).toMatch(/^[0-9A-F]{24}$/);
    expect(got.body).toContain('<Code>InvalidArgument</Code>');
    expect(got.body).toContain('Invalid character in Content-Length');
  });

  it('OSS requests: requests without OSS marks still reach the layer APIs', async () => {
    // Signed in FC's own scheme (x-fc-* and Date, no x-oss-* header).
    const res = await rawRequest(t.url, '/2023-03-30/layers');
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ layers: expect.any(Array) });
    expect((await fetch(`${t.url}/_strata/health`)).status).toBe(200);
  });
});
