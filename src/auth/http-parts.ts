/**
 * What the signature schemes read of a request, taken as it arrived: the path and query with their
 * percent-encoding untouched, and every header line (name lower-cased, repeated headers kept apart).
 */
import type { FastifyRequest } from 'fastify';

export interface HttpParts {
  method: string;
  /** The path as received, before any percent-decoding. */
  rawPath: string;
  /** The query string as received, without the `?` ('' when there is none). */
  rawQuery: string;
  /** Lower-cased header name → its values, in the order they arrived. */
  headers: ReadonlyMap<string, readonly string[]>;
}

export function httpPartsOf(request: FastifyRequest): HttpParts {
  // Node gives the request target as latin1 text: bytes above 0x7f (unencoded UTF-8) are restored as UTF-8.
  const url = /[^\x00-\x7f]/.test(request.raw.url ?? '') ? Buffer.from(request.raw.url!, 'latin1').toString('utf8') : request.raw.url ?? '/';
  const q = url.indexOf('?');
  const headers = new Map<string, string[]>();
  const raw = request.raw.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const list = headers.get(name);
    if (list) list.push(raw[i + 1]!);
    else headers.set(name, [raw[i + 1]!]);
  }
  return {
    method: request.raw.method ?? 'GET',
    rawPath: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    headers,
  };
}

/** The first value of a header, or undefined. */
export function header(parts: HttpParts, name: string): string | undefined {
  return parts.headers.get(name)?.[0];
}

/**
 * The raw query as ordered (name, value) pairs, percent-decoded; a malformed escape is kept as written. With
 * `plusAsSpace`, a `+` is a space first (form encoding, which OSS reads: Go's url.Values sends spaces as `+`).
 */
export function queryPairs(rawQuery: string, opts: { plusAsSpace?: boolean } = {}): [string, string][] {
  if (rawQuery === '') return [];
  const dec = opts.plusAsSpace ? (s: string) => decode(s.replace(/\+/g, ' ')) : decode;
  return rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? [dec(p), ''] : [dec(p.slice(0, eq)), dec(p.slice(eq + 1))];
    });
}

export function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** RFC 3986 encoding (what both clouds' canonical forms use): encodeURIComponent plus `!'()*`. */
export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
