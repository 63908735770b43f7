/**
 * SigV4 for the `STRATA_AUTH=verify` column of `npm run bench`: each request is signed before its clock starts, so
 * what that column adds over the plain one is the server's verification (hashing the body as it streams, the HMACs).
 */
import { createHash } from 'node:crypto';
import { amzDate, canonicalRequest, signatureOf, stringToSign } from '../src/auth/sigv4.js';

const BENCH_KEY = { id: 'AKIDBENCH', secret: 'bench-secret', account: '111122223333' };

/** The settings of a Strata that verifies the bench's key. */
export const VERIFY_ENV = {
  STRATA_AUTH: 'verify', STRATA_CREDENTIALS: `aws:${BENCH_KEY.id}:${BENCH_KEY.secret}:${BENCH_KEY.account}`,
};

/** The headers that sign a JSON POST of `body` to `path` on 127.0.0.1:`port`. */
export function sigv4Headers(port: number, path: string, body: Buffer): Record<string, string> {
  const date = amzDate(Date.now());
  const scope = `${date.slice(0, 8)}/us-east-1/lambda/aws4_request`;
  const headers = { 'content-type': 'application/json', host: `127.0.0.1:${port}`, 'x-amz-date': date };
  const parts = { method: 'POST', rawPath: path, rawQuery: '', headers: new Map(Object.entries(headers).map(([k, v]) => [k, [v]])) };
  const signed = ['content-type', 'host', 'x-amz-date'];
  const creq = canonicalRequest(parts, signed, createHash('sha256').update(body).digest('hex'));
  const signature = signatureOf(BENCH_KEY.secret, scope, stringToSign(date, scope, creq));
  return {
    'x-amz-date': date,
    authorization: `AWS4-HMAC-SHA256 Credential=${BENCH_KEY.id}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`,
  };
}
