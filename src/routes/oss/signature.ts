/**
 * The object endpoint's signature verifier (STRATA_AUTH=verify): V1 and V4, header and signed URL, recomputed from
 * the request as it arrived with the pure functions of src/auth/oss-v1.ts and oss-v4.ts, over the bucket and key
 * the request names (ali-oss signs `/<bucket>/<key>` although, with an IP endpoint, its path holds only the key).
 *
 * A signature that does not match reports what OSS reports in its SignatureDoesNotMatch error: OSSAccessKeyId,
 * SignatureProvided, StringToSign and StringToSignBytes (the hex of its bytes, each followed by a space), as in the
 * response OSS's troubleshooting page shows (alibabacloud.com/help/en/oss/developer-reference/faq-24); for V4 also
 * the CanonicalRequest (Strata's choice: no V4 response was recorded; S3 reports its canonical request so).
 */
import { timingSafeEqual } from 'node:crypto';
import { header, queryPairs } from '../../auth/http-parts.js';
import { ossV1CanonicalResource, ossV1Date, ossV1Signature, ossV1StringToSign } from '../../auth/oss-v1.js';
import {
  UNSIGNED_PAYLOAD, ossV4CanonicalRequest, ossV4Signature, ossV4SigningKey, ossV4StringToSign,
} from '../../auth/oss-v4.js';
import type { OssCredentials, SignatureCheck, SignatureVerifier, SignedRequest } from './auth.js';

export const verifyOssSignature: SignatureVerifier = (request, credentials, secret) => {
  if (secret === undefined) return mismatch(credentials, '', []);
  return credentials.version === 'v1' ? checkV1(request, credentials, secret) : checkV4(request, credentials, secret);
};

function checkV1(request: SignedRequest, credentials: OssCredentials, secret: string): SignatureCheck {
  const date = credentials.carrier === 'query' ? queryValue(request, 'Expires') : ossV1Date(request);
  const stringToSign = ossV1StringToSign(request, ossV1CanonicalResource(request, request.bucket, request.key), date ?? '');
  if (same(credentials.signature, ossV1Signature(secret, stringToSign))) return { valid: true };
  return mismatch(credentials, stringToSign, []);
}

function checkV4(request: SignedRequest, credentials: OssCredentials, secret: string): SignatureCheck {
  const { date, region, service, signedAt, additionalHeaders } = credentials.v4!;
  const payload = header(request, 'x-oss-content-sha256') ?? UNSIGNED_PAYLOAD;
  const canonical = ossV4CanonicalRequest(request, request.bucket, request.key, additionalHeaders, payload);
  const stringToSign = ossV4StringToSign(signedAt ?? '', `${date}/${region}/${service}/aliyun_v4_request`, canonical);
  if (same(credentials.signature, ossV4Signature(ossV4SigningKey(secret, date, region, service), stringToSign))) return { valid: true };
  return mismatch(credentials, stringToSign, [['CanonicalRequest', canonical]]);
}

function mismatch(credentials: OssCredentials, stringToSign: string, extra: [string, string][]): SignatureCheck {
  const bytes = [...Buffer.from(stringToSign, 'utf8')].map((b) => `${b.toString(16).toUpperCase().padStart(2, '0')} `).join('');
  return {
    valid: false,
    fields: [
      ['OSSAccessKeyId', credentials.accessKeyId], ['SignatureProvided', credentials.signature],
      ['StringToSign', stringToSign], ['StringToSignBytes', bytes], ...extra,
    ],
  };
}

function queryValue(request: SignedRequest, name: string): string | undefined {
  return queryPairs(request.rawQuery).find(([k]) => k === name)?.[1];
}

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
