/**
 * Slow clients are dropped within the configured limits, while a slow but steady upload finishes. Limits are set
 * to a second here so the bounds can be seen; the assertions allow generous slack for a busy machine. Raw sockets:
 * no client trickles bytes on purpose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { answerOf, openSocket, sendBytes } from '../../helpers/socket.js';
import { makeZip } from '../../helpers/zips.js';
import { randomBytes } from 'node:crypto';

let t: TestApp;
beforeAll(async () => {
  // Unsigned by design: these requests are hand-written bytes about timing, not about who sends them.
  t = await startTestApp({
    STRATA_AUTH: 'off',
    STRATA_HEADERS_TIMEOUT_SECONDS: '1',
    STRATA_BODY_TIMEOUT_SECONDS: '1',
    STRATA_MIN_BODY_RATE: '2000',
    STRATA_KEEP_ALIVE_TIMEOUT_SECONDS: '1',
    STRATA_IDLE_TIMEOUT_SECONDS: '3',
  });
});
afterAll(() => t?.close());

/** The longest a refusal may take here: the 1 s limit plus room for a loaded machine. */
const BOUND_MS = 6000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes `pieces` to the socket one every `everyMs`, until it closes or they run out. */
async function trickle(socket: Socket, pieces: Iterable<string | Buffer>, everyMs: number): Promise<void> {
  for (const piece of pieces) {
    if (socket.destroyed || !socket.writable) return;
    socket.write(piece);
    await sleep(everyMs);
  }
}

function* forever(piece: string) {
  for (;;) yield piece;
}

const AWS_TIMEOUT_BODY = {
  Type: 'User',
  message: 'The request body was not received in time: it paused for over 1 seconds or arrived at under 2000 bytes per second.',
};

describe('slow clients', () => {
  it('Request: a head that never finishes is dropped with 408 after the headers timeout', async () => {
    const socket = await openSocket(t.url);
    const answer = answerOf(socket, BOUND_MS + 2000);
    socket.write('GET /2018-10-31/layers HTTP/1.1\r\nHost: x\r\n');
    void trickle(socket, forever('X-Slow: a\r\n'), 200);
    const got = await answer;
    expect(got.closed).toBe(true);
    expect(got.elapsedMs).toBeGreaterThanOrEqual(900);
    expect(got.elapsedMs).toBeLessThan(BOUND_MS);
    // Node has not parsed the request line for Strata yet, so no dialect can be told: Strata's plain JSON.
    expect(got.status).toBe(408);
    expect(got.json).toEqual({ message: 'Request Timeout: the request head did not arrive in time' });
  });

  it('PublishLayerVersion: a body that stops arriving is refused with 408 RequestTimeoutException, and the connection closed', async () => {
    const socket = await openSocket(t.url);
    const answer = answerOf(socket, BOUND_MS + 2000);
    socket.write('POST /2018-10-31/layers/slow/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"Content":{"ZipFile":"');
    const got = await answer;
    expect(got.closed).toBe(true);
    expect(got.elapsedMs).toBeGreaterThanOrEqual(900);
    expect(got.elapsedMs).toBeLessThan(BOUND_MS);
    expect(got.status).toBe(408);
    expect(got.headers['x-amzn-errortype']).toBe('RequestTimeoutException');
    expect(got.json).toEqual(AWS_TIMEOUT_BODY);
  });

  it('PublishLayerVersion: a body trickled below the minimum rate is refused with 408', async () => {
    const socket = await openSocket(t.url);
    const answer = answerOf(socket, BOUND_MS + 2000);
    socket.write('POST /2018-10-31/layers/slow/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"Content":{"ZipFile":"');
    // 10 bytes a second: never a pause of a second, far below 2000 bytes a second.
    void trickle(socket, forever('A'), 100);
    const got = await answer;
    expect(got.closed).toBe(true);
    expect(got.elapsedMs).toBeLessThan(BOUND_MS);
    expect(got.status).toBe(408);
    expect(got.json).toEqual(AWS_TIMEOUT_BODY);
  });

  it('CreateLayerVersion (2023-03-30): a body that stops arriving is refused with 408 RequestTimeout', async () => {
    const socket = await openSocket(t.url);
    const answer = answerOf(socket, BOUND_MS + 2000);
    socket.write('POST /2023-03-30/layers/slow/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"cod\r\n');
    const got = await answer;
    expect(got.closed).toBe(true);
    expect(got.status).toBe(408);
    expect(got.json).toEqual({
      Code: 'RequestTimeout',
      Message: 'the request body was not received in time: it paused for over 1 seconds or arrived at under 2000 bytes per second',
      RequestId: got.headers['x-fc-request-id'],
    });
  });

  it('PublishLayerVersion: a slow but steady upload that takes several times the body timeout finishes', async () => {
    const zip = await makeZip({ 'data.bin': randomBytes(180 * 1024) }, { compress: false });
    const body = Buffer.from(JSON.stringify({ Content: { ZipFile: zip.toString('base64') } }));
    const socket = await openSocket(t.url);
    const answer = answerOf(socket, 30_000);
    socket.write(`POST /2018-10-31/layers/steady/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    // 8 KB every 100 ms: about 80 KB/s, 3 s in all, pausing far less than a second at a time.
    const pieces = Array.from({ length: Math.ceil(body.length / 8192) }, (_, i) => body.subarray(i * 8192, (i + 1) * 8192));
    const started = Date.now();
    await trickle(socket, pieces, 100);
    const got = await answer;
    expect(Date.now() - started).toBeGreaterThan(2000);
    expect(got.status, got.body).toBe(201);
    expect(got.json.Version).toBe(1);
    expect(got.json.Content.CodeSize).toBe(zip.length);
  });

  it('Request: an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const socket = await openSocket(t.url);
    const answer = answerOf(socket, BOUND_MS + 2000);
    socket.write('GET /_strata/health HTTP/1.1\r\nHost: x\r\n\r\n');
    const got = await answer;
    expect(got.status).toBe(200);
    expect(got.closed).toBe(true);
    expect(got.elapsedMs).toBeLessThan(BOUND_MS);
  });

  it('Request: 50 slowloris connections are all dropped, and a normal request is served meanwhile', async () => {
    const sockets = await Promise.all(Array.from({ length: 50 }, () => openSocket(t.url)));
    const answers = sockets.map((s) => answerOf(s, BOUND_MS + 4000));
    for (const s of sockets) {
      s.write('GET /2023-03-30/layers HTTP/1.1\r\nHost: x\r\n');
      void trickle(s, forever('X-Slow: a\r\n'), 300);
    }
    const normal = await sendBytes(t.url, 'GET /2023-03-30/layers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(normal.status).toBe(200);
    const all = await Promise.all(answers);
    expect(all.filter((a) => a.closed)).toHaveLength(50);
    expect(Math.max(...all.map((a) => a.elapsedMs))).toBeLessThan(BOUND_MS + 2000);
  });
});
