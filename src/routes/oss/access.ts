/**
 * Who may do what on the object endpoint. Every bucket is private, as OSS buckets are by default: anonymous
 * requests are refused. A Strata-issued temporary credential (GET /2016-08-15/tempBucketToken) reaches only its
 * account's part of the temporary bucket, and nothing else does; any other key reaches the users' buckets.
 * The order follows OSS: credentials first, then the bucket and object names, then the signature, then permissions.
 *
 * With STRATA_AUTH=verify the key must be known: an `fc` key of STRATA_CREDENTIALS (its secret signs, and an STS
 * entry's token must come with it), or a temporary key Strata issued (its secret derived from the key id,
 * TemporaryUploads.secretOf); the request's time must be within the skew; the signature must verify; and a body
 * signed with its SHA-256 (V4 `x-oss-content-sha256`) must have it. Otherwise only Strata's own tokens are checked.
 */
import type { FastifyRequest } from 'fastify';
import type { CredentialStore } from '../../auth/credentials.js';
import { header, httpPartsOf, type HttpParts } from '../../auth/http-parts.js';
import { EMPTY_SHA256 } from '../../auth/sigv4.js';
import { UNSIGNED_PAYLOAD } from '../../auth/oss-v4.js';
import type { TemporaryUploads, TokenClaims } from '../../core/temporary-uploads.js';
import { isBucketName, resolveTarget, type Target } from './addressing.js';
import { parseOssAuth, type OssCredentials, type SignatureVerifier } from './auth.js';
import {
  AccessDenied, InvalidAccessKeyId, InvalidArgument, InvalidBucketName, InvalidSecurityToken, MESSAGES,
  RequestTimeTooSkewed, SecurityTokenExpired, SignatureDoesNotMatch,
} from './errors.js';

export interface Access {
  target: Target;
  credentials: OssCredentials;
  /** Set for a Strata-issued temporary credential. */
  claims: TokenClaims | undefined;
  /** The SHA-256 the body was signed with (V4), which an upload must then have. */
  payloadSha256: Buffer | undefined;
}

export interface AccessOptions {
  temporary: TemporaryUploads;
  domains: readonly string[];
  verifySignature: SignatureVerifier;
  /** Set when signatures are verified: the long-term keys, and how far a request's time may be off. */
  verify: { keys: CredentialStore; maxSkewSeconds: number } | undefined;
}

interface Key {
  claims: TokenClaims | undefined;
  secret: string | undefined;
}

export function authorize(request: FastifyRequest, opts: AccessOptions, now = Date.now()): Access {
  const parsed = parseOssAuth(request);
  if (parsed.kind === 'malformed') throw new InvalidArgument(MESSAGES.badAuthorization(parsed.detail));
  if (parsed.kind === 'anonymous') throw new AccessDenied(MESSAGES.noRight);
  const { credentials } = parsed;
  const { claims, secret } = opts.verify ? knownKey(credentials, opts.temporary, opts.verify.keys, now) : tokenOnly(credentials, opts.temporary, now);
  if (credentials.expiresAt !== undefined && credentials.expiresAt < now) {
    throw new AccessDenied(MESSAGES.requestExpired)
      .with('Expires', new Date(credentials.expiresAt).toISOString())
      .with('ServerTime', new Date(now).toISOString());
  }
  const parts = httpPartsOf(request);
  if (opts.verify && credentials.carrier === 'header') checkClock(parts, credentials, now, opts.verify.maxSkewSeconds);

  // The decoded path (Fastify's wildcard parameter) without its leading slash.
  const path = (request.params as { '*': string })['*'];
  const target = resolveTarget(request.headers.host ?? '', path, opts.domains, claims?.bucket);
  if (target.bucket !== '' && !isBucketName(target.bucket)) {
    throw new InvalidBucketName(MESSAGES.invalidBucketName).with('BucketName', target.bucket);
  }

  const check = opts.verifySignature({ ...parts, bucket: target.bucket, key: target.key }, credentials, secret);
  if (!check.valid) throw withFields(new SignatureDoesNotMatch(MESSAGES.signatureDoesNotMatch), check.fields);
  const payloadSha256 = opts.verify ? signedPayload(parts) : undefined;

  if (claims) {
    if (target.bucket !== claims.bucket) throw new AccessDenied(MESSAGES.otherBucket);
    if (!target.key.startsWith(claims.keyPrefix)) throw new AccessDenied(MESSAGES.noRight);
  } else if (target.bucket === opts.temporary.bucket) {
    // The temporary bucket is Function Compute's, not the user's.
    throw new AccessDenied(MESSAGES.otherBucket);
  }
  return { target, credentials, claims, payloadSha256 };
}

const unknownKey = (credentials: OssCredentials) =>
  new InvalidAccessKeyId(MESSAGES.invalidAccessKeyId).with('OSSAccessKeyId', credentials.accessKeyId);

/**
 * Verification on: a key of STRATA_CREDENTIALS, or one Strata issued. A long-term key sent with a security token
 * is taken for an STS key, which does not exist (OSS EC 0002-00000002: "STS请求中的AccessKey ID不存在", a RAM
 * user's key sent with a token among its causes); an STS entry's key without its token likewise ("Without
 * x-oss-security-token, OSS cannot validate the STS credential", InvalidAccessKeyId, doc cited in errors.ts);
 * with another token, the token is invalid (EC 0002-00000006).
 */
function knownKey(credentials: OssCredentials, temporary: TemporaryUploads, keys: CredentialStore, now: number): Key {
  const stored = keys.lookup('fc', credentials.accessKeyId);
  if (stored) {
    const token = credentials.securityToken;
    if (token !== stored.sessionToken) {
      if (stored.sessionToken === undefined || token === undefined) throw unknownKey(credentials);
      throw new InvalidSecurityToken(MESSAGES.tokenInvalid).with('SecurityToken', token);
    }
    return { claims: undefined, secret: stored.secret };
  }
  if (!temporary.isTemporaryKey(credentials.accessKeyId)) throw unknownKey(credentials);
  return { claims: checkToken(credentials, temporary, now), secret: temporary.secretOf(credentials.accessKeyId) };
}

/** Verification off: only Strata's own tokens are checked (the temporary bucket's boundaries hold either way). */
function tokenOnly(credentials: OssCredentials, temporary: TemporaryUploads, now: number): Key {
  const claims = checkToken(credentials, temporary, now);
  return { claims, secret: claims ? temporary.secretOf(credentials.accessKeyId) : undefined };
}

/** The claims of a Strata-issued security token; a temporary key id without its token is unknown. */
function checkToken(credentials: OssCredentials, temporary: TemporaryUploads, now: number): TokenClaims | undefined {
  if (credentials.securityToken === undefined) {
    if (temporary.isTemporaryKey(credentials.accessKeyId)) throw unknownKey(credentials);
    return undefined;
  }
  const check = temporary.check(credentials.securityToken, credentials.accessKeyId, now);
  if (check.valid) return check.claims;
  if (check.problem === 'expired') throw new SecurityTokenExpired(MESSAGES.tokenExpired).with('SecurityToken', credentials.securityToken);
  // A token issued to another key: that key id is not the token's, so it does not exist (EC 0002-00000002).
  if (check.problem === 'other-key') throw unknownKey(credentials);
  throw new InvalidSecurityToken(MESSAGES.tokenInvalid).with('SecurityToken', credentials.securityToken);
}

/**
 * A header signature's time: `x-oss-date`, else `Date` (V1), within the skew. OSS allows 15 minutes ("如果请求中的
 * DATE时间和OSS服务器的时间差正负15分钟以上,OSS服务器将拒绝该服务", the V1 signature doc) and reports
 * MaxAllowedSkewMilliseconds, RequestTime and ServerTime (aliyun/aliyun-oss-android-sdk#167).
 */
function checkClock(parts: HttpParts, credentials: OssCredentials, now: number, maxSkewSeconds: number): void {
  const at = credentials.version === 'v4' ? parseIsoBasic(credentials.v4?.signedAt) : parseHttpDate(header(parts, 'x-oss-date') ?? header(parts, 'date'));
  if (at === undefined) throw new AccessDenied(MESSAGES.noDate);
  if (Math.abs(now - at) > maxSkewSeconds * 1000) {
    throw new RequestTimeTooSkewed(MESSAGES.skewed)
      .with('MaxAllowedSkewMilliseconds', String(maxSkewSeconds * 1000))
      .with('RequestTime', new Date(at).toISOString())
      .with('ServerTime', new Date(now).toISOString());
  }
}

/**
 * `x-oss-content-sha256` when it is a SHA-256 rather than UNSIGNED-PAYLOAD: the body must have it. A request with
 * no body (anything but PUT here) must have signed the empty body's.
 */
function signedPayload(parts: HttpParts): Buffer | undefined {
  const declared = header(parts, 'x-oss-content-sha256');
  if (declared === undefined || declared === UNSIGNED_PAYLOAD) return undefined;
  const refused = () => new SignatureDoesNotMatch(MESSAGES.signatureDoesNotMatch).with('x-oss-content-sha256', declared);
  if (!/^[0-9a-fA-F]{64}$/.test(declared)) throw refused();
  if (parts.method !== 'PUT' && declared.toLowerCase() !== EMPTY_SHA256) throw refused();
  return Buffer.from(declared, 'hex');
}

function withFields<E extends SignatureDoesNotMatch>(err: E, fields: [string, string][]): E {
  for (const [name, value] of fields) err.with(name, value);
  return err;
}

/** `Sat, 21 Nov 2026 05:29:22 GMT`. */
function parseHttpDate(text: string | undefined): number | undefined {
  if (text === undefined || !/^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/.test(text)) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

/** `20261121T052922Z`. */
function parseIsoBasic(text: string | undefined): number | undefined {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(text ?? '');
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined;
}
