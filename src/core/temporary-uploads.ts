/**
 * The temporary upload bucket of Function Compute's big-package flow: FC hands a caller a bucket, an object name
 * under the caller's account and short-lived credentials for it; the caller uploads there and then publishes the
 * layer from that object.
 *
 * The credentials are derived, not stored: the security token carries its claims (key id, account, bucket, key
 * prefix, expiry) and an HMAC over them with a secret kept in the data directory, and the key secret is an HMAC
 * of the key id. So Strata recognises what it issued across restarts, until it expires, and a signature verifier
 * can recompute any issued key's secret.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export interface TemporaryGrant {
  bucket: string;
  /** The object name the caller is given; the object itself is `<account>/<objectName>`. */
  objectName: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface TokenClaims {
  accessKeyId: string;
  account: string;
  bucket: string;
  /** Keys the credentials may write: those starting with this. */
  keyPrefix: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export type TokenCheck =
  | { valid: true; claims: TokenClaims }
  | { valid: false; problem: 'unknown' | 'expired' | 'other-key'; claims?: TokenClaims };

export interface TemporaryUploadSettings {
  /** The bucket uploads go to. */
  bucket: string;
  /** How long issued credentials last. */
  credentialTtlSeconds: number;
  /** How long an uploaded object lasts. */
  objectTtlSeconds: number;
}

// Alibaba STS key ids start with `STS.` (sample `STS.N4b6c8d0e2****`, help.aliyun.com/zh/functioncompute/
// api-devs-2023-07-14-artifacttempbuckettoken) and its security tokens with `CAIS` (a token quoted in an OSS
// SecurityTokenExpired error, github.com/jxxghp/MoviePilot/issues/6295).
const KEY_PREFIX = 'STS.';
const TOKEN_PREFIX = 'CAIS';
const TOKEN_VERSION = '1';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class TemporaryUploads {
  constructor(private readonly secret: string, readonly settings: TemporaryUploadSettings) {}

  get bucket(): string {
    return this.settings.bucket;
  }

  /** Credentials for one upload into the caller's part of the temporary bucket. */
  issue(account: string, now = Date.now()): TemporaryGrant {
    const accessKeyId = KEY_PREFIX + randomToken(24);
    // Whole seconds (the expiry is reported to the second), rounded up: good for at least the TTL.
    const expiresAt = (Math.ceil(now / 1000) + this.settings.credentialTtlSeconds) * 1000;
    const claims: TokenClaims = { accessKeyId, account, bucket: this.bucket, keyPrefix: `${account}/`, expiresAt };
    return {
      bucket: this.bucket,
      objectName: randomUUID(),
      accessKeyId,
      accessKeySecret: this.secretOf(accessKeyId),
      securityToken: this.encode(claims),
      expiresAt,
    };
  }

  /** Whether `token` is one Strata issued to `accessKeyId`, and still valid. */
  check(token: string, accessKeyId: string | undefined, now = Date.now()): TokenCheck {
    const claims = this.decode(token);
    if (!claims) return { valid: false, problem: 'unknown' };
    if (accessKeyId !== undefined && accessKeyId !== claims.accessKeyId) return { valid: false, problem: 'other-key', claims };
    if (claims.expiresAt <= now) return { valid: false, problem: 'expired', claims };
    return { valid: true, claims };
  }

  /** Whether an access key id has the form of the ones Strata issues. */
  isTemporaryKey(accessKeyId: string): boolean {
    return accessKeyId.startsWith(KEY_PREFIX);
  }

  /** The secret of an issued key id, for verifying what it signed. */
  secretOf(accessKeyId: string): string {
    return createHmac('sha256', this.secret).update(`key-secret\n${accessKeyId}`).digest('base64url').slice(0, 30);
  }

  /** Whether an object of the temporary bucket written at `modifiedAt` has outlived its lifetime. */
  isExpired(modifiedAt: number, now = Date.now()): boolean {
    return modifiedAt + this.settings.objectTtlSeconds * 1000 <= now;
  }

  private encode(claims: TokenClaims): string {
    const payload = Buffer.from(
      [TOKEN_VERSION, claims.accessKeyId, claims.account, claims.bucket, claims.keyPrefix, String(claims.expiresAt)].join('\n'),
    ).toString('base64url');
    return `${TOKEN_PREFIX}${payload}.${this.mac(payload)}`;
  }

  private decode(token: string): TokenClaims | undefined {
    const m = /^CAIS([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return undefined;
    const expected = Buffer.from(this.mac(m[1]!));
    const given = Buffer.from(m[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const [version, accessKeyId, account, bucket, keyPrefix, expiresAt] = Buffer.from(m[1]!, 'base64url').toString().split('\n');
    if (version !== TOKEN_VERSION || !accessKeyId || !account || !bucket || keyPrefix === undefined || !expiresAt) return undefined;
    return { accessKeyId, account, bucket, keyPrefix, expiresAt: Number(expiresAt) };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(`token\n${payload}`).digest('base64url');
  }
}

function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHANUMERIC[b % ALPHANUMERIC.length];
  return out;
}
