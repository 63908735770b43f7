/**
 * Alibaba Cloud's V3 signature, `ACS3-HMAC-SHA256`, as @alicloud/openapi-util (getAuthorization) and
 * @alicloud/openapi-core (utils.ts) compute it for @alicloud/fc-open20210406 and @alicloud/fc20230330
 * (docs/specs/fc-layers.md §4.2; checked against the captured requests of test/fixtures/fc/fc-vectors.json).
 */
import { createHash, createHmac } from 'node:crypto';
import { type HttpParts, queryPairs, rfc3986 } from '../http-parts.js';

export const ACS3 = 'ACS3-HMAC-SHA256';

export interface Acs3Authorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

/** `ACS3-HMAC-SHA256 Credential=<ak>,SignedHeaders=<h1;h2>,Signature=<hex>`, or undefined when malformed. */
export function parseAcs3(authorization: string): Acs3Authorization | undefined {
  if (!authorization.startsWith(`${ACS3} `)) return undefined;
  const fields = new Map<string, string>();
  for (const part of authorization.slice(ACS3.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKeyId || signedHeaders === undefined || !signature) return undefined;
  return { accessKeyId, signedHeaders: signedHeaders.split(';').map((h) => h.trim().toLowerCase()).filter((h) => h !== ''), signature };
}

/** The path as sent, with the SDK's three substitutions (`+` → `%20`, `*` → `%2A`, `%7E` → `~`). */
export function acs3CanonicalUri(rawPath: string): string {
  return rawPath.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
}

/** Parameters sorted by name, each `name=` + RFC 3986 value, joined by `&`. */
export function acs3CanonicalQuery(rawQuery: string): string {
  return queryPairs(rawQuery)
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

export function acs3CanonicalRequest(parts: HttpParts, signedHeaders: readonly string[], payloadSha256: string): string {
  const headers = signedHeaders
    .map((name) => `${name}:${[...(parts.headers.get(name) ?? [])].map((v) => v.trim()).sort().join(',')}\n`)
    .join('');
  return [
    parts.method,
    acs3CanonicalUri(parts.rawPath),
    acs3CanonicalQuery(parts.rawQuery),
    headers,
    signedHeaders.join(';'),
    payloadSha256,
  ].join('\n');
}

export function acs3StringToSign(canonicalRequest: string): string {
  return `${ACS3}\n${createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')}`;
}

export function acs3Signature(secret: string, stringToSign: string): string {
  return createHmac('sha256', secret).update(stringToSign, 'utf8').digest('hex');
}
