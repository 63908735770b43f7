/**
 * A loopback proxy that changes requests in flight, for signatures made by a real SDK and then tampered with: the
 * SDK signs for the proxy's address, the proxy changes the body or the headers and forwards the request to Strata
 * with the Host the SDK signed. The response comes back unchanged.
 */
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Tamper {
  headers?: (headers: IncomingHttpHeaders) => void;
  body?: (body: Buffer) => Buffer;
}

export interface TamperProxy {
  url: string;
  /** What the next requests get changed by (none: forwarded as they are). */
  set(tamper: Tamper | undefined): void;
  close(): Promise<void>;
}

export async function startTamperProxy(target: string): Promise<TamperProxy> {
  let tamper: Tamper | undefined;
  const to = new URL(target);
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: Buffer = Buffer.concat(chunks);
    const headers = { ...req.headers };
    if (tamper?.body) body = tamper.body(body);
    tamper?.headers?.(headers);
    delete headers['transfer-encoding'];
    headers['content-length'] = String(body.length);
    headers.connection = 'close';
    const out = httpRequest({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    out.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    set: (t) => (tamper = t),
    close: () => new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}
