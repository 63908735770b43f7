import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { isOssRequest, objectNameProblem, resolveTarget } from '../../../../src/routes/oss/addressing.js';
import { parseOssAuth } from '../../../../src/routes/oss/auth.js';
import { BUCKET_TO_OSS, NoSuchBucket } from '../../../../src/routes/oss/errors.js';
import { parseRange } from '../../../../src/routes/oss/range.js';
import { BucketMissing, ObjectKeyUnusable, ObjectMissing } from '../../../../src/core/buckets.js';

const request = (headers: Record<string, string>, query: Record<string, string> = {}) =>
  ({ headers, query }) as unknown as FastifyRequest;

describe('OSS addressing', () => {
  it('isOssRequest: OSS Authorization schemes, x-oss-* headers and signed-URL queries mark a request', () => {
    const req = (headers: Record<string, string>, url = '/x') => ({ headers, url }) as never;
    expect(isOssRequest(req({ authorization: 'OSS ak:sig' }))).toBe(true);
    expect(isOssRequest(req({ authorization: 'OSS4-HMAC-SHA256 Credential=ak/20261201/cn-hangzhou/oss/aliyun_v4_request' }))).toBe(true);
    expect(isOssRequest(req({ 'x-oss-date': 'Tue, 01 Dec 2026 00:00:00 GMT' }))).toBe(true);
    expect(isOssRequest(req({}, '/b/k?OSSAccessKeyId=ak&Expires=1&Signature=s'))).toBe(true);
    expect(isOssRequest(req({}, '/b/k?x-oss-signature-version=OSS4-HMAC-SHA256'))).toBe(true);
    expect(isOssRequest(req({ authorization: 'FC ak:sig', 'x-fc-account-id': '1' }, '/2016-08-15/layers'))).toBe(false);
    expect(isOssRequest(req({ authorization: 'AWS4-HMAC-SHA256 Credential=x' }, '/2018-10-31/layers'))).toBe(false);
  });

  it('resolveTarget: virtual-hosted, token-bound and path style', () => {
    expect(resolveTarget('b1.oss-cn-hangzhou.aliyuncs.com', '1234/obj', ['localhost'])).toEqual({ bucket: 'b1', key: '1234/obj' });
    expect(resolveTarget('b1.localhost:4588', 'k', ['localhost'])).toEqual({ bucket: 'b1', key: 'k' });
    expect(resolveTarget('localhost:4588', 'b1/k', ['localhost'])).toEqual({ bucket: 'b1', key: 'k' });
    expect(resolveTarget('127.0.0.1:4588', 'b1/dir/k', ['localhost'])).toEqual({ bucket: 'b1', key: 'dir/k' });
    expect(resolveTarget('oss-cn-hangzhou.aliyuncs.com', 'b1/k', [])).toEqual({ bucket: 'b1', key: 'k' });
    // A token names its bucket when the path does not start with it.
    expect(resolveTarget('127.0.0.1:4588', '1234/obj', [], 'fc-temp')).toEqual({ bucket: 'fc-temp', key: '1234/obj' });
    expect(resolveTarget('127.0.0.1:4588', 'fc-temp/1234/obj', [], 'fc-temp')).toEqual({ bucket: 'fc-temp', key: '1234/obj' });
    expect(resolveTarget('127.0.0.1', '', [])).toEqual({ bucket: '', key: '' });
  });

  it('objectNameProblem: OSS names are at most 1023 bytes and start with neither slash', () => {
    expect(objectNameProblem('a/b')).toBeUndefined();
    expect(objectNameProblem('é'.repeat(512))).toBe('it is longer than 1023 bytes');
    expect(objectNameProblem('\\x')).toBe("it starts with '/' or '\\'");
  });
});

describe('OSS credentials', () => {
  it('parseOssAuth: V1 and V4 headers, with the security token', () => {
    expect(parseOssAuth(request({ authorization: 'OSS STS.abc:c2ln', 'x-oss-security-token': 'CAIStok' }))).toEqual({
      kind: 'signed', credentials: { version: 'v1', carrier: 'header', accessKeyId: 'STS.abc', signature: 'c2ln', securityToken: 'CAIStok' },
    });
    const v4 = 'OSS4-HMAC-SHA256 Credential=LTAI5t/20261201/cn-hangzhou/oss/aliyun_v4_request, AdditionalHeaders=host;range, Signature=abc123';
    expect(parseOssAuth(request({ authorization: v4 }))).toEqual({
      kind: 'signed',
      credentials: {
        version: 'v4', carrier: 'header', accessKeyId: 'LTAI5t', signature: 'abc123', securityToken: undefined,
        v4: { date: '20261201', region: 'cn-hangzhou', service: 'oss', additionalHeaders: ['host', 'range'] },
      },
    });
  });

  it('parseOssAuth: signed URLs of both versions, with their expiry', () => {
    expect(parseOssAuth(request({}, { OSSAccessKeyId: 'ak', Expires: '1796000000', Signature: 's', 'security-token': 't' }))).toEqual({
      kind: 'signed', credentials: { version: 'v1', carrier: 'query', accessKeyId: 'ak', signature: 's', securityToken: 't', expiresAt: 1796000000000 },
    });
    const v4 = parseOssAuth(request({}, {
      'x-oss-signature-version': 'OSS4-HMAC-SHA256', 'x-oss-credential': 'ak/20261201/cn-hangzhou/oss/aliyun_v4_request',
      'x-oss-date': '20261201T120000Z', 'x-oss-expires': '60', 'x-oss-signature': 'hex',
    }));
    expect(v4).toMatchObject({ kind: 'signed', credentials: { version: 'v4', carrier: 'query', accessKeyId: 'ak', expiresAt: Date.UTC(2026, 11, 1, 12, 1, 0) } });
  });

  it('parseOssAuth: anonymous, and malformed headers and URLs', () => {
    expect(parseOssAuth(request({}))).toEqual({ kind: 'anonymous' });
    for (const authorization of ['OSS no-colon', 'OSS4-HMAC-SHA256 Signature=x', 'Bearer x']) {
      expect(parseOssAuth(request({ authorization })).kind, authorization).toBe('malformed');
    }
    expect(parseOssAuth(request({}, { OSSAccessKeyId: 'ak', Expires: 'soon', Signature: 's' })).kind).toBe('malformed');
  });
});

describe('OSS wire', () => {
  it('parseRange: OSS reads one range, and ignores what it cannot satisfy unless asked to be standard', () => {
    expect(parseRange('bytes=0-499', false, 1000)).toEqual({ start: 0, end: 499 });
    expect(parseRange('bytes=500-', false, 1000)).toEqual({ start: 500, end: 999 });
    expect(parseRange('bytes=-500', false, 1000)).toEqual({ start: 500, end: 999 });
    expect(parseRange('bytes=0-499,500-999', false, 1000)).toEqual({ start: 0, end: 499 });
    for (const header of ['byte=0-499', 'bytes=0-1000', 'bytes=1000-2000', 'bytes=1000-', 'bytes=-2000', 'bytes=5-2', undefined]) {
      expect(parseRange(header, false, 1000), String(header)).toBeUndefined();
    }
    expect(parseRange('bytes=500-2000', true, 1000)).toEqual({ start: 500, end: 999 });
    expect(() => parseRange('bytes=1000-2000', true, 1000)).toThrow('The requested range cannot be satisfied');
  });

  it('errors: every bucket error has its OSS code, status and fields', () => {
    const nb = BUCKET_TO_OSS.BucketMissing(new BucketMissing('b'));
    expect([nb.code, nb.status, nb.ec, nb.fields]).toEqual(['NoSuchBucket', 404, '0015-00000101', [['BucketName', 'b']]]);
    const nk = BUCKET_TO_OSS.ObjectMissing(new ObjectMissing('b', 'k'));
    expect([nk.code, nk.status, nk.ec, nk.fields]).toEqual(['NoSuchKey', 404, '0026-00000001', [['Key', 'k']]]);
    const bad = BUCKET_TO_OSS.ObjectKeyUnusable(new ObjectKeyUnusable('a//b', 'it has an empty segment'));
    expect([bad.code, bad.status, bad.message]).toEqual(['InvalidObjectName', 400, 'The specified object is not valid: it has an empty segment.']);
  });

  it("errors: OSS's XML document, escaped", () => {
    const xml = new NoSuchBucket('The specified bucket does not exist.').with('BucketName', 'a<b&c').xml('ID', 'h.example');
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>NoSuchBucket</Code>\n' +
        '  <Message>The specified bucket does not exist.</Message>\n  <RequestId>ID</RequestId>\n  <HostId>h.example</HostId>\n' +
        '  <BucketName>a&#60;b&#38;c</BucketName>\n  <EC>0015-00000101</EC>\n' +
        '  <RecommendDoc>https://api.aliyun.com/troubleshoot?q=0015-00000101</RecommendDoc>\n</Error>\n',
    );
  });
});
