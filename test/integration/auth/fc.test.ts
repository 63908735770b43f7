/**
 * FC signature verification (STRATA_AUTH=verify) through @alicloud/fc20230330 and @alicloud/fc-open20210406 (ACS3),
 * @alicloud/fc-open20210406 with signatureAlgorithm v2 (ROA `acs`, Terraform's scheme) and @alicloud/fc2 (`FC`), with
 * right and wrong secrets; requests tampered with in flight by a proxy between the SDK and Strata; access between
 * accounts as FC has it (a layer is another account's to read only once public, and only its owner's to change).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { fcSchemeHeaders } from '../../helpers/auth.js';
import {
  $21, $23, RUNTIME23, TF_ZIP, acsArn, create21, create23, expectFc21Error, expectFc23Error, expectFc2Error,
  expectRawFc2Error, fc2, fc21, fc23, publish2, uniqueName,
} from '../../helpers/fc.js';
import { sendRaw } from '../../helpers/http.js';
import { Tally } from '../../helpers/tally.js';
import { startTamperProxy, type TamperProxy } from '../../helpers/tamper-proxy.js';

const ALPHA = { accessKeyId: 'LTAIalphaExample', accessKeySecret: 'alphaSecretValue', account: '1111111111111111' };
const BETA = { accessKeyId: 'LTAIbetaExample', accessKeySecret: 'betaSecretValue', account: '2222222222222222' };
const STS = { accessKeyId: 'STS.NTempExample', accessKeySecret: 'stsSecretValue', account: '3333333333333333', securityToken: 'CAIStemporaryToken' };
const REGION = 'cn-hangzhou';

const SIGNATURE_NOT_MATCH = {
  status: 403, code: 'SignatureNotMatch',
  message: 'The request signature we calculated does not match the signature you provided. Check your access key and signing method',
};

let t: TestApp;
let proxy: TamperProxy;
const tally = new Tally('FC signatures');

beforeAll(async () => {
  t = await startTestApp({
    STRATA_AUTH: 'verify',
    STRATA_CREDENTIALS: [
      `fc:${ALPHA.accessKeyId}:${ALPHA.accessKeySecret}:${ALPHA.account}`,
      `fc:${BETA.accessKeyId}:${BETA.accessKeySecret}:${BETA.account}`,
      `fc:${STS.accessKeyId}:${STS.accessKeySecret}:${STS.account}:${STS.securityToken}`,
    ].join(','),
    // Superseded once signatures are verified: the credential's account counts.
    STRATA_FC_ACCESS_KEYS: `${ALPHA.accessKeyId}=9999`,
  });
  proxy = await startTamperProxy(t.url);
});
afterAll(async () => {
  tally.print();
  await proxy?.close();
  await t?.close();
});

const key = (k: typeof ALPHA, secret?: string) => ({ accessKeyId: k.accessKeyId, accessKeySecret: secret ?? k.accessKeySecret });

describe('the three schemes through the SDKs', () => {
  it('CreateLayerVersion through every SDK and scheme with the right secret: in the credential\'s account', async () => {
    const n = [uniqueName('s23'), uniqueName('s21'), uniqueName('roa'), uniqueName('fc2')] as const;
    const c23 = await tally.legit(() => create23(fc23(t.url, key(ALPHA)), n[0], TF_ZIP.bytes));
    expect(c23.body!.layerVersionArn).toBe(acsArn(n[0], 1, ALPHA.account, REGION));
    await tally.legit(() => create21(fc21(t.url, key(ALPHA)), n[1], TF_ZIP.bytes));
    await tally.legit(() => create21(fc21(t.url, { ...key(ALPHA), signatureAlgorithm: 'v2' }), n[2], TF_ZIP.bytes));
    const p2 = await tally.legit(() => publish2(fc2(t.url, { ...key(ALPHA), accountId: ALPHA.account }), n[3], TF_ZIP.bytes));
    expect(p2.data.arnV2).toBe(acsArn(n[3], 1, ALPHA.account, REGION));
    const listed = await tally.legit(() => fc21(t.url, { ...key(ALPHA), signatureAlgorithm: 'v2' }).listLayers(new $21.ListLayersRequest({ limit: 100 })));
    expect(listed.body!.layers!.map((l) => l.layerName)).toEqual(expect.arrayContaining([...n]));
  });

  it('every scheme with a wrong secret is 403 SignatureNotMatch, and creates nothing', async () => {
    const name = uniqueName('wrong');
    await tally.forged(() => expectFc23Error(create23(fc23(t.url, key(ALPHA, 'wrong')), name, TF_ZIP.bytes), SIGNATURE_NOT_MATCH));
    await tally.forged(() => expectFc21Error(create21(fc21(t.url, key(ALPHA, 'wrong')), name, TF_ZIP.bytes), SIGNATURE_NOT_MATCH));
    await tally.forged(() => expectFc21Error(create21(fc21(t.url, { ...key(ALPHA, 'wrong'), signatureAlgorithm: 'v2' }), name, TF_ZIP.bytes), SIGNATURE_NOT_MATCH));
    await tally.forged(() => expectFc2Error(publish2(fc2(t.url, { ...key(ALPHA, 'wrong'), accountId: ALPHA.account }), name, TF_ZIP.bytes), SIGNATURE_NOT_MATCH));
    await expectFc23Error(fc23(t.url, key(ALPHA)).getLayerVersion(name, '1'), { status: 404, code: 'LayerNotFound', message: `layer '${name}' does not exist` });
  });

  it('an unknown access key is 403 InvalidAccessKeyID, in each dialect\'s body', async () => {
    const nobody = { accessKeyId: 'LTAInobody', accessKeySecret: 'x' };
    const expected = { status: 403, code: 'InvalidAccessKeyID', message: "invalid access key ID 'LTAInobody'" };
    await tally.forged(() => expectFc23Error(fc23(t.url, nobody).listLayers(new $23.ListLayersRequest({})), expected));
    await tally.forged(() => expectFc2Error(fc2(t.url, { ...nobody, accountId: ALPHA.account }).listLayers({}), expected));
  });

  it('STS credentials: accepted with their security token only (x-acs-security-token, x-fc-security-token)', async () => {
    const name = uniqueName('sts');
    const created = await tally.legit(() => create23(fc23(t.url, { ...key(STS), securityToken: STS.securityToken }), name, TF_ZIP.bytes));
    expect(created.body!.layerVersionArn).toBe(acsArn(name, 1, STS.account, REGION));
    await tally.legit(() => fc2(t.url, { ...key(STS), securityToken: STS.securityToken, accountId: STS.account }).getLayerVersion(name, 1));
    const mismatch = { status: 403, code: 'InvalidSecurityToken.MismatchWithAccessKey', message: 'Specified SecurityToken mismatch with the AccessKey.' };
    await tally.forged(() => expectFc23Error(fc23(t.url, key(STS)).getLayerVersion(name, '1'), mismatch));
    await tally.forged(() => expectFc23Error(fc23(t.url, { ...key(STS), securityToken: 'CAISanotherToken' }).getLayerVersion(name, '1'), mismatch));
    await tally.forged(() => expectFc2Error(fc2(t.url, { ...key(STS), securityToken: 'CAISanotherToken', accountId: STS.account }).getLayerVersion(name, 1), mismatch));
  });
});

describe('requests tampered with after signing', () => {
  it('CreateLayerVersion (ACS3, 2023-03-30): a body changed in flight is refused; untouched it is accepted', async () => {
    const name = uniqueName('body');
    const through = fc23(proxy.url, key(ALPHA));
    proxy.set({ body: (b) => Buffer.from(b.toString().replace('"description":"a"', '"description":"b"')) });
    await tally.forged(() => expectFc23Error(create23(through, name, TF_ZIP.bytes, { description: 'a' }), SIGNATURE_NOT_MATCH));
    proxy.set(undefined);
    await tally.legit(() => create23(through, name, TF_ZIP.bytes, { description: 'a' }));
  });

  it('CreateLayerVersion (FC scheme, @alicloud/fc2): a body changed in flight no longer matches its signed Content-MD5', async () => {
    const name = uniqueName('md5');
    const through = fc2(proxy.url, { ...key(ALPHA), accountId: ALPHA.account });
    proxy.set({ body: (b) => Buffer.from(b.toString().replace('"description":"a"', '"description":"b"')) });
    await tally.forged(() => expectFc2Error(publish2(through, name, TF_ZIP.bytes, { description: 'a' }), SIGNATURE_NOT_MATCH));
    proxy.set(undefined);
  });

  it('GetLayerVersion: a header added in flight is refused (x-acs-* for ACS3 and acs, x-fc-* for FC)', async () => {
    const name = uniqueName('hdr');
    await create23(fc23(t.url, key(ALPHA)), name, TF_ZIP.bytes);
    proxy.set({ headers: (h) => void (h['x-acs-added'] = 'after') });
    await tally.forged(() => expectFc23Error(fc23(proxy.url, key(ALPHA)).getLayerVersion(name, '1'), SIGNATURE_NOT_MATCH));
    await tally.forged(() => expectFc21Error(fc21(proxy.url, { ...key(ALPHA), signatureAlgorithm: 'v2' }).getLayerVersion(name, '1'), SIGNATURE_NOT_MATCH));
    proxy.set({ headers: (h) => void (h['x-fc-added'] = 'after') });
    await tally.forged(() => expectFc2Error(fc2(proxy.url, { ...key(ALPHA), accountId: ALPHA.account }).getLayerVersion(name, 1), SIGNATURE_NOT_MATCH));
    proxy.set(undefined);
    await tally.legit(() => fc2(proxy.url, { ...key(ALPHA), accountId: ALPHA.account }).getLayerVersion(name, 1));
  });

  it('ListLayers (FC scheme): a Date 20 minutes off is refused, within 15 minutes accepted', async () => {
    const at = (offsetMs: number) => fcSchemeHeaders(t.url, 'GET', '/2016-08-15/layers', {
      date: new Date(Date.now() + offsetMs).toUTCString(), 'x-fc-account-id': ALPHA.account,
    }, undefined, { accessKeyId: ALPHA.accessKeyId, secret: ALPHA.accessKeySecret });
    for (const offset of [-20 * 60_000, 20 * 60_000]) {
      await tally.forged(async () => expectRawFc2Error(await sendRaw(t.url, '/2016-08-15/layers', 'GET', at(offset)), {
        status: 403, code: 'AccessDenied', message: /^the request time '.*' differs from the server time '.*' by more than 15 minutes$/,
      }));
    }
    await tally.legit(async () => {
      const res = await sendRaw(t.url, '/2016-08-15/layers', 'GET', at(-10 * 60_000));
      if (res.status !== 200) throw new Error(res.text);
    });
  });

  it('ListLayers: no Authorization is 403 AccessDenied; a scheme that is none is SignatureNotMatch', async () => {
    await tally.forged(async () => expectRawFc2Error(await sendRaw(t.url, '/2016-08-15/layers', 'GET', { date: new Date().toUTCString() }), {
      status: 403, code: 'AccessDenied', message: 'the request is not signed: it has no Authorization header',
    }));
    await tally.forged(async () => expectRawFc2Error(
      await sendRaw(t.url, '/2016-08-15/layers', 'GET', { date: new Date().toUTCString(), authorization: `Bearer ${ALPHA.accessKeyId}` }),
      SIGNATURE_NOT_MATCH,
    ));
  });
});

describe('access between accounts', () => {
  it('GetLayerVersionByArn: another account reads a layer only once it is public', async () => {
    const name = uniqueName('acl');
    await create23(fc23(t.url, key(ALPHA)), name, TF_ZIP.bytes);
    const arn = acsArn(name, 1, ALPHA.account, REGION);
    const beta23 = fc23(t.url, key(BETA));
    await tally.forged(() => expectFc23Error(beta23.getLayerVersionByArn(arn), {
      status: 403, code: 'AccessDenied', message: `you are not allowed to access the private layer version '${arn}'`,
    }));
    await tally.forged(() => expectFc2Error(fc2(t.url, { ...key(BETA), accountId: BETA.account }).getLayerVersionByArn(arn), {
      status: 403, code: 'AccessDenied', message: `you are not allowed to access the private layer version '${arn}'`,
    }));
    await fc23(t.url, key(ALPHA)).putLayerACL(name, new $23.PutLayerACLRequest({ acl: '1' }));
    expect((await tally.legit(() => beta23.getLayerVersionByArn(arn))).body!.layerVersionArn).toBe(arn);
  });

  it('DeleteLayerVersion / PutLayerACL: another account cannot reach the owner\'s layer, even a public one', async () => {
    const name = uniqueName('own');
    await create23(fc23(t.url, key(ALPHA)), name, TF_ZIP.bytes);
    await fc23(t.url, key(ALPHA)).putLayerACL(name, new $23.PutLayerACLRequest({ acl: '1' }));
    const beta23 = fc23(t.url, key(BETA));
    // By name, another account's call acts in its own namespace: the owner's layer is not there.
    await tally.forged(() => expectFc23Error(beta23.deleteLayerVersion(name, '1'), { status: 404, code: 'LayerNotFound', message: `layer '${name}' does not exist` }));
    await tally.forged(() => expectFc23Error(beta23.putLayerACL(name, new $23.PutLayerACLRequest({ acl: '0' })), { status: 404, code: 'LayerNotFound', message: `layer '${name}' does not exist` }));
    // Naming the owner's account with X-Fc-Account-Id is refused.
    await tally.forged(() => expectFc23Error(
      beta23.deleteLayerVersionWithOptions(name, '1', { 'X-Fc-Account-Id': ALPHA.account }, RUNTIME23),
      { status: 403, code: 'AccessDenied', message: new RegExp(`'${BETA.accessKeyId}'.*'${BETA.account}'.*'${ALPHA.account}'`) },
    ));
    expect((await fc23(t.url, key(ALPHA)).getLayerVersion(name, '1')).body!.version).toBe(1);
  });
});
