/**
 * OSS's V4 signature, `OSS4-HMAC-SHA256`, in the Authorization header and in a signed URL, in pure functions
 * (help.aliyun.com/zh/oss/developer-reference/recommend-to-use-signature-version-4, and the SDKs it points to:
 * alibabacloud-oss-go-sdk-v2 signer/v4.go, oss2 auth.py ProviderAuthV4, ali-oss signUtils.getCanonicalRequest):
 *
 *   CanonicalRequest = VERB \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n AdditionalHeaders \n HashedPayload
 *   StringToSign     = "OSS4-HMAC-SHA256" \n <yyyymmddThhmmssZ> \n <yyyymmdd>/<region>/oss/aliyun_v4_request \n
 *                      hex(sha256(CanonicalRequest))
 *   SigningKey       = HMAC chain from "aliyun_v4" + secret over the date, the region, the product, "aliyun_v4_request"
 *
 * - CanonicalURI: `/<bucket>/<key>` URI-encoded, `/` kept (`/` alone without a bucket).
 * - CanonicalQuery: every parameter (for a signed URL all but `x-oss-signature`), name and value URI-encoded,
 *   sorted by encoded name, `name=value`, or `name` alone when the value is empty (Go SDK `calcCanonicalRequest`,
 *   oss2 `__param_to_query`).
 * - CanonicalHeaders: `content-type`, `content-md5`, every `x-oss-*` header, and the additional headers named in
 *   AdditionalHeaders (lower-cased, sorted, `;`-separated), `name:value\n` with the value trimmed.
 * - HashedPayload: the `x-oss-content-sha256` header, else `UNSIGNED-PAYLOAD`.
 *
 * Checked against the alibabacloud-oss-go-sdk-v2 signer tests (test/unit/auth/oss-signatures.test.ts).
 */
import { createHash, createHmac } from 'node:crypto';
import { type HttpParts, queryPairs } from './http-parts.js';

export const OSS4 = 'OSS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** RFC 3986 unreserved characters stay; everything else is `%XX` of its UTF-8 bytes (`/` kept when asked). */
export function ossV4UriEncode(text: string, keepSlash: boolean): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.~-]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function ossV4CanonicalUri(bucket: string, key: string): string {
  return bucket === '' ? '/' : ossV4UriEncode(`/${bucket}/${key}`, true);
}

/** The query's parameters, `x-oss-signature` left out (a signed URL does not sign its own signature). */
export function ossV4CanonicalQuery(rawQuery: string): string {
  return queryPairs(rawQuery, { plusAsSpace: true })
    .filter(([name]) => name !== 'x-oss-signature')
    .map(([name, value]) => [ossV4UriEncode(name, false), ossV4UriEncode(value, false)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => (value === '' ? name : `${name}=${value}`))
    .join('&');
}

/** Whether a header is signed whatever AdditionalHeaders says. */
export function isOssV4DefaultSigned(name: string): boolean {
  return name === 'content-type' || name === 'content-md5' || name.startsWith('x-oss-');
}

export function ossV4CanonicalHeaders(parts: HttpParts, additionalHeaders: readonly string[]): string {
  const extra = new Set(additionalHeaders);
  return [...parts.headers.keys()]
    .filter((name) => isOssV4DefaultSigned(name) || extra.has(name))
    .sort()
    .map((name) => `${name}:${(parts.headers.get(name) ?? []).map((v) => v.trim()).join(',')}\n`)
    .join('');
}

/** `payloadHash`: the `x-oss-content-sha256` header as sent, else UNSIGNED-PAYLOAD. */
export function ossV4CanonicalRequest(
  parts: HttpParts, bucket: string, key: string, additionalHeaders: readonly string[], payloadHash: string,
): string {
  return [
    parts.method.toUpperCase(),
    ossV4CanonicalUri(bucket, key),
    ossV4CanonicalQuery(parts.rawQuery),
    ossV4CanonicalHeaders(parts, additionalHeaders),
    additionalHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

/** `scope`: `<yyyymmdd>/<region>/<product>/aliyun_v4_request`. */
export function ossV4StringToSign(datetime: string, scope: string, canonicalRequest: string): string {
  return `${OSS4}\n${datetime}\n${scope}\n${createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')}`;
}

export function ossV4SigningKey(secret: string, date: string, region: string, product: string): Buffer {
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
  return hmac(hmac(hmac(hmac(`aliyun_v4${secret}`, date), region), product), 'aliyun_v4_request');
}

export function ossV4Signature(signingKey: Buffer, stringToSign: string): string {
  return createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
}
