/**
 * Requests refused below the router: broken HTTP framing, heads over the size limit, `Expect:` values other than
 * 100-continue, heads that never finish. Node answers these itself (an empty 417, a bare 400 or 431, Fastify's
 * generic JSON); here each surface answers in its own words instead, chosen by the request's path wherever the
 * bytes received so far show it, and a plain JSON error where they do not.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

export type RefusalKind =
  /** 400: the request cannot be parsed as HTTP (Content-Length, chunking, bytes not allowed in a head). */
  | 'malformed'
  /** 408: the head (or body) did not arrive in time. */
  | 'timeout'
  /** 414: the request line is longer than a head may be. */
  | 'uri-too-long'
  /** 431: the headers are larger than a head may be. */
  | 'headers-too-large'
  /** 417: an `Expect:` this server cannot meet (anything but 100-continue). */
  | 'expectation';

export interface Refusal {
  status: number;
  contentType: string;
  headers: Record<string, string>;
  body: string;
}

/** The beginning of a request as far as it arrived. */
export interface RequestHead {
  method: string | undefined;
  /** The request target (path and query), when the request line arrived. */
  url: string | undefined;
  /** Header names lower-cased, for those that arrived whole. */
  headers: Record<string, string>;
}

export interface RefusingSurface {
  /** Whether this surface answers for the request (e.g. its path starts with the surface's prefix). */
  owns(head: RequestHead): boolean;
  refuse(kind: RefusalKind, detail: string): Refusal;
}

const STATUS: Record<RefusalKind, number> = {
  malformed: 400, timeout: 408, 'uri-too-long': 414, 'headers-too-large': 431, expectation: 417,
};

export const refusalStatus = (kind: RefusalKind): number => STATUS[kind];

/** What Node's `clientError` carries (Fastify types `rawPacket` as JSON; it is the raw bytes received). */
export type ClientError = NodeJS.ErrnoException & { rawPacket?: Buffer; reason?: string };

/** Where the surfaces register how they refuse; consulted in registration order. */
export class Refusals {
  private readonly surfaces: RefusingSurface[] = [];

  add(surface: RefusingSurface): void {
    this.surfaces.push(surface);
  }

  /** The refusal for a request, by the first surface that owns it, else Strata's plain JSON. */
  refusal(head: RequestHead, kind: RefusalKind, detail: string): Refusal {
    const surface = this.surfaces.find((s) => s.owns(head));
    if (surface) return surface.refuse(kind, detail);
    return {
      status: STATUS[kind], contentType: 'application/json', headers: {},
      body: JSON.stringify({ message: `${STATUS_CODES[STATUS[kind]]}: ${detail}` }),
    };
  }

  /** Node's `clientError` (Fastify's clientErrorHandler): the answer is written to the socket, which then closes. */
  onClientError(err: ClientError, socket: Socket): void {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    // A request already being served (its body turned out malformed) still names its path.
    const served = (socket as Socket & { _httpMessage?: ServerResponse & { req?: IncomingMessage } })._httpMessage;
    if (served?.headersSent) {
      socket.destroy();
      return;
    }
    const head = served?.req ? headOfRequest(served.req) : parseHead(err.rawPacket);
    const { kind, detail } = classify(err, head);
    const refusal = this.refusal(head, kind, detail);
    if (socket.writable) socket.end(serialize(refusal));
    socket.destroySoon?.();
  }

  /** Node's `checkExpectation`: a request whose `Expect:` is not 100-continue is answered 417 and not served. */
  onUnmetExpectation(req: IncomingMessage, res: ServerResponse): void {
    const expectation = req.headers.expect ?? '';
    const refusal = this.refusal(headOfRequest(req), 'expectation', `the expectation '${expectation}' cannot be met; only 100-continue is supported`);
    res.writeHead(refusal.status, { ...refusal.headers, 'content-type': refusal.contentType, connection: 'close' });
    res.end(refusal.body);
  }
}

/** Request lines longer than this are refused as an oversized URL rather than as oversized headers. */
const MAX_REQUEST_LINE = 8 * 1024;

function classify(err: ClientError, head: RequestHead): { kind: RefusalKind; detail: string } {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { kind: 'timeout', detail: 'the request head did not arrive in time' };
    case 'HPE_HEADER_OVERFLOW': {
      const firstLineEnd = err.rawPacket?.indexOf('\r\n') ?? -1;
      const longUrl = head.url === undefined || firstLineEnd < 0 || firstLineEnd > MAX_REQUEST_LINE;
      return longUrl
        ? { kind: 'uri-too-long', detail: 'the request URL is longer than the server accepts' }
        : { kind: 'headers-too-large', detail: 'the request headers are larger than the server accepts' };
    }
    default:
      // llhttp's reason, e.g. "Invalid character in Content-Length" or "Content-Length can't be present with
      // Transfer-Encoding".
      return { kind: 'malformed', detail: `the HTTP request is malformed: ${err.reason ?? err.message}` };
  }
}

function headOfRequest(req: IncomingMessage): RequestHead {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
  return { method: req.method, url: req.url, headers };
}

/** Reads the request line and whole header lines from the raw bytes of a request Node could not parse. */
export function parseHead(raw: Buffer | undefined): RequestHead {
  const head: RequestHead = { method: undefined, url: undefined, headers: {} };
  if (!raw) return head;
  const text = raw.subarray(0, 64 * 1024).toString('latin1');
  const lines = text.split('\r\n');
  // A request line that did not finish still shows its target up to where it stopped.
  const m = /^([A-Z]+) (\S+)(?: |$)/.exec(lines[0] ?? '');
  if (m) {
    head.method = m[1];
    head.url = m[2];
  }
  for (const line of lines.slice(1, -1)) {
    const colon = line.indexOf(':');
    if (colon > 0) head.headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return head;
}

function serialize(r: Refusal): string {
  const body = Buffer.from(r.body, 'utf8');
  const headers = { ...r.headers, 'Content-Type': r.contentType, 'Content-Length': String(body.length), Connection: 'close' };
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return `HTTP/1.1 ${r.status} ${STATUS_CODES[r.status]}\r\n${lines.join('\r\n')}\r\n\r\n${r.body}`;
}
