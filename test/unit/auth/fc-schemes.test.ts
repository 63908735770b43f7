/**
 * The three FC signature schemes against the requests of test/fixtures/fc/fc-vectors.json (real SDK traffic
 * captured against a local server, plus the SDKs' own unit-test vectors): each request as captured is the input;
 * the Authorization its SDK sent is the expected value, written out below.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  acs3CanonicalRequest, acs3Signature, acs3StringToSign, parseAcs3,
} from '../../../src/auth/fc/acs3.js';
import { fcResources, fcSignature, fcStringToSign } from '../../../src/auth/fc/fc2016.js';
import { parseKeyColonSignature, roaCanonicalResource, roaSignature, roaStringToSign } from '../../../src/auth/fc/roa-v1.js';
import type { HttpParts } from '../../../src/auth/http-parts.js';

interface Captured {
  label: string;
  accessKeySecret: string;
  method: string;
  url: string;
  headers: [string, string][];
  body?: string;
  expected: { stringToSign: string; canonicalRequest?: string };
}

const VECTORS = JSON.parse(readFileSync(new URL('../../fixtures/fc/fc-vectors.json', import.meta.url), 'utf8')) as {
  signatures: {
    captured_requests: Captured[];
    deterministic_fc_scheme: { method: string; pathSigned: string; accessKeySecret?: string; headers: Record<string, string>; expectedAuthorization: string }[];
  };
};
const CAPTURED = VECTORS.signatures.captured_requests;

/** What each SDK sent, per captured request (index in captured_requests). */
const SENT: Record<number, string> = {
  0: 'Signature=3b186d53db36b5eaa6644319f6ef7d20f06b29f957d4bf87cef8e0ffa89a1908',
  1: 'Signature=bc0ece5b5d93e61674aba6c728e531b6257b0d68a1f57aabadc61cc79c383352',
  2: 'Signature=acfdd3d848162dc65773d8c6316ad0f79818ea3aa5e0f80ae74384e234876c32',
  3: 'Signature=f82f390f2b897311ef9a6acce6718ffe40e96121b9f3ea36260dce34c352360d',
  4: 'Signature=ac69c47e0f47d834065c4d2b2c0c0a265c911cb2abf3ad04ad3f9b206c63148a',
  5: 'acs testAccessKeyId:w7Ps0QNBmSTesTJIQBUMdJFTugU=',
  6: 'acs testAccessKeyId:Y5DDYvHF4ZxbvAIPSE73xtwbSOw=',
  7: 'Signature=6a2f5f461d3413a259a0579f9a80c4a6bc65198bc2424adc3585f4f57982a75e',
  8: 'Signature=1191f29abe470d01748c770fdd89f2c6f4916d5456b0d2fe7f7448b6ae667ae7',
  9: 'Signature=bc1ba0522617ac63c53e52468843e304324e1dd8726be6b30800fa5cc71b640a',
  10: 'Signature=a0aa4f282d651c859f20bbbd6d8f594ed1c82915a58380e0ccb1b620e9dfd878',
  11: 'FC testAccessKeyId:xtx1LQOocQ8sDLfjRpRQ0a5SICYtkvfBB3tr5cwd8HA=',
  12: 'FC testAccessKeyId:0PiqXHuQYWtKNlYpWbhnCMl97UO5m4F7FJjwVpky/CI=',
  13: 'FC testAccessKeyId:J3ZBuR7cDgyqUK+zd7YcXxz9GvO4ojBBVK0p6sH7ZbY=',
  14: 'FC testAccessKeyId:83mH8aAnmcnkG3eiS3xJ7CqR4Nyjg6AZFNEXdBW+9wY=',
};

function partsOf(c: { method: string; url: string; headers: [string, string][] }): HttpParts {
  const q = c.url.indexOf('?');
  const headers = new Map<string, string[]>();
  for (const [k, v] of c.headers) headers.set(k.toLowerCase(), [...(headers.get(k.toLowerCase()) ?? []), v]);
  return { method: c.method, rawPath: q < 0 ? c.url : c.url.slice(0, q), rawQuery: q < 0 ? '' : c.url.slice(q + 1), headers };
}

const authorizationOf = (c: Captured) => c.headers.find(([k]) => k.toLowerCase() === 'authorization')![1];
const scheme = (c: Captured) => authorizationOf(c).split(' ')[0];
const indexed = (name: string) => CAPTURED.map((c, i) => [i, c.label, c] as const).filter(([, , c]) => scheme(c) === name);

describe('ACS3-HMAC-SHA256', () => {
  it.each(indexed('ACS3-HMAC-SHA256'))('captured #%i (%s): canonical request, string to sign, signature', (i, _label, c) => {
    const parts = partsOf(c);
    const auth = parseAcs3(authorizationOf(c))!;
    expect(auth.accessKeyId).toBe('testAccessKeyId');
    const creq = acs3CanonicalRequest(parts, auth.signedHeaders, parts.headers.get('x-acs-content-sha256')![0]!);
    expect(creq).toBe(c.expected.canonicalRequest);
    const sts = acs3StringToSign(creq);
    expect(sts).toBe(c.expected.stringToSign);
    expect(`Signature=${acs3Signature(c.accessKeySecret, sts)}`).toBe(SENT[i]);
  });

  it('parseAcs3: malformed headers are undefined', () => {
    expect(parseAcs3('ACS3-HMAC-SHA256 Credential=ak')).toBeUndefined();
    expect(parseAcs3('ACS3-HMAC-SHA1 Credential=ak,SignedHeaders=host,Signature=ab')).toBeUndefined();
  });
});

describe('acs (ROA, HMAC-SHA1)', () => {
  it.each(indexed('acs'))('captured #%i (%s): string to sign and signature', (i, _label, c) => {
    const parts = partsOf(c);
    const sts = roaStringToSign(parts, roaCanonicalResource(parts, 'name='));
    expect(sts).toBe(c.expected.stringToSign);
    const { accessKeyId } = parseKeyColonSignature(authorizationOf(c), 'acs')!;
    expect(`acs ${accessKeyId}:${roaSignature(c.accessKeySecret, sts)}`).toBe(SENT[i]);
  });

  it('roaCanonicalResource: an empty value is `name` for Go and `name=` for JS', () => {
    const parts = partsOf({ method: 'GET', url: '/2021-04-06/layers?public=&prefix=a%20b', headers: [] });
    expect(roaCanonicalResource(parts, 'name')).toBe('/2021-04-06/layers?prefix=a b&public');
    expect(roaCanonicalResource(parts, 'name=')).toBe('/2021-04-06/layers?prefix=a b&public=');
  });
});

describe('FC (2016-08-15, HMAC-SHA256)', () => {
  it.each(indexed('FC'))('captured #%i (%s): string to sign and signature', (i, _label, c) => {
    const parts = partsOf(c);
    // The path as sent verifies: fc2 signs the encoded ARN (#12).
    const sts = fcStringToSign(parts, fcResources(parts)[0]!);
    expect(sts).toBe(c.expected.stringToSign);
    expect(`FC testAccessKeyId:${fcSignature(c.accessKeySecret, sts)}`).toBe(SENT[i]);
  });

  it('fcResources: the encoded path, then the decoded one (Python signs it decoded)', () => {
    const parts = partsOf({ method: 'GET', url: '/2016-08-15/layerarn/acs%3Afc%3Acn-hangzhou%3A1%3Alayers%2Fa%2Fversions%2F1', headers: [] });
    expect(fcResources(parts)).toEqual([
      '/2016-08-15/layerarn/acs%3Afc%3Acn-hangzhou%3A1%3Alayers%2Fa%2Fversions%2F1',
      '/2016-08-15/layerarn/acs:fc:cn-hangzhou:1:layers/a/versions/1',
    ]);
  });

  const deterministic = [
    ['PublishLayerVersion', 'FC testAccessKeyId:zCerqbEdm84x927NsuUbOZrdvrwfJzqMt3FEfVnw0Jc='],
    ['GetLayerVersion', 'FC testAccessKeyId:fQ0pULRCxMBoliDx2a1A8OR0CDU18X2du/MPMmA5nTI='],
    ['DeleteLayerVersion', 'FC testAccessKeyId:V3ouZwJh1UZm788ddwUDcO/WRX0/ITDgpsnASJpWrQ4='],
  ] as const;
  it.each(deterministic.map(([op, want], i) => [op, want, i] as const))('@alicloud/fc2 getSignature vector %s', (_op, want, i) => {
    const v = VECTORS.signatures.deterministic_fc_scheme[i]!;
    const parts = partsOf({ method: v.method, url: v.pathSigned, headers: Object.entries(v.headers) });
    expect(`FC testAccessKeyId:${fcSignature('testAccessKeySecret', fcStringToSign(parts, v.pathSigned))}`).toBe(want);
  });

  it('fcStringToSign: the fc-java-sdk unit test (headers of any case, x-fc-* only, sorted)', () => {
    const parts = partsOf({
      method: 'GET', url: 'aa',
      headers: [
        ['Content-MD5', '1bca714f406993b309bb87fabeb30a6b'], ['Content-Type', 'application/json'], ['Date', 'today'],
        ['X-FC-H6', 'k6'], ['x-fc-h2', 'k2'], ['X-Fc-h1', 'k1'], ['x-fc-h4', 'k4'], ['h3', 'k3'], ['x-fc-h5', 'k5'],
      ],
    });
    expect(fcStringToSign(parts, 'aa')).toBe(
      'GET\n1bca714f406993b309bb87fabeb30a6b\napplication/json\ntoday\nx-fc-h1:k1\nx-fc-h2:k2\nx-fc-h4:k4\nx-fc-h5:k5\nx-fc-h6:k6\naa',
    );
  });
});
