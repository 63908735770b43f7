/**
 * How an OSS request says who sends it, in each of the four forms OSS accepts:
 * - header V1: `Authorization: OSS <AccessKeyId>:<base64 HMAC-SHA1>` (ali-oss, oss2 `Auth`);
 * - header V4: `Authorization: OSS4-HMAC-SHA256 Credential=<AccessKeyId>/<yyyymmdd>/<region>/oss/aliyun_v4_request,
 *   AdditionalHeaders=<h1;h2>,Signature=<hex>` (ali-oss signUtils.authorizationV4, oss2 `AuthV4`);
 * - signed URL V1: `?OSSAccessKeyId=&Expires=&Signature=[&security-token=]` (ali-oss signatureUrl);
 * - signed URL V4: `?x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=&x-oss-date=&x-oss-expires=
 *   &x-oss-signature=[&x-oss-additional-headers=&x-oss-security-token=]` (ali-oss signatureUrlV4);
 * with STS credentials, the token in `x-oss-security-token` (header) or the query.
 *
 * Parsing only: `SignatureVerifier` is the seam where a verifier plugs in, given the parsed credentials, the request
 * as it arrived and the key's secret. With STRATA_AUTH=verify it is verifyOssSignature (signature.ts); otherwise
 * every well-formed signature is taken.
 */
import type { FastifyRequest } from 'fastify';
import type { HttpParts } from '../../auth/http-parts.js';

export interface OssCredentials {
  version: 'v1' | 'v4';
  /** Where the signature travels: the Authorization header, or the query of a signed URL. */
  carrier: 'header' | 'query';
  accessKeyId: string;
  signature: string;
  securityToken: string | undefined;
  /** V4's scope, its time (`x-oss-date`, header or query: yyyymmddThhmmssZ) and the headers it signs besides the default ones. */
  v4?: { date: string; region: string; service: string; signedAt: string | undefined; additionalHeaders: string[] };
  /** Signed URLs: when they stop being valid, epoch milliseconds. */
  expiresAt?: number;
}

export type ParsedAuth =
  | { kind: 'anonymous' }
  | { kind: 'signed'; credentials: OssCredentials }
  | { kind: 'malformed'; detail: string };

/** What a verifier needs of a request to rebuild the string OSS signs: the request as it arrived, and what it names. */
export interface SignedRequest extends HttpParts {
  bucket: string;
  key: string;
}

/** A signature that does not verify carries what OSS reports about it (StringToSign, …), as error fields. */
export type SignatureCheck = { valid: true } | { valid: false; fields: [string, string][] };

/** `secret` is undefined for keys whose secret Strata does not hold (only when signatures are not verified). */
export type SignatureVerifier = (request: SignedRequest, credentials: OssCredentials, secret: string | undefined) => SignatureCheck;

/** With verification off, every well-formed signature is taken. */
export const acceptEverySignature: SignatureVerifier = () => ({ valid: true });

export function parseOssAuth(request: FastifyRequest): ParsedAuth {
  const query = request.query as Record<string, string | undefined>;
  const header = request.headers.authorization;
  const headerToken = single(request.headers['x-oss-security-token']);
  if (typeof header === 'string' && header !== '') return parseHeader(header, headerToken, single(request.headers['x-oss-date']));
  if (query.OSSAccessKeyId !== undefined) return parseQueryV1(query);
  if (query['x-oss-signature-version'] !== undefined || query['x-oss-credential'] !== undefined) return parseQueryV4(query);
  return { kind: 'anonymous' };
}

function parseHeader(header: string, securityToken: string | undefined, signedAt: string | undefined): ParsedAuth {
  const v1 = /^OSS ([^:\s]+):(\S+)$/.exec(header);
  if (v1) return signed({ version: 'v1', carrier: 'header', accessKeyId: v1[1]!, signature: v1[2]!, securityToken });
  const v4 = /^OSS4-HMAC-SHA256 (.+)$/.exec(header);
  if (!v4) return { kind: 'malformed', detail: 'it is neither "OSS <AccessKeyId>:<Signature>" nor "OSS4-HMAC-SHA256 Credential=…"' };
  const fields = new Map<string, string>();
  for (const part of v4[1]!.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const scope = parseCredential(fields.get('Credential'));
  const signature = fields.get('Signature');
  if (!scope || !signature) return { kind: 'malformed', detail: 'OSS4-HMAC-SHA256 needs Credential=<AccessKeyId>/<date>/<region>/oss/aliyun_v4_request and Signature=' };
  return signed({
    version: 'v4', carrier: 'header', accessKeyId: scope.accessKeyId, signature, securityToken,
    v4: { ...scope.v4, signedAt, additionalHeaders: splitHeaders(fields.get('AdditionalHeaders')) },
  });
}

function parseQueryV1(query: Record<string, string | undefined>): ParsedAuth {
  const { OSSAccessKeyId: accessKeyId, Expires: expires, Signature: signature } = query;
  if (!accessKeyId || !signature || !expires || !/^\d+$/.test(expires)) {
    return { kind: 'malformed', detail: 'a signed URL needs OSSAccessKeyId, Expires (epoch seconds) and Signature' };
  }
  return signed({
    version: 'v1', carrier: 'query', accessKeyId, signature, securityToken: query['security-token'], expiresAt: Number(expires) * 1000,
  });
}

function parseQueryV4(query: Record<string, string | undefined>): ParsedAuth {
  const scope = parseCredential(query['x-oss-credential']);
  const signature = query['x-oss-signature'];
  const date = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(query['x-oss-date'] ?? '');
  const expires = query['x-oss-expires'];
  if (query['x-oss-signature-version'] !== 'OSS4-HMAC-SHA256' || !scope || !signature || !date || !expires || !/^\d+$/.test(expires)) {
    return { kind: 'malformed', detail: 'a V4 signed URL needs x-oss-signature-version=OSS4-HMAC-SHA256, x-oss-credential, x-oss-date, x-oss-expires and x-oss-signature' };
  }
  const signedAt = Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!);
  return signed({
    version: 'v4', carrier: 'query', accessKeyId: scope.accessKeyId, signature, securityToken: query['x-oss-security-token'],
    v4: { ...scope.v4, signedAt: query['x-oss-date'], additionalHeaders: splitHeaders(query['x-oss-additional-headers']) },
    expiresAt: signedAt + Number(expires) * 1000,
  });
}

/** `<AccessKeyId>/<yyyymmdd>/<region>/oss/aliyun_v4_request`. */
function parseCredential(value: string | undefined) {
  const m = /^([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aliyun_v4_request$/.exec(value ?? '');
  return m ? { accessKeyId: m[1]!, v4: { date: m[2]!, region: m[3]!, service: m[4]! } } : undefined;
}

function splitHeaders(value: string | undefined): string[] {
  return (value ?? '').split(';').map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
}

function signed(credentials: OssCredentials): ParsedAuth {
  return { kind: 'signed', credentials };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
