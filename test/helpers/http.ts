/** Raw HTTP for what no SDK sends, shared by the AWS and FC test helpers. */
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';

export interface RawResponse {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  bytes: Buffer;
}

export type RawBody = string | Uint8Array | AsyncIterable<Uint8Array>;

/** `defaults` overlaid with `overrides`; a null override removes the header. Names lower-cased. */
export function mergeHeaders(defaults: Record<string, string>, overrides: Record<string, string | null> = {}): Record<string, string> {
  const headers = { ...defaults };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete headers[k.toLowerCase()];
    else headers[k.toLowerCase()] = v;
  }
  return headers;
}

/**
 * One request on its own connection (`agent: false`, so no keep-alive socket outlives the test and holds up the
 * server's shutdown). A string or byte body is sent with its Content-Length; an async iterable is streamed
 * chunked, without one. The response is read whole.
 */
export function sendRaw(baseUrl: string, path: string, method: string, headers: Record<string, string>, body?: RawBody): Promise<RawResponse> {
  const streamed = body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array);
  if (body !== undefined && !streamed) headers['content-length'] = String(Buffer.byteLength(body as string | Uint8Array));
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(new URL(path, baseUrl), { method, headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k.toLowerCase()] = String(v);
        resolve({ status: res.statusCode!, headers: out, text, json, bytes });
      });
    });
    // A server that answers before the upload ends may reset the connection: the answer is what counts.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (!streamed) {
      req.end(body as string | Uint8Array | undefined);
      return;
    }
    void (async () => {
      try {
        for await (const chunk of body as AsyncIterable<Uint8Array>) {
          if (answered || req.destroyed) return;
          if (!req.write(chunk)) await once(req, 'drain');
        }
        req.end();
      } catch (err) {
        if (!answered) reject(err);
      }
    })();
  });
}

/** A body streamed in pieces; `bytes` is the whole of it (what a signer hashes). */
export interface PiecedBody extends AsyncIterable<Uint8Array> {
  readonly bytes: Uint8Array;
}

/** `bytes` in pieces of `size`, as an async iterable (a streamed, chunked request body). */
export function inPieces(bytes: Uint8Array, size: number): PiecedBody {
  return {
    bytes,
    async *[Symbol.asyncIterator]() {
      for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
    },
  };
}

/** The bytes of a body as a signer sees them: undefined for a stream whose bytes are not known. */
export function bytesOf(body: RawBody | undefined): Uint8Array | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return body;
  return (body as Partial<PiecedBody>).bytes;
}
