/**
 * The OSS endpoint through oss2, Alibaba's Python SDK (from .cache/py, scripts/python-clients.sh), which uses
 * path-style URLs for an IP endpoint and checks the CRC-64 of every upload and download against
 * x-oss-hash-crc64ecma. Without oss2 these tests are skipped with a notice, except in CI, where that fails.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND, startTestApp, type TestApp } from '../../helpers/app.js';
import { crc64Reference } from '../../helpers/crc64-reference.js';
import { $23, DEFAULT_ACCOUNT, fc2, fc23, uniqueName } from '../../helpers/fc.js';
import { OSS_ACCESS_KEY_ID, haveOss2, ossSecretOf, runPython } from '../../helpers/oss.js';
import { makeZip } from '../../helpers/zips.js';

if (!haveOss2) {
  if (process.env.CI) throw new Error('oss2 missing from .cache/py: run scripts/python-clients.sh');
  console.warn('oss2 tests NOT run (no oss2 in .cache/py; run scripts/python-clients.sh)');
}

/** Python prelude: `bucket` is an oss2.Bucket on Strata signing with OSS_AK/OSS_SK (STS credentials when OSS_TOKEN is set). */
const PRELUDE = `
import json, os, sys, oss2
endpoint = os.environ["OSS_ENDPOINT"]
if os.environ.get("OSS_TOKEN"):
    auth = oss2.StsAuth(os.environ["OSS_AK"], os.environ["OSS_SK"], os.environ["OSS_TOKEN"])
else:
    auth = oss2.Auth(os.environ["OSS_AK"], os.environ["OSS_SK"])
bucket = oss2.Bucket(auth, endpoint, os.environ["OSS_BUCKET"], connect_timeout=10)
def error(call):
    try:
        call()
    except oss2.exceptions.OssError as e:
        return {"class": type(e).__name__, "status": e.status, "code": e.code, "message": e.message,
                "request_id": e.request_id, "ec": e.ec, "details": e.details}
    return None
`;

describe.skipIf(!haveOss2)(`OSS endpoint through oss2 (${BACKEND})`, () => {
  let t: TestApp;
  let bucket: string;
  beforeAll(async () => {
    t = await startTestApp();
    bucket = `py-${randomBytes(4).toString('hex')}`;
    await t.createBucket(bucket);
  });
  afterAll(() => t.close());

  const py = (program: string, env: Record<string, string> = {}) =>
    runPython(PRELUDE + program, {
      OSS_ENDPOINT: t.url, OSS_BUCKET: bucket, OSS_AK: OSS_ACCESS_KEY_ID, OSS_SK: ossSecretOf(t.url, OSS_ACCESS_KEY_ID), ...env,
    }).then((out) => JSON.parse(out.split('\n').pop()!));

  it('PutObject, GetObject, HeadObject, DeleteObject: oss2 round trip, its CRC-64 checks passing', async () => {
    const out = await py(`
data = os.urandom(100000)
put = bucket.put_object("dir/py.bin", data, headers={"x-oss-meta-lang": "python", "Content-Type": "application/x-py"})
got = bucket.get_object("dir/py.bin").read()
head = bucket.head_object("dir/py.bin")
meta = bucket.get_object_meta("dir/py.bin")
part = bucket.get_object("dir/py.bin", byte_range=(10, 19)).read()
bucket.delete_object("dir/py.bin")
print(json.dumps({"status": put.status, "etag": put.etag, "crc": put.crc, "same": got == data, "part": part == data[10:20],
  "len": head.content_length, "type": head.content_type, "meta": head.headers.get("x-oss-meta-lang"),
  "meta_etag": meta.etag, "exists": bucket.object_exists("dir/py.bin"),
  "md5": __import__("hashlib").md5(data).hexdigest().upper()}))
`);
    expect(out).toMatchObject({ status: 200, same: true, part: true, len: 100000, type: 'application/x-py', meta: 'python', exists: false });
    expect(out.etag).toBe(out.md5);
    expect(out.meta_etag).toBe(out.md5);
    expect(typeof out.crc).toBe('number');
  });

  it('GetObject and HeadObject: missing keys and buckets are oss2 NoSuchKey and NoSuchBucket', async () => {
    const out = await py(`
missing_bucket = oss2.Bucket(auth, endpoint, "nobucket-" + os.urandom(3).hex())
print(json.dumps({"get": error(lambda: bucket.get_object("missing.txt")), "head": error(lambda: bucket.head_object("missing.txt")),
  "bucket": error(lambda: missing_bucket.put_object("x.txt", b"x"))}))
`);
    expect(out.get).toMatchObject({ class: 'NoSuchKey', status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.', ec: '0026-00000001' });
    expect(out.get.request_id).toMatch(/^[0-9A-F]{24}$/);
    expect(out.get.details).toMatchObject({ Key: 'missing.txt', HostId: expect.any(String), RequestId: out.get.request_id });
    // No body on HEAD: oss2 reads the document from x-oss-err.
    expect(out.head).toMatchObject({ class: 'NoSuchKey', status: 404, code: 'NoSuchKey' });
    expect(out.bucket).toMatchObject({ class: 'NoSuchBucket', status: 404, code: 'NoSuchBucket', ec: '0015-00000101' });
  });

  it('PutObject: an upload with GetTempBucketToken credentials (oss2 StsAuth, path style) publishes as a layer', async () => {
    const { data } = await (fc2(t.url) as unknown as { getTempBucketToken(): Promise<{ data: any }> }).getTempBucketToken(); // eslint-disable-line @typescript-eslint/no-explicit-any
    const zip = await makeZip({ 'python/py.py': 'X = 1\n' });
    const key = `${DEFAULT_ACCOUNT}/${data.objectName}`;
    const out = await py(`
put = bucket.put_object(os.environ["KEY"], bytes.fromhex(os.environ["ZIP"]))
denied = error(lambda: bucket.put_object("other/x.zip", b"x"))
print(json.dumps({"status": put.status, "crc": str(put.crc), "denied": denied}))
`, {
      OSS_BUCKET: data.ossBucket, OSS_AK: data.credentials.AccessKeyId, OSS_SK: data.credentials.AccessKeySecret,
      OSS_TOKEN: data.credentials.SecurityToken, KEY: key, ZIP: zip.toString('hex'),
    });
    expect(out).toMatchObject({ status: 200, crc: crc64Reference(zip) });
    expect(out.denied).toMatchObject({ class: 'AccessDenied', status: 403 });
    const res = await fc23(t.url).createLayerVersion(uniqueName(), new $23.CreateLayerVersionRequest({
      body: new $23.CreateLayerVersionInput({ code: new $23.InputCodeLocation({ ossBucketName: data.ossBucket, ossObjectName: key }) }),
    }));
    expect(res.body?.codeChecksum).toBe(crc64Reference(zip));
  });
});
