/**
 * AWS Signature Version 4 as a service checks it, in pure functions: the header form
 * (`Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`) and the query (presigned) form
 * (`X-Amz-Algorithm=…&X-Amz-Credential=…`).
 *
 * The canonical request follows the SigV4 spec for services other than S3
 * (docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html): the path as the client sent it, with dot
 * segments and empty segments removed and each segment URI-encoded once more (so an ARN sent as
 * `arn%3Aaws%3A…` is signed as `arn%253Aaws%253A…`, as @smithy/signature-v4 and botocore's SigV4Auth both do).
 * Checked against AWS's SigV4 test suite (test/unit/auth/sigv4.test.ts).
 *
 * Verification runs in two steps so that a request is refused before its body is read when its head already
 * says it is refused: `checkHead` (the header's form, the key, the token, the scope and the clock), then, once
 * the body's SHA-256 is known, `checkSignature`. The error texts are AWS's (see ../routes/aws/errors.ts).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { type HttpParts, header, queryPairs, rfc3986 } from './http-parts.js';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** X-Amz-Expires may be at most a week (SigV4 query authentication). */
const MAX_PRESIGN_SECONDS = 604_800;

export type SigV4Failure =
  /** Nothing that looks like a signature: MissingAuthenticationTokenException. */
  | { kind: 'missing'; message: string }
  /** A signature with parts missing or malformed: IncompleteSignatureException. */
  | { kind: 'incomplete'; message: string }
  /** A key, or a session token, Strata does not know: UnrecognizedClientException. */
  | { kind: 'unrecognized'; message: string }
  /** Anything else that does not verify (scope, clock, signature): InvalidSignatureException. */
  | { kind: 'invalid'; message: string };

export const TEXTS = {
  missing: 'Missing Authentication Token',
  unrecognized: 'The security token included in the request is invalid.',
  mismatch:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
};

export interface SigV4Key {
  secret: string;
  sessionToken: string | undefined;
}

export interface SigV4Context {
  /** The service the scope must name (`lambda`). */
  service: string;
  /** Why a scope's region is refused, or undefined when it is accepted. */
  regionProblem: (region: string) => string | undefined;
  lookup: (accessKeyId: string) => SigV4Key | undefined;
  /** Epoch milliseconds. */
  now: number;
  maxSkewSeconds: number;
}

/** A request whose head passed: what the signature check needs. */
export interface PendingSigV4 {
  form: 'header' | 'query';
  accessKeyId: string;
  region: string;
  /** `YYYYMMDDTHHMMSSZ`. */
  amzDate: string;
  scope: string;
  signedHeaders: string[];
  signature: string;
  /** x-amz-content-sha256 as sent, if it was. */
  declaredPayload: string | undefined;
  secret: string;
}

export type HeadResult = { ok: true; pending: PendingSigV4 } | { ok: false; failure: SigV4Failure };

/** Everything but the signature itself. */
export function checkHead(parts: HttpParts, ctx: SigV4Context): HeadResult {
  const query = new Map(queryPairs(parts.rawQuery));
  const authorization = header(parts, 'authorization');
  if (authorization === undefined && !query.has('X-Amz-Algorithm')) return fail('missing', TEXTS.missing);
  const parsed = authorization !== undefined ? parseHeaderForm(authorization, parts) : parseQueryForm(query);
  if ('kind' in parsed) return { ok: false, failure: parsed };

  const key = ctx.lookup(parsed.accessKeyId);
  if (!key) return fail('unrecognized', TEXTS.unrecognized);
  const token = parsed.form === 'header' ? header(parts, 'x-amz-security-token') : query.get('X-Amz-Security-Token');
  // A temporary key needs its token, and a long-term key takes none: either way AWS's answer is the same.
  if ((token ?? undefined) !== key.sessionToken) return fail('unrecognized', TEXTS.unrecognized);

  const scopeProblems = [
    ctx.regionProblem(parsed.region),
    parsed.service === ctx.service ? undefined : `Credential should be scoped to correct service: '${ctx.service}'. `,
    parsed.terminator === 'aws4_request' ? undefined : `Credential should be scoped with a valid terminator: 'aws4_request', not '${parsed.terminator}'. `,
    parsed.scopeDate === parsed.amzDate.slice(0, 8)
      ? undefined
      : `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parsed.scopeDate}' != '${parsed.amzDate.slice(0, 8)}', from '${parsed.amzDate}'.`,
  ].filter((p): p is string => p !== undefined);
  if (scopeProblems.length > 0) return fail('invalid', scopeProblems.join('').trim());

  if (!parsed.signedHeaders.includes('host')) {
    return fail('invalid', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  // Every x-amz-* header the request carries must be signed: one added after signing is refused (SDKs sign them all).
  if (parsed.form === 'header') {
    for (const name of parts.headers.keys()) {
      if (name.startsWith('x-amz-') && !parsed.signedHeaders.includes(name)) {
        return fail('invalid', `'${name}' must be a 'SignedHeader' in the AWS Authorization.`);
      }
    }
  }

  const signedAt = parseAmzDate(parsed.amzDate)!;
  const skew = ctx.maxSkewSeconds;
  if (parsed.form === 'query') {
    if (ctx.now > signedAt + parsed.expires! * 1000) {
      return fail('invalid', `Signature expired: ${parsed.amzDate} is now earlier than ${amzDate(ctx.now - parsed.expires! * 1000)} (${amzDate(ctx.now)} - ${minutes(parsed.expires!)} min.)`);
    }
  } else if (signedAt < ctx.now - skew * 1000) {
    return fail('invalid', `Signature expired: ${parsed.amzDate} is now earlier than ${amzDate(ctx.now - skew * 1000)} (${amzDate(ctx.now)} - ${minutes(skew)} min.)`);
  }
  if (signedAt > ctx.now + skew * 1000) {
    return fail('invalid', `Signature not yet current: ${parsed.amzDate} is still later than ${amzDate(ctx.now + skew * 1000)} (${amzDate(ctx.now)} + ${minutes(skew)} min.)`);
  }
  return {
    ok: true,
    pending: {
      form: parsed.form,
      accessKeyId: parsed.accessKeyId,
      region: parsed.region,
      amzDate: parsed.amzDate,
      scope: `${parsed.scopeDate}/${parsed.region}/${parsed.service}/${parsed.terminator}`,
      signedHeaders: parsed.signedHeaders,
      signature: parsed.signature,
      declaredPayload: parsed.form === 'header' ? header(parts, 'x-amz-content-sha256') : query.get('X-Amz-Content-Sha256'),
      secret: key.secret,
    },
  };
}

/** The signature, given the SHA-256 (hex) of the body exactly as received. */
export function checkSignature(parts: HttpParts, pending: PendingSigV4, bodySha256: string): SigV4Failure | undefined {
  const declared = pending.declaredPayload;
  const candidates: string[] = [];
  if (declared === undefined) {
    candidates.push(bodySha256);
    // Presigned URLs of S3-style presigners sign no payload.
    if (pending.form === 'query') candidates.push('UNSIGNED-PAYLOAD');
  } else if (/^[0-9a-f]{64}$/.test(declared)) {
    // A declared hash must be the body's: otherwise a body changed after signing would verify.
    if (declared !== bodySha256) return { kind: 'invalid', message: TEXTS.mismatch };
    candidates.push(declared);
  } else if (declared === 'UNSIGNED-PAYLOAD' && pending.form === 'query') {
    candidates.push(declared);
  } else {
    return { kind: 'invalid', message: TEXTS.mismatch };
  }
  const given = Buffer.from(pending.signature, 'utf8');
  for (const payload of candidates) {
    const creq = canonicalRequest(parts, pending.signedHeaders, payload, pending.form === 'query' ? 'X-Amz-Signature' : undefined);
    const expected = Buffer.from(signatureOf(pending.secret, pending.scope, stringToSign(pending.amzDate, pending.scope, creq)), 'utf8');
    if (expected.length === given.length && timingSafeEqual(expected, given)) return undefined;
  }
  return { kind: 'invalid', message: TEXTS.mismatch };
}

// ---------------------------------------------------------------------------------------------------------
// The algorithm

/** Non-S3 canonical URI: dot and empty segments removed, each segment URI-encoded (again). */
export function canonicalUri(rawPath: string): string {
  const segments: string[] = [];
  for (const s of rawPath.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') segments.pop();
    else segments.push(s);
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return `/${segments.map(rfc3986).join('/')}${trailing}`;
}

/** Parameters decoded, encoded again the one RFC 3986 way, sorted by name then value. */
export function canonicalQuery(rawQuery: string, exclude?: string): string {
  return queryPairs(rawQuery)
    .filter(([k]) => k !== exclude)
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** `name:value\n` per signed header: values trimmed, inner runs of spaces collapsed, repeats joined by commas. */
export function canonicalHeaders(parts: HttpParts, signedHeaders: readonly string[]): string {
  return signedHeaders
    .map((name) => `${name}:${(parts.headers.get(name) ?? []).map((v) => v.trim().replace(/\s+/g, ' ')).join(',')}\n`)
    .join('');
}

export function canonicalRequest(parts: HttpParts, signedHeaders: readonly string[], payloadHash: string, excludeParam?: string): string {
  return [
    parts.method,
    canonicalUri(parts.rawPath),
    canonicalQuery(parts.rawQuery, excludeParam),
    canonicalHeaders(parts, signedHeaders),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [ALGORITHM, amzDate, scope, createHash('sha256').update(canonical, 'utf8').digest('hex')].join('\n');
}

/** `scope` is `yyyymmdd/region/service/aws4_request`. */
export function signatureOf(secret: string, scope: string, toSign: string): string {
  const [date, region, service, terminator] = scope.split('/') as [string, string, string, string];
  let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  for (const part of [region, service, terminator]) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
}

// ---------------------------------------------------------------------------------------------------------
// Parsing the two forms

interface Parsed {
  form: 'header' | 'query';
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  /** Query form only. */
  expires?: number;
}

function parseHeaderForm(authorization: string, parts: HttpParts): Parsed | SigV4Failure {
  const space = authorization.indexOf(' ');
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM) return { kind: 'incomplete', message: `Unsupported AWS 'algorithm': '${algorithm}'.` };
  const fields = new Map<string, string>();
  for (const item of authorization.slice(space + 1).split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = item.indexOf('=');
    if (eq < 0) {
      return { kind: 'incomplete', message: `'${item}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'` };
    }
    fields.set(item.slice(0, eq), item.slice(eq + 1));
  }
  const date = header(parts, 'x-amz-date') ?? header(parts, 'date');
  const missing = [
    fields.has('Credential') ? '' : "Authorization header requires 'Credential' parameter. ",
    fields.has('Signature') ? '' : "Authorization header requires 'Signature' parameter. ",
    fields.has('SignedHeaders') ? '' : "Authorization header requires 'SignedHeaders' parameter. ",
    date !== undefined ? '' : "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ",
  ].join('');
  if (missing !== '') return { kind: 'incomplete', message: `${missing}Authorization=${authorization}` };
  return finish('header', fields.get('Credential')!, fields.get('SignedHeaders')!, fields.get('Signature')!, date!);
}

function parseQueryForm(query: Map<string, string>): Parsed | SigV4Failure {
  const required = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'];
  if (required.some((p) => !query.has(p))) {
    return {
      kind: 'incomplete',
      message: `AWS query-string parameters must include ${required.map((p) => `'${p}'`).join(', ')}. Re-examine the query-string parameters.`,
    };
  }
  if (query.get('X-Amz-Algorithm') !== ALGORITHM) {
    return { kind: 'incomplete', message: `Unsupported AWS 'algorithm': '${query.get('X-Amz-Algorithm')}'.` };
  }
  const expiresText = query.get('X-Amz-Expires')!;
  if (!/^\d{1,7}$/.test(expiresText) || Number(expiresText) > MAX_PRESIGN_SECONDS) {
    return { kind: 'incomplete', message: `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_PRESIGN_SECONDS}` };
  }
  const parsed = finish('query', query.get('X-Amz-Credential')!, query.get('X-Amz-SignedHeaders')!, query.get('X-Amz-Signature')!, query.get('X-Amz-Date')!);
  if ('kind' in parsed) return parsed;
  return { ...parsed, expires: Number(expiresText) };
}

function finish(form: 'header' | 'query', credential: string, signedHeaders: string, signature: string, date: string): Parsed | SigV4Failure {
  const scope = credential.split('/');
  if (scope.length !== 5) {
    return {
      kind: 'incomplete',
      message: `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    };
  }
  const amzDate = parseAmzDate(date) !== undefined ? date : rfc1123ToAmz(date);
  if (amzDate === undefined) {
    return { kind: 'incomplete', message: `Date must be in ISO-8601 'basic format'. Got '${date}'. See http://en.wikipedia.org/wiki/ISO_8601` };
  }
  const [accessKeyId, scopeDate, region, service, terminator] = scope as [string, string, string, string, string];
  return {
    form, accessKeyId, scopeDate, region, service, terminator, signature, amzDate,
    signedHeaders: signedHeaders.split(';').map((h) => h.trim().toLowerCase()).filter((h) => h !== ''),
  };
}

/** `YYYYMMDDTHHMMSSZ` → epoch milliseconds, or undefined. */
export function parseAmzDate(text: string): number | undefined {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(text);
  if (!m) return undefined;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(t) ? undefined : t;
}

/** A `Date:` header (RFC 1123) in the basic ISO-8601 form SigV4 signs. */
function rfc1123ToAmz(text: string): string | undefined {
  if (!/^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/.test(text)) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : amzDate(t);
}

export function amzDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/[-:]/g, '').replace('.000', '');
}

function minutes(seconds: number): string {
  return String(Math.round((seconds / 60) * 100) / 100);
}

function fail(kind: SigV4Failure['kind'], message: string): HeadResult {
  return { ok: false, failure: { kind, message } };
}
