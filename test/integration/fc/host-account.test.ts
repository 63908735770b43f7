/**
 * Hosts that carry the account: Terraform's alicloud provider connects both its FC clients to
 * `<account_id>.<endpoint>` (docs/specs/tools-on-the-wire.md), e.g. `1234567890123456.localhost:4588`, and FC's
 * own endpoints are `<account-id>.<region>.fc.aliyuncs.com`. Raw requests with that Host over a loopback
 * connection, because the test machine need not resolve `<digits>.localhost` (README, "Hosts with the account").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import { TF_ZIP, expectRawFc3Error, rawRequest, startFcApp, uniqueName } from '../../helpers/fc.js';
import { verifies } from '../../helpers/auth.js';

const ACCOUNT = '1234567890123456';
let t: TestApp;
let port: string;

beforeAll(async () => {
  ({ t } = await startFcApp());
  port = new URL(t.url).port;
});
afterAll(async () => {
  await t?.close();
});

/** Terraform's FC 2.0 client signs `acs <ak>:<sig>`; its FC 3.0 client ACS3-HMAC-SHA256. */
const SIGNED = {
  '2021-04-06': 'acs testAccessKeyId:c2lnbmF0dXJl',
  '2023-03-30': 'ACS3-HMAC-SHA256 Credential=testAccessKeyId,SignedHeaders=host,Signature=00',
};

/**
 * With signatures verified, the request is signed for real instead, in the `FC` scheme (@alicloud/fc2's signer,
 * which every API version accepts): this file is about the Host, not the scheme.
 */
const asHost = (host: string, api: keyof typeof SIGNED, path: string, method = 'GET', body?: string) =>
  verifies(t.url)
    ? rawRequest(t.url, `/${api}${path}`, { method, body, headers: { host } })
    : rawRequest(t.url, `/${api}${path}`, { method, body, accessKeyId: false, headers: { host, authorization: SIGNED[api] } });

describe('a Host with the account prefix', () => {
  it('CreateLayerVersion / GetLayerVersion: served for the account the Host names, on both API versions', async () => {
    const name = uniqueName('host');
    const host = `${ACCOUNT}.localhost:${port}`;
    const body = JSON.stringify({ Code: { zipFile: TF_ZIP.bytes.toString('base64') }, compatibleRuntime: ['python3.10'] });
    const created = await asHost(host, '2021-04-06', `/layers/${name}/versions`, 'POST', body);
    expect(created.status, created.text).toBe(200);
    expect(created.json).toMatchObject({ layerName: name, version: 1, codeChecksum: TF_ZIP.crc64 });

    const got = await asHost(host, '2023-03-30', `/layers/${name}/versions/1`);
    expect(got.status, got.text).toBe(200);
    expect(got.json.layerVersionArn).toBe(`acs:fc:cn-hangzhou:${ACCOUNT}:layers/${name}/versions/1`);
  });

  it('GetLayerVersion: code.location is on the Host the client used, and downloads the zip through it', async () => {
    const name = uniqueName('host');
    const host = `${ACCOUNT}.strata:${port}`; // the docker-compose alias
    const body = JSON.stringify({ code: { zipFile: TF_ZIP.bytes.toString('base64') }, compatibleRuntime: ['python3.10'] });
    expect((await asHost(host, '2023-03-30', `/layers/${name}/versions`, 'POST', body)).status).toBe(200);
    const got = await asHost(host, '2023-03-30', `/layers/${name}/versions/1`);
    const location = new URL(got.json.code.location);
    expect(location.host).toBe(host);
    const download = await rawRequest(t.url, `${location.pathname}${location.search}`, { accessKeyId: false, headers: { host } });
    expect(download.status).toBe(200);
    expect(download.bytes.equals(TF_ZIP.bytes)).toBe(true);
  });

  it("ListLayers: a Host naming another account than the key's is refused with AccessDenied", async () => {
    const res = await asHost(`7777777777777777.localhost:${port}`, '2023-03-30', '/layers');
    expectRawFc3Error(res, {
      status: 403,
      code: 'AccessDenied',
      message: `the access key 'testAccessKeyId' belongs to account '${ACCOUNT}', not to account '7777777777777777' named by the Host`,
    });
  });
});
