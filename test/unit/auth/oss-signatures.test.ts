/**
 * OSS V1 and V4 signatures against published vectors: the example of OSS's V1 documentation, and the signer tests
 * of Alibaba's own Go SDK (github.com/aliyun/alibabacloud-oss-go-sdk-v2, oss/signer/signer_test.go: TestV1AuthHeader,
 * TestV1AuthQuery, TestV4AuthHeader*, TestV4AuthQuery*), with the secret `sk`. Each request is rebuilt as it arrives
 * (its path, query and headers); the expected strings and signatures are the ones those tests assert.
 */
import { describe, expect, it } from 'vitest';
import type { HttpParts } from '../../../src/auth/http-parts.js';
import {
  ossV1CanonicalResource, ossV1Date, ossV1Signature, ossV1StringToSign,
} from '../../../src/auth/oss-v1.js';
import {
  UNSIGNED_PAYLOAD, ossV4CanonicalQuery, ossV4CanonicalRequest, ossV4CanonicalUri, ossV4Signature, ossV4SigningKey,
  ossV4StringToSign,
} from '../../../src/auth/oss-v4.js';

function parts(method: string, url: string, headers: Record<string, string>): HttpParts {
  const q = url.indexOf('?');
  return {
    method,
    rawPath: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    headers: new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [v]])),
  };
}

function v1(p: HttpParts, bucket: string, key: string, secret: string, expires?: string) {
  const stringToSign = ossV1StringToSign(p, ossV1CanonicalResource(p, bucket, key), expires ?? ossV1Date(p)!);
  return { stringToSign, signature: ossV1Signature(secret, stringToSign) };
}

describe('OSS V1 signatures', () => {
  it('the OSS documentation example: PUT /oss-example/nelson with x-oss-meta-author and x-oss-magic', () => {
    // help.aliyun.com/document_detail/31951.html (older revisions: "签名示例"), also asserted by
    // mariotaku/osspublisherplugin SignatureTest.
    const p = parts('PUT', '/nelson', {
      'Content-MD5': 'ODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=', 'Content-Type': 'text/html',
      Date: 'Thu, 17 Nov 2005 18:49:58 GMT', 'X-OSS-Meta-Author': 'foo@bar.com', 'X-OSS-Magic': 'abracadabra',
    });
    const { stringToSign, signature } = v1(p, 'oss-example', 'nelson', 'OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV');
    expect(stringToSign).toBe(
      'PUT\nODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=\ntext/html\nThu, 17 Nov 2005 18:49:58 GMT\n' +
        'x-oss-magic:abracadabra\nx-oss-meta-author:foo@bar.com\n/oss-example/nelson',
    );
    expect(signature).toBe('26NBxoKdsyly4EDv6inkoDft/yA=');
  });

  const goHeaders = {
    'Content-MD5': 'eB5eJF1ptWaXm4bijSPyxw==', 'Content-Type': 'text/html', 'x-oss-meta-author': 'alice',
    'x-oss-meta-magic': 'abracadabra', 'x-oss-date': 'Wed, 28 Dec 2022 10:27:41 GMT',
  };

  it('Go SDK TestV1AuthHeader: x-oss-date is the Date; sub-resources are signed, other parameters are not', () => {
    const one = v1(parts('PUT', '/nelson', { ...goHeaders, Date: 'Thu, 01 Jan 2000 00:00:00 GMT' }), 'examplebucket', 'nelson', 'sk');
    expect(one.stringToSign).toBe(
      'PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\n' +
        'x-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n/examplebucket/nelson',
    );
    expect(one.signature).toBe('kSHKmLxlyEAKtZPkJhG9bZb5k7M=');
    expect(v1(parts('PUT', '/nelson?acl', goHeaders), 'examplebucket', 'nelson', 'sk').signature).toBe('/afkugFbmWDQ967j1vr6zygBLQk=');
    const date = { 'x-oss-date': 'Wed, 28 Dec 2022 10:27:41 GMT' };
    const three = v1(parts('GET', '/?resourceGroup&non-resousce=null', date), 'examplebucket', '', 'sk');
    expect(three.stringToSign).toBe('GET\n\n\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\n/examplebucket/?resourceGroup');
    expect(three.signature).toBe('vkQmfuUDyi1uDi3bKt67oemssIs=');
    expect(v1(parts('GET', '/?resourceGroup&acl', date), 'examplebucket', '', 'sk').signature).toBe('x3E5TgOvl/i7PN618s5mEvpJDYk=');
  });

  it('Go SDK TestV1AuthQuery: a signed URL signs Expires in place of the Date, and its security-token', () => {
    const url = '/key?Expires=1699807420&OSSAccessKeyId=ak&Signature=dcLTea%2BYh9ApirQ8o8dOPqtvJXQ%3D&versionId=versionId';
    const one = v1(parts('GET', url, {}), 'bucket', 'key', 'sk', '1699807420');
    expect(one.stringToSign).toBe('GET\n\n\n1699807420\n/bucket/key?versionId=versionId');
    expect(one.signature).toBe('dcLTea+Yh9ApirQ8o8dOPqtvJXQ=');
    const withToken = '/key%2B123?Expires=1699808204&OSSAccessKeyId=ak&Signature=jzKYRrM5y6Br0dRFPaTGOsbrDhY%3D&security-token=token&versionId=versionId';
    const two = v1(parts('GET', withToken, {}), 'bucket', 'key+123', 'sk', '1699808204');
    expect(two.stringToSign).toBe('GET\n\n\n1699808204\n/bucket/key+123?security-token=token&versionId=versionId');
    expect(two.signature).toBe('jzKYRrM5y6Br0dRFPaTGOsbrDhY=');
  });
});

describe('OSS V4 signatures', () => {
  const KEY = '1234+-/123/1.txt';
  // url.Values{param1: value1, +param1: value3, |param1: value4, +param2: "", |param2: "", param2: ""}.Encode()
  const QUERY = '%2Bparam1=value3&%2Bparam2=&param1=value1&param2=&%7Cparam1=value4&%7Cparam2=';
  const HEADERS = { 'x-oss-head1': 'value', abc: 'value', ZAbc: 'value', XYZ: 'value', 'content-type': 'text/plain' };

  function v4(p: HttpParts, datetime: string, additional: string[] = []) {
    const payload = p.headers.get('x-oss-content-sha256')?.[0] ?? UNSIGNED_PAYLOAD;
    const canonical = ossV4CanonicalRequest(p, 'bucket', KEY, additional, payload);
    const scope = `${datetime.slice(0, 8)}/cn-hangzhou/oss/aliyun_v4_request`;
    const stringToSign = ossV4StringToSign(datetime, scope, canonical);
    return { canonical, stringToSign, signature: ossV4Signature(ossV4SigningKey('sk', datetime.slice(0, 8), 'cn-hangzhou', 'oss'), stringToSign) };
  }

  it('the canonical URI keeps `/` and encodes the rest; the query is sorted, an empty value is the name alone', () => {
    expect(ossV4CanonicalUri('bucket', KEY)).toBe('/bucket/1234%2B-/123/1.txt');
    expect(ossV4CanonicalUri('', '')).toBe('/');
    expect(ossV4CanonicalQuery(QUERY)).toBe('%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2');
    expect(ossV4CanonicalQuery('a=b+c&x-oss-signature=abc&z=%2F')).toBe('a=b%20c&z=%2F');
  });

  it('Go SDK TestV4AuthHeader: the header form, UNSIGNED-PAYLOAD', () => {
    const datetime = '20231216T162057Z';
    const p = parts('PUT', `/${KEY}?${QUERY}`, {
      ...HEADERS, 'x-oss-content-sha256': 'UNSIGNED-PAYLOAD', 'x-oss-date': datetime, Date: 'Sat, 16 Dec 2023 16:20:57 GMT',
    });
    const got = v4(p, datetime);
    expect(got.canonical).toBe(
      'PUT\n/bucket/1234%2B-/123/1.txt\n%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2\n' +
        'content-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20231216T162057Z\nx-oss-head1:value\n\n\nUNSIGNED-PAYLOAD',
    );
    // The string to sign of the same request as alibabacloud-oss-typescript-sdk asserts it (SignerV4 test).
    expect(got.stringToSign).toBe(
      'OSS4-HMAC-SHA256\n20231216T162057Z\n20231216/cn-hangzhou/oss/aliyun_v4_request\nf4613657f1b108998e8dbd10a1aa5da621dc2c6e02c9ddec0f163664848704c4',
    );
    expect(got.signature).toBe('e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe');
  });

  it('Go SDK TestV4AuthHeaderToken and TestV4AuthHeaderWithAdditionalHeaders: the token and the additional headers are signed', () => {
    const tokenTime = '20231217T034736Z';
    const withToken = parts('PUT', `/${KEY}?${QUERY}`, {
      ...HEADERS, 'x-oss-content-sha256': 'UNSIGNED-PAYLOAD', 'x-oss-date': tokenTime, 'x-oss-security-token': 'token',
    });
    expect(v4(withToken, tokenTime).signature).toBe('b94a3f999cf85bcdc00d332fbd3734ba03e48382c36fa4d5af5df817395bd9ea');
    const time = '20231216T172512Z';
    const additional = parts('PUT', `/${KEY}?${QUERY}`, { ...HEADERS, 'x-oss-content-sha256': 'UNSIGNED-PAYLOAD', 'x-oss-date': time });
    expect(v4(additional, time, ['abc', 'zabc']).signature).toBe('4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f');
  });

  it('Go SDK TestV4AuthQuery*: the signed URL signs its own x-oss-* parameters but not x-oss-signature', () => {
    const headers = { ...HEADERS, 'content-type': 'application/octet-stream' };
    const url = (datetime: string, extra: string) =>
      `/${KEY}?${QUERY}&x-oss-credential=ak%2F${datetime.slice(0, 8)}%2Fcn-hangzhou%2Foss%2Faliyun_v4_request` +
      `&x-oss-date=${datetime}&x-oss-expires=599&x-oss-signature-version=OSS4-HMAC-SHA256${extra}&x-oss-signature=ignored`;
    expect(v4(parts('PUT', url('20231217T025437Z', ''), headers), '20231217T025437Z').signature)
      .toBe('a39966c61718be0d5b14e668088b3fa07601033f6518ac7b523100014269c0fe');
    expect(v4(parts('PUT', url('20231217T035628Z', '&x-oss-security-token=token'), headers), '20231217T035628Z').signature)
      .toBe('3817ac9d206cd6dfc90f1c09c00be45005602e55898f26f5ddb06d7892e1f8b5');
    expect(v4(parts('PUT', url('20231217T033009Z', '&x-oss-additional-headers=abc%3Bzabc'), headers), '20231217T033009Z', ['abc', 'zabc']).signature)
      .toBe('6bd984bfe531afb6db1f7550983a741b103a8c58e5e14f83ea474c2322dfa2b7');
  });
});
