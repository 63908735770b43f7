/**
 * The `FC <ak>:<base64 HMAC-SHA256>` signature of the 2016-08-15 SDKs (@alicloud/fc2 lib/client.js getSignature,
 * fc-go-sdk signature.go, fc-python-sdk fc2/auth.py; docs/specs/fc-layers.md §4.1). Layer calls sign the path only,
 * never the query. The SDKs disagree on the path's spelling (fc2 and Go sign it encoded, Python decoded), so a
 * verifier tries both (`fcResources`).
 */
import { createHmac } from 'node:crypto';
import { type HttpParts, decode, header } from '../http-parts.js';

/** Every `x-fc-*` header, lower-cased and sorted by name, `name:value\n` each, values as sent. */
export function fcCanonicalHeaders(parts: HttpParts): string {
  return [...parts.headers.keys()]
    .filter((name) => name.startsWith('x-fc-'))
    .sort()
    .map((name) => `${name}:${(parts.headers.get(name) ?? []).join(',')}\n`)
    .join('');
}

/** The resources a valid signature may have signed: the path as sent, and fully decoded when that differs. */
export function fcResources(parts: HttpParts): string[] {
  const decoded = decode(parts.rawPath);
  return decoded === parts.rawPath ? [parts.rawPath] : [parts.rawPath, decoded];
}

export function fcStringToSign(parts: HttpParts, resource: string): string {
  return [
    parts.method,
    header(parts, 'content-md5') ?? '',
    header(parts, 'content-type') ?? '',
    // fc-java-sdk copies x-fc-date into Date before signing (FcSignatureComposer refreshSignParameters).
    header(parts, 'date') ?? header(parts, 'x-fc-date') ?? '',
  ].join('\n') + '\n' + fcCanonicalHeaders(parts) + resource;
}

export function fcSignature(secret: string, stringToSign: string): string {
  return createHmac('sha256', secret).update(stringToSign, 'utf8').digest('base64');
}
