/**
 * Bytes on a bare TCP socket, for requests no HTTP client will send: broken framing, oversized heads, slow
 * trickles. The answer is read until the server closes the connection (or `waitMs` passes).
 */
import { connect, type Socket } from 'node:net';

export interface SocketAnswer {
  /** Everything the server sent. */
  raw: string;
  status: number | undefined;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** The body, de-chunked. */
  body: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Whether the server closed the connection within waitMs. */
  closed: boolean;
  /** From the first byte sent to the close (or to waitMs). */
  elapsedMs: number;
}

/** Opens a connection to the test server at `baseUrl`. */
export function openSocket(baseUrl: string): Promise<Socket> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Collects what the server sends on `socket` until it closes it, or `waitMs` passes. */
export function answerOf(socket: Socket, waitMs: number): Promise<SocketAnswer> {
  const started = Date.now();
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => undefined);
  return new Promise((resolve) => {
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parse(Buffer.concat(chunks).toString('latin1'), closed, Date.now() - started));
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.once('close', () => finish(true));
  });
}

/** Sends `bytes` on a new connection and reads the answer. */
export async function sendBytes(baseUrl: string, bytes: string | Buffer, waitMs = 5000): Promise<SocketAnswer> {
  const socket = await openSocket(baseUrl);
  const answer = answerOf(socket, waitMs);
  socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  return answer;
}

function parse(raw: string, closed: boolean, elapsedMs: number): SocketAnswer {
  // Interim answers (100 Continue) come before the final one.
  let final = raw;
  while (/^HTTP\/1\.[01] 1\d\d /.test(final) && final.includes('\r\n\r\n')) final = final.slice(final.indexOf('\r\n\r\n') + 4);
  const split = final.indexOf('\r\n\r\n');
  const head = split < 0 ? final : final.slice(0, split);
  let body = split < 0 ? '' : final.slice(split + 4);
  const [statusLine, ...lines] = head.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1];
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  body = Buffer.from(body, 'latin1').toString('utf8');
  let json: unknown;
  try {
    json = body === '' ? undefined : JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { raw, status: status === undefined ? undefined : Number(status), headers, body, json, closed, elapsedMs };
}

function dechunk(text: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const lineEnd = text.indexOf('\r\n', at);
    if (lineEnd < 0) return out;
    const size = parseInt(text.slice(at, lineEnd), 16);
    if (!(size > 0)) return out;
    out += text.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}
