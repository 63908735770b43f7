/**
 * OSS's wire errors: one class per error code. The body is OSS's XML (alibabacloud.com/help/en/document_detail/
 * 32005.html): `<Error>` with Code, Message, RequestId, HostId (the Host the request came to), then the fields of
 * that error (BucketName, Key, …), then EC and RecommendDoc where the fine-grained code is known, with the
 * `x-oss-request-id` and `x-oss-ec` headers. A HEAD response has no body: the same XML travels base64-encoded
 * in `x-oss-err`, which ali-oss (requestError) and oss2 (make_exception) decode.
 *
 * ECs are given only where a real response was seen: NoSuchKey 0026-00000001 and NoSuchBucket 0015-00000101
 * (captured responses, e.g. developer.aliyun.com/ask/597026), SecurityTokenExpired 0002-00000007
 * (github.com/jxxghp/MoviePilot/issues/6295; developer.aliyun.com/ask/553273), RequestTimeTooSkewed 0002-00000504 (a
 * response captured in github.com/huhx/flutter_oss_aliyun/issues/63; help.aliyun.com/zh/oss/user-guide/0002-00000504
 * describes it for a header-signed request whose Date is off), InvalidSecurityToken 0002-00000006 (github.com/matrixorigin/matrixone/
 * issues/12445), SignatureDoesNotMatch 0002-00000040 (the response OSS's signature troubleshooting page shows,
 * alibabacloud.com/help/en/oss/developer-reference/faq-24).
 */
import type { AnyBucketError, BucketError, BucketErrorCode } from '../../core/buckets.js';

export abstract class OssError extends Error {
  abstract readonly status: number;
  /** The fine-grained error code, when known. */
  readonly ec: string | undefined = undefined;
  /** Fields of this error after HostId, in order. */
  fields: [string, string][] = [];

  get code(): string {
    return this.constructor.name;
  }

  with(name: string, value: string): this {
    this.fields.push([name, value]);
    return this;
  }

  xml(requestId: string, hostId: string): string {
    const parts: [string, string][] = [['Code', this.code], ['Message', this.message], ['RequestId', requestId], ['HostId', hostId], ...this.fields];
    if (this.ec) parts.push(['EC', this.ec], ['RecommendDoc', `https://api.aliyun.com/troubleshoot?q=${this.ec}`]);
    const body = parts.map(([name, value]) => `  <${name}>${escapeXml(value)}</${name}>`).join('\n');
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n${body}\n</Error>\n`;
  }
}

export class AccessDenied extends OssError {
  readonly status = 403;
}
export class InvalidAccessKeyId extends OssError {
  readonly status = 403;
}
export class SignatureDoesNotMatch extends OssError {
  readonly status = 403;
  override readonly ec = '0002-00000040';
}
export class InvalidSecurityToken extends OssError {
  readonly status = 403;
  override readonly ec = '0002-00000006';
}
export class RequestTimeTooSkewed extends OssError {
  readonly status = 403;
  override readonly ec = '0002-00000504';
}
export class SecurityTokenExpired extends OssError {
  readonly status = 403;
  override readonly ec = '0002-00000007';
}
export class NoSuchBucket extends OssError {
  readonly status = 404;
  override readonly ec = '0015-00000101';
}
export class NoSuchKey extends OssError {
  readonly status = 404;
  override readonly ec = '0026-00000001';
}
export class InvalidArgument extends OssError {
  readonly status = 400;
}
export class InvalidBucketName extends OssError {
  readonly status = 400;
}
export class InvalidObjectName extends OssError {
  readonly status = 400;
}
export class InvalidDigest extends OssError {
  readonly status = 400;
}
export class EntityTooLarge extends OssError {
  readonly status = 400;
}
export class IncompleteBody extends OssError {
  readonly status = 400;
}
export class FileAlreadyExists extends OssError {
  readonly status = 409;
}
export class NotImplemented extends OssError {
  readonly status = 400;
}
export class MethodNotAllowed extends OssError {
  readonly status = 405;
}
export class InvalidRange extends OssError {
  readonly status = 416;
}
export class RequestTimeout extends OssError {
  readonly status = 400;
}
export class InternalError extends OssError {
  readonly status = 500;
}

/** Message texts: OSS's where they are known (the S3-family wording OSS shares), else Strata's own. */
export const MESSAGES = {
  noSuchBucket: 'The specified bucket does not exist.',
  noSuchKey: 'The specified key does not exist.',
  // InvalidAccessKeyId as OSS sends it (alibabacloud.com/help/en/oss/the-the-oss-access-key-id-you-provided-does-not-
  // exist-in-our-records-error-message-is-returned), also for an STS key without its token.
  invalidAccessKeyId: 'The OSS Access Key Id you provided does not exist in our records.',
  // SignatureDoesNotMatch as OSS sends it, with OSSAccessKeyId, SignatureProvided, StringToSign, StringToSignBytes
  // (faq-24 above; a captured one: github.com/Molunerfinn/PicGo/issues/877).
  signatureDoesNotMatch: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  tokenExpired: 'The security token you provided has expired.',
  // "ErrorCode=InvalidSecurityToken, ErrorMessage=\"The security token you provided is invalid.\"" (matrixone#12445).
  tokenInvalid: 'The security token you provided is invalid.',
  // RequestTimeTooSkewed as OSS sent it (aliyun/aliyun-oss-android-sdk#167; oss2 tests/test_sign.py expects it).
  skewed: 'The difference between the request time and the current time is too large.',
  // AccessDenied for a request without Date or x-oss-date (mozilla/sccache#1024, aliyun-oss-ruby-sdk#85).
  noDate: 'OSS authentication requires a valid Date.',
  // AccessDenied for a signed URL past its Expires, with Expires and ServerTime (github.com/johnlui/AliyunOSS/issues/20).
  requestExpired: 'Request has expired.',
  // AccessDenied for another account's bucket (github.com/AliyunContainerService/velero-plugin/issues/3).
  otherBucket: 'The bucket you access does not belong to you.',
  // AccessDenied for an object a caller may not reach (github.com/aliyun/aliyun-oss-android-sdk/issues/280).
  noRight: 'You have no right to access this object because of bucket acl.',
  badAuthorization: (detail: string) => `Authorization header is invalid: ${detail}`,
  invalidBucketName: 'The specified bucket is not valid.',
  invalidObjectName: (detail: string) => `The specified object is not valid: ${detail}.`,
  // InvalidDigest as OSS sent it (server AliyunOSS, github.com/aliyun-UED/aliyun-sdk-js/issues/148).
  invalidDigest: 'The Content-MD5 you specified was invalid.',
  entityTooLarge: 'Your proposed upload exceeds the maximum allowed size.',
  incompleteBody: 'You did not provide the number of bytes specified by the Content-Length HTTP header.',
  fileAlreadyExists: 'The object you specified already exists and can not be overwritten.',
  methodNotAllowed: 'The specified method is not allowed against this resource.',
  notImplemented: (what: string) => `${what} is not implemented by Strata's OSS endpoint, which serves PutObject, GetObject, HeadObject and DeleteObject.`,
  invalidRange: 'The requested range cannot be satisfied',
  requestTimeout: 'Your socket connection to the server was not read from or written to within the timeout period.',
  internal: 'We encountered an internal error. Please try again.',
};

/** Every bucket error as OSS sends it. */
export const BUCKET_TO_OSS: { [C in BucketErrorCode]: (err: Extract<AnyBucketError, { code: C }>) => OssError } = {
  BucketMissing: (err) => new NoSuchBucket(MESSAGES.noSuchBucket).with('BucketName', err.bucket),
  ObjectMissing: (err) => new NoSuchKey(MESSAGES.noSuchKey).with('Key', err.key),
  ObjectKeyUnusable: (err) => new InvalidObjectName(MESSAGES.invalidObjectName(err.reason)),
  ObjectTooLarge: () => new EntityTooLarge(MESSAGES.entityTooLarge),
  // A body whose SHA-256 is not the x-oss-content-sha256 it was signed with was changed after signing.
  ObjectDigestMismatch: (err) => (err.algorithm === 'sha256'
    ? new SignatureDoesNotMatch(MESSAGES.signatureDoesNotMatch)
    : new InvalidDigest(MESSAGES.invalidDigest)),
  ObjectIncomplete: () => new IncompleteBody(MESSAGES.incompleteBody),
};

export function fromBucketError(err: BucketError): OssError {
  const map = BUCKET_TO_OSS[err.code as BucketErrorCode] as (e: BucketError) => OssError;
  return map(err);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
