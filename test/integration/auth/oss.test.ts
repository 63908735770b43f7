/**
 * OSS signature verification (STRATA_AUTH=verify) on the object endpoint, through ali-oss (V1 and V4, headers and
 * signed URLs) and oss2, with right and wrong secrets; requests changed in flight by a proxy between the client and
 * Strata; hand-made requests (signed by ali-oss's own signer) for what no client sends: a signed body SHA-256, a
 * skewed or missing date. The temporary credentials of GetTempBucketToken: exactly their bucket and prefix, and
 * expiry. Every forged request is refused with OSS's own error and leaves nothing behind.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { $23, expectFc2Error, fc2, fc23, smallZip, uniqueName } from '../../helpers/fc.js';
import { sendRaw } from '../../helpers/http.js';
import { aliError, aliOss, haveOss2, ossRaw, ossV4Headers, runPython } from '../../helpers/oss.js';
import { Tally } from '../../helpers/tally.js';
import { startTamperProxy, type TamperProxy } from '../../helpers/tamper-proxy.js';

const OWNER = { accessKeyId: 'LTAIossExample', accessKeySecret: 'ossSecretValue', account: '1111111111111111' };
const STS = { accessKeyId: 'STS.NossExample', accessKeySecret: 'stsSecretValue', account: '1111111111111111', token: 'CAISossExampleToken' };
const CREDENTIALS = [
  `fc:${OWNER.accessKeyId}:${OWNER.accessKeySecret}:${OWNER.account}`,
  `fc:${STS.accessKeyId}:${STS.accessKeySecret}:${STS.account}:${STS.token}`,
].join(',');

const SIGNATURE_DOES_NOT_MATCH = {
  code: 'SignatureDoesNotMatch', status: 403, ecCode: '0002-00000040',
  message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
};
const INVALID_ACCESS_KEY = { code: 'InvalidAccessKeyId', status: 403, message: 'The OSS Access Key Id you provided does not exist in our records.' };
const INVALID_TOKEN = { code: 'InvalidSecurityToken', status: 403, message: 'The security token you provided is invalid.', ecCode: '0002-00000006' };

interface TempBucketToken {
  credentials: { AccessKeyId: string; AccessKeySecret: string; SecurityToken: string };
  ossBucket: string;
  objectName: string;
}

let t: TestApp;
let proxy: TamperProxy;
let bucket: string;
const tally = new Tally('OSS signatures');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const uid = () => randomBytes(4).toString('hex');

const owner = (url: string, extra: { v4?: boolean; secret?: string; bucket?: string } = {}) =>
  aliOss(url, { accessKeyId: OWNER.accessKeyId, accessKeySecret: extra.secret ?? OWNER.accessKeySecret, bucket: extra.bucket ?? bucket, v4: extra.v4 });

async function token(url: string, secret = OWNER.accessKeySecret): Promise<TempBucketToken> {
  const client = fc2(url, { accessKeyId: OWNER.accessKeyId, accessKeySecret: secret, accountId: OWNER.account });
  return (await (client as unknown as { getTempBucketToken(): Promise<{ data: TempBucketToken }> }).getTempBucketToken()).data;
}

const temporary = (url: string, tok: TempBucketToken, change: { bucket?: string; secret?: string; token?: string } = {}) =>
  aliOss(url, {
    bucket: change.bucket ?? tok.ossBucket, accessKeyId: tok.credentials.AccessKeyId,
    accessKeySecret: change.secret ?? tok.credentials.AccessKeySecret, stsToken: change.token ?? tok.credentials.SecurityToken,
  });

/** The object is not there (nothing a refused request sent was stored). */
async function absent(key: string, b = bucket) {
  expect(await aliError(owner(t.url, { bucket: b }).head(key))).toMatchObject({ code: 'NoSuchKey' });
}

beforeAll(async () => {
  t = await startTestApp({ STRATA_AUTH: 'verify', STRATA_CREDENTIALS: CREDENTIALS });
  bucket = `signed-${uid()}`;
  await t.createBucket(bucket);
  proxy = await startTamperProxy(t.url);
});
afterAll(async () => {
  tally.print();
  await proxy?.close();
  await t?.close();
});

describe('V1 and V4 through the clients', () => {
  it('PutObject, GetObject, HeadObject, DeleteObject: ali-oss V1 and V4 with the right secret are accepted', async () => {
    for (const v4 of [false, true]) {
      const oss = owner(t.url, { v4 });
      const key = `ok/${v4 ? 'v4' : 'v1'}.txt`;
      await tally.legit(() => oss.put(key, Buffer.from('signed'), { headers: { 'x-oss-meta-by': 'test' } }));
      expect((await tally.legit(() => oss.get(key))).content.toString()).toBe('signed');
      expect((await tally.legit(() => oss.head(key))).status).toBe(200);
      expect((await tally.legit(() => oss.delete(key))).res.status).toBe(204);
    }
  });

  it('PutObject: ali-oss V1 and V4 with a wrong secret are SignatureDoesNotMatch, and store nothing', async () => {
    await tally.forged(async () => expect(await aliError(owner(t.url, { secret: 'wrong' }).put('forged/v1.txt', Buffer.from('x')))).toMatchObject(SIGNATURE_DOES_NOT_MATCH));
    await tally.forged(async () => expect(await aliError(owner(t.url, { secret: 'wrong', v4: true }).put('forged/v4.txt', Buffer.from('x')))).toMatchObject(SIGNATURE_DOES_NOT_MATCH));
    await absent('forged/v1.txt');
    await absent('forged/v4.txt');
  });

  it('GetObject: a wrong V1 signature reports OSS\'s StringToSign, its bytes, the signature and the key id', async () => {
    await owner(t.url).put('doc.txt', Buffer.from('x'));
    const date = new Date();
    const stringToSign = `GET\n\n\n${date.toUTCString()}\nx-oss-date:${date.toUTCString()}\n/${bucket}/doc.txt`;
    const bytes = [...Buffer.from(stringToSign)].map((b) => `${b.toString(16).toUpperCase().padStart(2, '0')} `).join('');
    await tally.forged(async () => {
      const r = await ossRaw(t.url, `/${bucket}/doc.txt`, 'GET', { accessKeyId: OWNER.accessKeyId, accessKeySecret: 'wrong', date });
      expect(r.status).toBe(403);
      expect(r.headers['x-oss-ec']).toBe('0002-00000040');
      expect(r.text).toContain('<Code>SignatureDoesNotMatch</Code>');
      expect(r.text).toContain(`<OSSAccessKeyId>${OWNER.accessKeyId}</OSSAccessKeyId>`);
      expect(r.text).toContain(`<StringToSign>${stringToSign}</StringToSign>`);
      expect(r.text).toContain(`<StringToSignBytes>${bytes}</StringToSignBytes>`);
      expect(r.text).toMatch(/<SignatureProvided>[A-Za-z0-9+/]{27}=<\/SignatureProvided>/);
    });
  });

  it('PutObject: a key Strata does not know is InvalidAccessKeyId, V1 and V4', async () => {
    const nobody = (v4: boolean) => aliOss(t.url, { accessKeyId: 'LTAInobody', accessKeySecret: 'x', bucket, v4 });
    await tally.forged(async () => expect(await aliError(nobody(false).put('nobody.txt', Buffer.from('x')))).toMatchObject(INVALID_ACCESS_KEY));
    await tally.forged(async () => expect(await aliError(nobody(true).put('nobody.txt', Buffer.from('x')))).toMatchObject(INVALID_ACCESS_KEY));
    const raw = await ossRaw(t.url, `/${bucket}/nobody.txt`, 'GET', { accessKeyId: 'LTAInobody', accessKeySecret: 'x' });
    expect(raw.text).toContain('<OSSAccessKeyId>LTAInobody</OSSAccessKeyId>');
    await absent('nobody.txt');
  });

  it('PutObject: an STS key of STRATA_CREDENTIALS works with its token only; a long-term key sent with a token is unknown', async () => {
    const sts = (tokenValue: string | undefined) => aliOss(t.url, {
      bucket, accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret, ...(tokenValue !== undefined && { stsToken: tokenValue }),
    });
    await tally.legit(() => sts(STS.token).put('sts.txt', Buffer.from('x')));
    await tally.forged(async () => expect(await aliError(sts(undefined).put('sts-none.txt', Buffer.from('x')))).toMatchObject(INVALID_ACCESS_KEY));
    await tally.forged(async () => expect(await aliError(sts('CAISanotherToken').put('sts-other.txt', Buffer.from('x')))).toMatchObject(INVALID_TOKEN));
    const withToken = aliOss(t.url, { bucket, ...OWNER, stsToken: STS.token });
    await tally.forged(async () => expect(await aliError(withToken.put('owner-token.txt', Buffer.from('x')))).toMatchObject(INVALID_ACCESS_KEY));
    await absent('sts-none.txt');
    await absent('sts-other.txt');
    await absent('owner-token.txt');
  });

  it.skipIf(!haveOss2)('PutObject: oss2 Auth (V1) and AuthV4 with the right secret are accepted, with a wrong one SignatureDoesNotMatch', async () => {
    const out = JSON.parse(await runPython(`
import json, os, oss2
def attempt(auth, key, **kw):
    try:
        return {"status": oss2.Bucket(auth, os.environ["ENDPOINT"], os.environ["BUCKET"], **kw).put_object(key, b"py").status}
    except oss2.exceptions.OssError as e:
        return {"status": e.status, "code": e.code, "class": type(e).__name__}
ak, sk = os.environ["AK"], os.environ["SK"]
print(json.dumps([
    attempt(oss2.Auth(ak, sk), "py/v1.txt"),
    attempt(oss2.AuthV4(ak, sk), "py/v4.txt", region="cn-hangzhou"),
    attempt(oss2.Auth(ak, "wrong"), "py/v1-wrong.txt"),
    attempt(oss2.AuthV4(ak, "wrong"), "py/v4-wrong.txt", region="cn-hangzhou"),
]))
`, { ENDPOINT: t.url, BUCKET: bucket, AK: OWNER.accessKeyId, SK: OWNER.accessKeySecret }));
    // One Python run: counted as the four requests it sends.
    for (const ok of out.slice(0, 2)) await tally.legit(async () => expect(ok).toEqual({ status: 200 }));
    for (const refused of out.slice(2)) {
      await tally.forged(async () => expect(refused).toEqual({ status: 403, code: 'SignatureDoesNotMatch', class: 'SignatureDoesNotMatch' }));
    }
    await absent('py/v1-wrong.txt');
    await absent('py/v4-wrong.txt');
  });
});

describe('requests changed after signing', () => {
  it('PutObject (V1): a body changed in flight no longer has its signed Content-MD5: InvalidDigest, nothing stored', async () => {
    proxy.set({ body: (b) => Buffer.from(b.toString().replace('original', 'replaced')) });
    await tally.forged(async () => expect(await aliError(owner(proxy.url).put('tampered/v1.txt', Buffer.from('original body')))).toMatchObject({
      code: 'InvalidDigest', status: 400, message: 'The Content-MD5 you specified was invalid.',
    }));
    proxy.set(undefined);
    await absent('tampered/v1.txt');
  });

  it('PutObject (V4 with x-oss-content-sha256): a body changed in flight is SignatureDoesNotMatch, nothing stored; untouched it is accepted', async () => {
    const body = Buffer.from('original body, hashed into the signature');
    const put = (via: string, key: string) =>
      sendRaw(via, `/${bucket}/${key}`, 'PUT', ossV4Headers(bucket, key, 'PUT', { ...OWNER, body, payloadSha256: true }), body);
    proxy.set({ body: (b) => Buffer.from(b.toString().replace('original', 'replaced')) });
    await tally.forged(async () => {
      const res = await put(proxy.url, 'tampered/v4.txt');
      expect(res.status).toBe(403);
      expect(res.text).toContain('<Code>SignatureDoesNotMatch</Code>');
    });
    proxy.set(undefined);
    await absent('tampered/v4.txt');
    await tally.legit(async () => {
      const res = await put(t.url, 'hashed/v4.txt');
      expect(res.status, res.text).toBe(200);
    });
    expect((await owner(t.url).get('hashed/v4.txt')).content.equals(body)).toBe(true);
    expect(createHash('md5').update(body).digest('hex').toUpperCase()).toBe((await owner(t.url).head('hashed/v4.txt')).res.headers.etag!.replace(/"/g, ''));
  });

  it('PutObject: an x-oss-* header added in flight is SignatureDoesNotMatch, V1 and V4', async () => {
    proxy.set({ headers: (h) => void (h['x-oss-meta-added'] = 'after signing') });
    await tally.forged(async () => expect(await aliError(owner(proxy.url).put('added/v1.txt', Buffer.from('x')))).toMatchObject(SIGNATURE_DOES_NOT_MATCH));
    await tally.forged(async () => expect(await aliError(owner(proxy.url, { v4: true }).put('added/v4.txt', Buffer.from('x')))).toMatchObject(SIGNATURE_DOES_NOT_MATCH));
    proxy.set(undefined);
    await absent('added/v1.txt');
    await absent('added/v4.txt');
    await tally.legit(() => owner(proxy.url, { v4: true }).put('added/untouched.txt', Buffer.from('x')));
  });

  it('GetObject: a request time 20 minutes off is RequestTimeTooSkewed (V1 and V4); 10 minutes off is accepted; none at all is AccessDenied', async () => {
    await owner(t.url).put('clock.txt', Buffer.from('x'));
    for (const offset of [-20 * 60_000, 20 * 60_000]) {
      await tally.forged(async () => {
        const res = await ossRaw(t.url, `/${bucket}/clock.txt`, 'GET', { ...OWNER, date: new Date(Date.now() + offset) });
        expect(res.status).toBe(403);
        expect(res.text).toContain('<Code>RequestTimeTooSkewed</Code>');
        expect(res.text).toContain('<Message>The difference between the request time and the current time is too large.</Message>');
        expect(res.text).toContain('<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>');
        expect(res.headers['x-oss-ec']).toBe('0002-00000504');
      });
      // The same with OSS4-HMAC-SHA256: its x-oss-date is the request's time.
      await tally.forged(async () => {
        const headers = ossV4Headers(bucket, 'clock.txt', 'GET', { ...OWNER, date: new Date(Date.now() + offset) });
        const res = await sendRaw(t.url, `/${bucket}/clock.txt`, 'GET', headers);
        expect(res.status).toBe(403);
        expect(res.text).toContain('<Code>RequestTimeTooSkewed</Code>');
      });
    }
    await tally.legit(async () => {
      const res = await ossRaw(t.url, `/${bucket}/clock.txt`, 'GET', { ...OWNER, date: new Date(Date.now() - 10 * 60_000) });
      expect(res.status, res.text).toBe(200);
    });
    await tally.legit(async () => {
      const headers = ossV4Headers(bucket, 'clock.txt', 'GET', { ...OWNER, date: new Date(Date.now() + 10 * 60_000) });
      const res = await sendRaw(t.url, `/${bucket}/clock.txt`, 'GET', headers);
      expect(res.status, res.text).toBe(200);
    });
    await tally.forged(async () => {
      const res = await ossRaw(t.url, `/${bucket}/clock.txt`, 'GET', { ...OWNER, date: null });
      expect(res.status).toBe(403);
      expect(res.text).toContain('<Code>AccessDenied</Code>');
      expect(res.text).toContain('<Message>OSS authentication requires a valid Date.</Message>');
    });
  });
});

describe('signed URLs', () => {
  const port = () => new URL(t.url).port;
  /** ali-oss signs URLs for host names only: `<bucket>.localhost`, named in the Host of a request to 127.0.0.1. */
  const fetchSigned = (url: string) => {
    const u = new URL(url);
    return sendRaw(t.url, u.pathname + u.search, 'GET', { host: u.host });
  };
  const named = (v4 = false) => aliOss(`http://localhost:${port()}`, { ...OWNER, bucket, v4 });

  it('GetObject: V1 and V4 signed URLs work until they expire, then are AccessDenied "Request has expired."', async () => {
    await owner(t.url).put('url.txt', Buffer.from('by url'));
    await tally.legit(async () => expect((await fetchSigned(named().signatureUrl('url.txt', { expires: 60 }))).text).toBe('by url'));
    const v4 = await (named(true) as unknown as { signatureUrlV4(m: string, e: number, r: unknown, o: string): Promise<string> }).signatureUrlV4('GET', 1, {}, 'url.txt');
    await tally.legit(async () => expect((await fetchSigned(v4)).text).toBe('by url'));
    const expiredV1 = named().signatureUrl('url.txt', { expires: -10 });
    await sleep(2100);
    for (const url of [expiredV1, v4]) {
      await tally.forged(async () => {
        const res = await fetchSigned(url);
        expect(res.status).toBe(403);
        expect(res.text).toContain('<Code>AccessDenied</Code>');
        expect(res.text).toContain('<Message>Request has expired.</Message>');
      });
    }
  });

  it('GetObject: a signed URL whose signature, or object, was changed is SignatureDoesNotMatch', async () => {
    await owner(t.url).put('url2.txt', Buffer.from('x'));
    await owner(t.url).put('url3.txt', Buffer.from('y'));
    const url = new URL(named().signatureUrl('url2.txt', { expires: 60 }));
    const otherObject = new URL(url);
    otherObject.pathname = '/url3.txt';
    url.searchParams.set('Signature', Buffer.alloc(20).toString('base64'));
    for (const changed of [url, otherObject]) {
      await tally.forged(async () => {
        const res = await fetchSigned(changed.toString());
        expect(res.status).toBe(403);
        expect(res.text).toContain('<Code>SignatureDoesNotMatch</Code>');
      });
    }
  });
});

describe('GetTempBucketToken credentials', () => {
  it('GetTempBucketToken: needs a valid FC signature; a wrong secret is SignatureNotMatch', async () => {
    await tally.forged(() => expectFc2Error(token(t.url, 'wrong'), {
      status: 403, code: 'SignatureNotMatch',
      message: 'The request signature we calculated does not match the signature you provided. Check your access key and signing method',
    }));
  });

  it('PutObject: the credentials upload to <account>/<objectName>, and CreateLayerVersion publishes from there', async () => {
    const tok = await tally.legit(() => token(t.url));
    const key = `${OWNER.account}/${tok.objectName}`;
    const zip = await smallZip();
    await tally.legit(() => temporary(t.url, tok).put(key, zip));
    const created = await tally.legit(() => fc23(t.url, OWNER).createLayerVersion(uniqueName('tmp'), new $23.CreateLayerVersionRequest({
      body: new $23.CreateLayerVersionInput({ code: new $23.InputCodeLocation({ ossBucketName: tok.ossBucket, ossObjectName: key }) }),
    })));
    expect(created.body?.codeSize).toBe(zip.length);
  });

  it('PutObject: outside their prefix, in another bucket, with a wrong secret or a forged token, the credentials are refused', async () => {
    const tok = await token(t.url);
    const up = temporary(t.url, tok);
    await tally.forged(async () => expect(await aliError(up.put('2222222222222222/x.zip', Buffer.from('x')))).toMatchObject({
      code: 'AccessDenied', status: 403, message: 'You have no right to access this object because of bucket acl.',
    }));
    await tally.forged(async () => expect(await aliError(temporary(t.url, tok, { bucket }).put(`${OWNER.account}/x.zip`, Buffer.from('x')))).toMatchObject({
      code: 'AccessDenied', status: 403, message: 'The bucket you access does not belong to you.',
    }));
    await tally.forged(async () => expect(await aliError(temporary(t.url, tok, { secret: 'wrong' }).put(`${OWNER.account}/${tok.objectName}`, Buffer.from('x')))).toMatchObject(SIGNATURE_DOES_NOT_MATCH));
    const forgedToken = `${tok.credentials.SecurityToken.slice(0, -2)}xx`;
    await tally.forged(async () => expect(await aliError(temporary(t.url, tok, { token: forgedToken }).put(`${OWNER.account}/${tok.objectName}`, Buffer.from('x')))).toMatchObject(INVALID_TOKEN));
    // The temporary bucket is FC's: the owner's long-term key does not reach it.
    await tally.forged(async () => expect(await aliError(owner(t.url, { bucket: tok.ossBucket }).put(`${OWNER.account}/${tok.objectName}`, Buffer.from('x')))).toMatchObject({
      code: 'AccessDenied', status: 403,
    }));
    await absent(`${OWNER.account}/x.zip`);
    expect(await aliError(up.head(`${OWNER.account}/${tok.objectName}`))).toMatchObject({ code: 'NoSuchKey' });
  });

  it('PutObject: expired credentials are SecurityTokenExpired (STRATA_FC_TEMP_CREDENTIAL_TTL_SECONDS=1)', async () => {
    const short = await startTestApp({ STRATA_AUTH: 'verify', STRATA_CREDENTIALS: CREDENTIALS, STRATA_FC_TEMP_CREDENTIAL_TTL_SECONDS: '1' });
    try {
      const tok = await token(short.url);
      await tally.legit(() => temporary(short.url, tok).put(`${OWNER.account}/${tok.objectName}`, Buffer.from('in time')));
      await sleep(2100);
      await tally.forged(async () => expect(await aliError(temporary(short.url, tok).put(`${OWNER.account}/${tok.objectName}`, Buffer.from('late')))).toMatchObject({
        code: 'SecurityTokenExpired', status: 403, message: 'The security token you provided has expired.', ecCode: '0002-00000007',
      }));
    } finally {
      await short.close();
    }
  });
});
