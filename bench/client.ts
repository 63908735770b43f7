/**
 * The one client of `npm run bench`: raw HTTP over node:http with pre-encoded bodies, so that no server is
 * measured with a client's base64 or JSON work, and every server gets exactly the same bytes.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import yazl from 'yazl';

export const MB = 1_000_000;

/** A zip of one stored entry of random (incompressible) bytes. */
export async function zipOf(size: number): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(randomBytes(size), 'layer/data.bin', { compress: false });
  zip.end();
  const parts: Buffer[] = [];
  for await (const chunk of zip.outputStream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** The same zip as an AWS PublishLayerVersion body and as an FC CreateLayerVersion body. */
export function bodiesOf(zip: Buffer): { aws: Buffer; fc: Buffer } {
  const b64 = zip.toString('base64');
  return {
    aws: Buffer.from(JSON.stringify({ Content: { ZipFile: b64 }, CompatibleRuntimes: ['nodejs20.x'] })),
    fc: Buffer.from(JSON.stringify({ code: { zipFile: b64 }, compatibleRuntime: ['nodejs18'] })),
  };
}

/** A SigV4-shaped header (not verified by any of the servers): the access key id names the account. */
export function authorization(accessKeyId = 'bench'): string {
  return `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=0`;
}

/**
 * Kept-alive connections, dropped after 2 s idle: servers close idle connections on their own clock (hypercorn
 * after 5 s), and a request sent on one just as it closes fails with EPIPE.
 */
const agent = new Agent({ keepAlive: true, timeout: 2000 });

export interface Answer {
  status: number;
  ms: number;
  body: Buffer;
}

/** `auth`: an Authorization header, or headers that sign the request (bench/sign.ts). */
export function send(
  port: number, method: string, path: string, body?: Buffer, auth: string | Record<string, string> = authorization(),
): Promise<Answer> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = typeof auth === 'string' ? { authorization: auth } : { ...auth };
    if (body) Object.assign(headers, { 'content-type': 'application/json', 'content-length': body.length });
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - start) / 1e6, body: Buffer.concat(parts) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Posts a publish and returns its latency; anything but a 200 or 201 stops the bench. */
export async function publish(port: number, path: string, body: Buffer, auth?: string | Record<string, string>): Promise<number> {
  const { status, ms, body: answer } = await send(port, 'POST', path, body, auth);
  if (status !== 201 && status !== 200) throw new Error(`POST ${path} answered ${status}: ${answer.toString().slice(0, 200)}`);
  return ms;
}

export const awsPath = (layer: string) => `/2018-10-31/layers/${layer}/versions`;
export const fcPath = (layer: string) => `/2021-04-06/layers/${layer}/versions`;

/**
 * `count` publishes, `inFlight` at a time; returns publishes per second. With `sign`, each request is signed as it
 * is sent (inside the measured time: a client's signing is part of a signed workload).
 */
export async function throughput(
  port: number, path: string, body: Buffer, count: number, inFlight: number,
  sign?: (port: number, path: string, body: Buffer) => Record<string, string>,
): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < count) await publish(port, path, body, sign?.(port, path, body));
    }),
  );
  return count / ((performance.now() - start) / 1000);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The process's resident set now (VmRSS) and at its peak so far (VmHWM), in MiB. */
export async function rssMiB(pid: number): Promise<{ now: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]);
  return { now: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}
