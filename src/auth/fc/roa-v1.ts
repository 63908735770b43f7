/**
 * The ROA signature `acs <ak>:<base64 HMAC-SHA1>` of tea-roa (Terraform's alicloud provider) and of
 * @alicloud/openapi-client with `signatureAlgorithm: 'v2'` (docs/specs/fc-layers.md §4.3: alibabacloud-go/tea-roa-utils
 * getSignedStr; @alicloud/openapi-util getStringToSign).
 */
import { createHmac } from 'node:crypto';
import { type HttpParts, header, queryPairs } from '../http-parts.js';

export interface KeyAndSignature {
  accessKeyId: string;
  signature: string;
}

/** `acs <ak>:<signature>` (or `FC <ak>:<signature>` with the scheme given), or undefined. */
export function parseKeyColonSignature(authorization: string, scheme: 'acs' | 'FC'): KeyAndSignature | undefined {
  const m = new RegExp(`^${scheme} ([^:\\s]+):(\\S+)$`).exec(authorization);
  return m ? { accessKeyId: m[1]!, signature: m[2]! } : undefined;
}

/** Every `x-acs-*` header, lower-cased and sorted, `name:value\n` each (values trimmed, control whitespace as spaces). */
export function roaCanonicalHeaders(parts: HttpParts): string {
  return [...parts.headers.keys()]
    .filter((name) => name.startsWith('x-acs-'))
    .sort()
    .map((name) => `${name}:${(parts.headers.get(name) ?? []).join(',').replace(/[\t\n\r\f]/g, ' ').trim()}\n`)
    .join('');
}

/**
 * The path as sent, then `?` and the parameters sorted, with their values not encoded (CAP #6: `nextToken=a b`).
 * A parameter without a value is `name` in Go's tea-roa and `name=` in the JS one: `emptyAs` picks which.
 */
export function roaCanonicalResource(parts: HttpParts, emptyAs: 'name' | 'name='): string {
  const pairs = queryPairs(parts.rawQuery).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (pairs.length === 0) return parts.rawPath;
  return `${parts.rawPath}?${pairs.map(([k, v]) => (v === '' && emptyAs === 'name' ? k : `${k}=${v}`)).join('&')}`;
}

export function roaStringToSign(parts: HttpParts, resource: string): string {
  return [
    parts.method,
    header(parts, 'accept') ?? '',
    header(parts, 'content-md5') ?? '',
    header(parts, 'content-type') ?? '',
    header(parts, 'date') ?? '',
  ].join('\n') + '\n' + roaCanonicalHeaders(parts) + resource;
}

export function roaSignature(secret: string, stringToSign: string): string {
  return createHmac('sha1', secret).update(stringToSign, 'utf8').digest('base64');
}
