/**
 * Requests refused below the router are answered in the dialect their path names: broken framing (400), an
 * unmet `Expect:` (417), an oversized URL (414) or header block (431). Raw bytes on a socket: no HTTP client sends
 * these.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.js';
import { sendBytes, type SocketAnswer } from '../../helpers/socket.js';

let t: TestApp;
// Unsigned by design: hand-written bytes about HTTP framing, not about who sends them.
beforeAll(async () => (t = await startTestApp({ STRATA_AUTH: 'off' })));
afterAll(() => t?.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FC3_REQUEST_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;

type Dialect = 'aws' | '2016-08-15' | '2021-04-06' | '2023-03-30';
const PATHS: Record<Dialect, string> = {
  aws: '/2018-10-31/layers',
  '2016-08-15': '/2016-08-15/layers',
  '2021-04-06': '/2021-04-06/layers',
  '2023-03-30': '/2023-03-30/layers',
};
const DIALECTS = Object.keys(PATHS) as Dialect[];

interface Expected {
  status: number;
  aws: string;
  fc: string;
  /** The message, as FC words it (AWS capitalises it and ends it with a full stop). */
  message: string;
}

/** Checks a refusal: status, the dialect's error code, headers and body shape, and a closed connection. */
function expectRefusal(dialect: Dialect, got: SocketAnswer, e: Expected) {
  const where = `${dialect}: ${got.raw.slice(0, 400)}`;
  expect(got.status, where).toBe(e.status);
  expect(got.headers['content-type'], where).toMatch(/^application\/json/);
  expect(got.closed, where).toBe(true);
  if (dialect === 'aws') {
    expect(got.headers['x-amzn-errortype'], where).toBe(e.aws);
    expect(got.headers['x-amzn-requestid'], where).toMatch(UUID);
    expect(got.json, where).toEqual({ Type: 'User', message: `${e.message.charAt(0).toUpperCase()}${e.message.slice(1)}.` });
  } else if (dialect === '2023-03-30') {
    expect(got.json, where).toEqual({ Code: e.fc, Message: e.message, RequestId: got.headers['x-fc-request-id'] });
    expect(got.json.RequestId, where).toMatch(FC3_REQUEST_ID);
  } else {
    expect(got.json, where).toEqual({
      ErrorCode: e.fc, ErrorMessage: e.message, Code: e.fc, Message: e.message, RequestId: got.headers['x-fc-request-id'],
    });
    expect(got.json.RequestId, where).toMatch(UUID);
  }
}

const malformed = (reason: string): Expected => ({
  status: 400, aws: 'InvalidRequestContentException', fc: 'InvalidArgument', message: `the HTTP request is malformed: ${reason}`,
});

describe.each(DIALECTS)('refusals below the router (%s)', (dialect) => {
  const path = PATHS[dialect];

  it('Request: Expect other than 100-continue → 417 in the dialect\'s words, not an empty body', async () => {
    const got = await sendBytes(t.url, `GET ${path} HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n`);
    expectRefusal(dialect, got, {
      status: 417, aws: 'ExpectationFailedException', fc: 'ExpectationFailed',
      message: "the expectation '200-ok' cannot be met; only 100-continue is supported",
    });
  });

  it('Request: a Content-Length that is not a number → 400', async () => {
    const got = await sendBytes(t.url, `POST ${path}/x/versions HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n{}`);
    expectRefusal(dialect, got, malformed('Invalid character in Content-Length'));
  });

  it('Request: Content-Length together with Transfer-Encoding → 400', async () => {
    const got = await sendBytes(
      t.url, `POST ${path}/x/versions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    );
    expectRefusal(dialect, got, malformed("Transfer-Encoding can't be present with Content-Length"));
  });

  it('Request: broken chunking → 400', async () => {
    const got = await sendBytes(t.url, `POST ${path}/x/versions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n`);
    expectRefusal(dialect, got, malformed('Invalid character in chunk size'));
  });

  it('Request: a NUL byte in a header → 400', async () => {
    const got = await sendBytes(t.url, `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Note: a\u0000b\r\n\r\n`);
    expectRefusal(dialect, got, malformed('Invalid header value char'));
  });

  it('Request: a 60 KB URL (a long Marker) → 414', async () => {
    const got = await sendBytes(t.url, `GET ${path}?Marker=${'m'.repeat(60 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expectRefusal(dialect, got, {
      status: 414, aws: 'RequestUriTooLongException', fc: 'RequestURITooLong', message: 'the request URL is longer than the server accepts',
    });
  });

  it('Request: headers over the limit → 431', async () => {
    const got = await sendBytes(t.url, `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(20 * 1024)}\r\n\r\n`);
    expectRefusal(dialect, got, {
      status: 431, aws: 'RequestHeaderFieldsTooLargeException', fc: 'RequestHeaderFieldsTooLarge',
      message: 'the request headers are larger than the server accepts',
    });
  });
});

describe('refusals outside the dialects', () => {
  it('Request: broken framing on a path of no dialect → 400 with a JSON message', async () => {
    const got = await sendBytes(t.url, 'POST /elsewhere HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n');
    expect(got.status).toBe(400);
    expect(got.headers['content-type']).toMatch(/^application\/json/);
    expect(got.json).toEqual({ message: 'Bad Request: the HTTP request is malformed: Invalid character in Content-Length' });
  });

  it('Request: bytes that are not HTTP at all → 400 with a JSON message', async () => {
    const got = await sendBytes(t.url, 'HELLO\r\n\r\n');
    expect(got.status).toBe(400);
    expect(got.json.message).toMatch(/^Bad Request: the HTTP request is malformed: /);
  });

  it('Request: Expect: 100-continue is still met, and the request served', async () => {
    const got = await sendBytes(t.url, 'GET /2018-10-31/layers HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n');
    expect(got.raw).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    expect(got.status).toBe(200);
    expect(got.json).toEqual({ NextMarker: null, Layers: [] });
  });
});
