/**
 * Who may do what on the object endpoint. Every bucket is private, as OSS buckets are by default: anonymous
 * requests are refused. A Strata-issued temporary credential (GET /2016-08-15/tempBucketToken) reaches only its
 * account's part of the temporary bucket, and nothing else does; any other key reaches the users' buckets.
 * The order follows OSS: credentials first, then the bucket and object names, then permissions.
 */
import type { FastifyRequest } from 'fastify';
import type { TemporaryUploads, TokenClaims } from '../../core/temporary-uploads.js';
import { isBucketName, resolveTarget, type Target } from './addressing.js';
import { parseOssAuth, type OssCredentials, type SignatureVerifier } from './auth.js';
import {
  AccessDenied, InvalidAccessKeyId, InvalidArgument, InvalidBucketName, MESSAGES, SecurityTokenExpired,
  SignatureDoesNotMatch,
} from './errors.js';

export interface Access {
  target: Target;
  credentials: OssCredentials;
  /** Set for a Strata-issued temporary credential. */
  claims: TokenClaims | undefined;
}

export interface AccessOptions {
  temporary: TemporaryUploads;
  domains: readonly string[];
  verifySignature: SignatureVerifier;
}

export function authorize(request: FastifyRequest, opts: AccessOptions, now = Date.now()): Access {
  const parsed = parseOssAuth(request);
  if (parsed.kind === 'malformed') throw new InvalidArgument(MESSAGES.badAuthorization(parsed.detail));
  if (parsed.kind === 'anonymous') throw new AccessDenied(MESSAGES.noRight);
  const { credentials } = parsed;
  const claims = checkToken(credentials, opts.temporary, now);
  if (credentials.expiresAt !== undefined && credentials.expiresAt < now) {
    throw new AccessDenied(MESSAGES.requestExpired)
      .with('Expires', new Date(credentials.expiresAt).toISOString())
      .with('ServerTime', new Date(now).toISOString());
  }

  // The decoded path (Fastify's wildcard parameter) without its leading slash.
  const path = (request.params as { '*': string })['*'];
  const target = resolveTarget(request.headers.host ?? '', path, opts.domains, claims?.bucket);
  if (target.bucket !== '' && !isBucketName(target.bucket)) {
    throw new InvalidBucketName(MESSAGES.invalidBucketName).with('BucketName', target.bucket);
  }

  const secret = opts.temporary.isTemporaryKey(credentials.accessKeyId) ? opts.temporary.secretOf(credentials.accessKeyId) : undefined;
  const signed = {
    method: request.method, rawPath: request.url.split('?')[0]!, query: request.query as Record<string, string>,
    headers: request.headers, bucket: target.bucket, key: target.key,
  };
  if (!opts.verifySignature(signed, credentials, secret)) {
    throw new SignatureDoesNotMatch(MESSAGES.signatureDoesNotMatch).with('OSSAccessKeyId', credentials.accessKeyId);
  }

  if (claims) {
    if (target.bucket !== claims.bucket) throw new AccessDenied(MESSAGES.otherBucket);
    if (!target.key.startsWith(claims.keyPrefix)) throw new AccessDenied(MESSAGES.noRight);
  } else if (target.bucket === opts.temporary.bucket) {
    // The temporary bucket is Function Compute's, not the user's.
    throw new AccessDenied(MESSAGES.otherBucket);
  }
  return { target, credentials, claims };
}

/** The claims of a Strata-issued security token; a temporary key id without its valid token is unknown. */
function checkToken(credentials: OssCredentials, temporary: TemporaryUploads, now: number): TokenClaims | undefined {
  const unknownKey = () => new InvalidAccessKeyId(MESSAGES.invalidAccessKeyId).with('OSSAccessKeyId', credentials.accessKeyId);
  if (credentials.securityToken === undefined) {
    if (temporary.isTemporaryKey(credentials.accessKeyId)) throw unknownKey();
    return undefined;
  }
  const check = temporary.check(credentials.securityToken, credentials.accessKeyId, now);
  if (check.valid) return check.claims;
  if (check.problem === 'expired') throw new SecurityTokenExpired(MESSAGES.tokenExpired).with('SecurityToken', credentials.securityToken);
  throw unknownKey();
}
