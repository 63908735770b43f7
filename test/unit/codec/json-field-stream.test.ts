import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Base64Error, Base64StreamDecoder } from '../../../src/codec/base64-stream.js';
import { JsonDuplicateFieldError, JsonFieldStream, JsonSyntaxError, JsonTooLargeError } from '../../../src/codec/json-field-stream.js';
import { expectPositionedError, fixedPieces, prng, randomPieces } from '../../helpers/pieces.js';

type Path = readonly string[];

const AWS: Path = ['Content', 'ZipFile'];
const FC: Path = ['Code', 'zipFile'];
const FC_LOWER: Path = ['code', 'zipFile'];
const ALL: Path[] = [AWS, FC, FC_LOWER];

interface Outcome {
  document: unknown;
  captured: string[][];
  /** Concatenated onData text per path (JSON.stringify(path)). */
  texts: Map<string, string>;
}

function run(
  chunks: readonly Uint8Array[], capture: readonly Path[] = ALL, maxRestBytes?: number, maxDepth?: number,
): Outcome {
  const texts = new Map<string, string>();
  const stream = new JsonFieldStream({
    capture,
    maxRestBytes,
    maxDepth,
    onData: (path, text) => {
      expect(Object.isFrozen(path)).toBe(true);
      const key = JSON.stringify(path);
      texts.set(key, (texts.get(key) ?? '') + text);
    },
  });
  for (const c of chunks) stream.write(c);
  const { document, captured } = stream.end();
  // An empty captured string produces no onData call.
  for (const path of captured) if (!texts.has(JSON.stringify(path))) texts.set(JSON.stringify(path), '');
  return { document, captured, texts };
}

const fixedChunks = (buf: Buffer, size: number): Buffer[] => fixedPieces(buf, size);
const randomChunks = (buf: Buffer, rand: () => number, maxChunk: number): Buffer[] => randomPieces(buf, rand, maxChunk + 1);

/** Every way of feeding a small document this suite tries. */
function allFeedings(buf: Buffer, seed = 1): Buffer[][] {
  const feedings: Buffer[][] = [[buf]];
  for (let cut = 0; cut <= buf.length; cut++) feedings.push([buf.subarray(0, cut), buf.subarray(cut)]);
  for (const size of [1, 2, 3, 7]) feedings.push(fixedChunks(buf, size));
  const rand = prng(seed);
  for (let k = 0; k < 10; k++) feedings.push(randomChunks(buf, rand, 9));
  return feedings;
}

/** What the stream should produce, computed from JSON.parse of the whole document. */
function expected(text: string, capture: readonly Path[] = ALL): { document: unknown; texts: Map<string, string> } {
  const document = JSON.parse(text) as unknown;
  const texts = new Map<string, string>();
  for (const path of capture) {
    let parent: unknown = undefined;
    let node: unknown = document;
    for (const key of path) {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) {
        node = undefined;
        break;
      }
      parent = node;
      node = Object.prototype.hasOwnProperty.call(node, key) ? (node as Record<string, unknown>)[key] : undefined;
    }
    if (typeof node === 'string') {
      texts.set(JSON.stringify(path), node);
      if (path.length === 0) return { document: '', texts };
      (parent as Record<string, unknown>)[path[path.length - 1] as string] = '';
    }
  }
  return { document, texts };
}

function sortedPaths(paths: readonly (readonly string[])[]): string[] {
  return paths.map((p) => JSON.stringify(p)).sort();
}

/** Checks that every feeding of `text` gives what JSON.parse gives; returns the whole-buffer outcome. */
function checkAllFeedings(text: string, capture: readonly Path[] = ALL): Outcome {
  const buf = Buffer.from(text, 'utf8');
  const want = expected(text, capture);
  let first: Outcome | undefined;
  for (const chunks of allFeedings(buf, text.length)) {
    const got = run(chunks, capture);
    expect(got.document).toEqual(want.document);
    expect(got.texts).toEqual(want.texts);
    expect(sortedPaths(got.captured)).toEqual([...want.texts.keys()].sort());
    first ??= got;
  }
  return first as Outcome;
}

function expectSyntaxError(fn: () => unknown, message?: RegExp, position?: number): JsonSyntaxError {
  return expectPositionedError(JsonSyntaxError, fn, message, position);
}

describe('JsonFieldStream', () => {
  it('JsonFieldStream: captures the AWS ZipFile and keeps the rest of the document', () => {
    const text = '{"Content":{"ZipFile":"UEsDBBQAAAAI"},"CompatibleRuntimes":["nodejs20.x"],"Description":"x"}';
    const got = checkAllFeedings(text);
    expect(got.document).toEqual({ Content: { ZipFile: '' }, CompatibleRuntimes: ['nodejs20.x'], Description: 'x' });
    expect(got.captured).toEqual([['Content', 'ZipFile']]);
    expect(got.texts.get(JSON.stringify(AWS))).toBe('UEsDBBQAAAAI');
  });

  it('JsonFieldStream: captures Alibaba FC Code.zipFile and code.zipFile', () => {
    checkAllFeedings('{"Code":{"zipFile":"UEsDBA=="},"description":"x","compatibleRuntime":["python3.10"]}');
    checkAllFeedings('{"description":"x","code":{"zipFile":"UEsDBA=="}}');
    const got = checkAllFeedings('{"code":{"zipFile":"QUJD"},"Code":{"zipFile":"REVG"}}');
    expect(got.captured).toEqual([['code', 'zipFile'], ['Code', 'zipFile']]);
  });

  it('JsonFieldStream: unescapes escaped slashes, \\u escapes and other escapes split across chunks', () => {
    const got = checkAllFeedings(
      String.raw`{"Content":{"ZipFile":"UEsD\/\/BB\u0041\u0062\n\t\"\\\b\f\r\/x\u00e9\u20AC\ud83d\ude00z"}}`,
    );
    expect(got.texts.get(JSON.stringify(AWS))).toBe('UEsD//BBAb\n\t"\\\b\f\r/x\u00e9\u20ac\u{1f600}z');
    // Some encoders escape every '/' of the base64 text.
    const b64 = randomBytes(3000).toString('base64');
    const doc = JSON.stringify({ Content: { ZipFile: b64 } }).replaceAll('/', '\\/');
    expect(doc).toContain('\\/');
    const rand = prng(3);
    const buf = Buffer.from(doc);
    for (let k = 0; k < 50; k++) {
      expect(run(randomChunks(buf, rand, 40)).texts.get(JSON.stringify(AWS))).toBe(b64);
    }
  });

  it('JsonFieldStream: captured strings with escapes at many spacings match JSON.parse', () => {
    const rand = prng(11);
    const escapes = ['\\/', '\\"', '\\\\', '\\n', '\\u0041', '\\u00e9', '\\ud83d\\ude00', 'é', '😀'];
    for (const spacing of [0, 1, 2, 63, 255, 256, 257, 258, 300, 1000]) {
      for (let k = 0; k < 4; k++) {
        let inner = '';
        while (inner.length < 3000) {
          inner += 'x'.repeat(Math.max(0, spacing + Math.floor(rand() * 3) - 1));
          inner += escapes[Math.floor(rand() * escapes.length)];
        }
        if (k === 1) inner += '\\\\'; // escaped backslash right before the closing quote
        if (k === 2) inner = `\\"${inner}\\"`;
        const text = `{"Content":{"ZipFile":"${inner}"},"after":"\\/"}`;
        const want = expected(text);
        const buf = Buffer.from(text);
        for (const chunks of [[buf], fixedChunks(buf, 1), randomChunks(buf, rand, 300), randomChunks(buf, rand, 3000)]) {
          const got = run(chunks);
          expect(got.texts).toEqual(want.texts);
          expect(got.document).toEqual(want.document);
        }
      }
    }
  });

  it('JsonFieldStream: multibyte UTF-8 split across chunks, in captured and in other fields', () => {
    const got = checkAllFeedings(
      '{"Description":"héllo wörld – 層 😀 \u0000","Content":{"ZipFile":"é😀層x"},"Tags":{"キー":"値"}}'.replace(
        '\u0000',
        '\\u0000',
      ),
    );
    expect(got.texts.get(JSON.stringify(AWS))).toBe('é😀層x');
    expect((got.document as { Description: string }).Description).toBe('héllo wörld – 層 😀 \u0000');
  });

  it('JsonFieldStream: decoys (nested keys, keys inside strings, arrays) are not captured', () => {
    const decoys = [
      '{"ZipFile":"QUJD","Layer":{"Content":{"ZipFile":"QUJD"}}}',
      '{"Description":"\\"Content\\":{\\"ZipFile\\":\\"QUJD\\"}","Content":{"S3Key":"k"}}',
      '{"Content":[{"ZipFile":"QUJD"}],"x":["Content",{"Content":{"ZipFile":"QUJD"}}]}',
      '[{"Content":{"ZipFile":"QUJD"}}]',
      '{"Content":{"Nested":{"ZipFile":"QUJD"}},"ZipFile":"x"}',
      '{"Content":{"zipfile":"QUJD","ZIPFILE":"QUJD","ZipFile ":"QUJD"," ZipFile":"QUJD"}}',
      '{"content":{"ZipFile":"QUJD"},"code":{"ZipFile":"QUJD","zipfile":"QUJD"}}',
      '{"Content":"{\\"ZipFile\\":\\"QUJD\\"}"}',
      '{"Content":{"S3Bucket":"ZipFile","ZipFileX":"QUJD"}}',
      '"Content"',
      '{"a":{"Content":{"ZipFile":"QUJD"}},"Content\\u0000":{"ZipFile":"QUJD"}}',
    ];
    for (const text of decoys) {
      const got = checkAllFeedings(text);
      expect(got.captured).toEqual([]);
      expect(got.document).toEqual(JSON.parse(text));
    }
  });

  it('JsonFieldStream: the real field is captured next to decoys', () => {
    const text =
      '{"ZipFile":"no","Layer":{"Content":{"ZipFile":"no"}},"Description":"\\"ZipFile\\":\\"no\\"",' +
      '"Content":{"S3Key":"ZipFile","Nested":{"ZipFile":"no"},"ZipFile":"UEsD","After":["ZipFile"]},"Z":[{"Content":{"ZipFile":"no"}}]}';
    const got = checkAllFeedings(text);
    expect(got.captured).toEqual([['Content', 'ZipFile']]);
    expect(got.texts.get(JSON.stringify(AWS))).toBe('UEsD');
  });

  it('JsonFieldStream: an escaped key means the same as the plain key', () => {
    const got = checkAllFeedings('{"Cont\\u0065nt":{"Zip\\u0046ile":"QUJD"}}');
    expect(got.captured).toEqual([['Content', 'ZipFile']]);
  });

  it('JsonFieldStream: non-string values at the captured path stay in the document', () => {
    for (const value of ['null', '42', '-1.5e3', 'true', 'false', '{"a":"QUJD"}', '["QUJD"]', '{}', '[]']) {
      const text = `{"Content":{"ZipFile":${value}},"Code":${value}}`;
      const got = checkAllFeedings(text);
      expect(got.captured).toEqual([]);
      expect(got.texts.size).toBe(0);
      expect(got.document).toEqual(JSON.parse(text));
    }
    // The parent is not an object: nothing to capture.
    for (const value of ['"QUJD"', 'null', '[{"ZipFile":"QUJD"}]', '1']) {
      const got = checkAllFeedings(`{"Content":${value}}`);
      expect(got.captured).toEqual([]);
    }
  });

  it('JsonFieldStream: empty captured string, root-level capture and overlapping paths', () => {
    const empty = checkAllFeedings('{"Content":{"ZipFile":""}}');
    expect(empty.captured).toEqual([['Content', 'ZipFile']]);
    expect(empty.texts.get(JSON.stringify(AWS))).toBe('');

    const root = checkAllFeedings('  "UEsD\\/"  ', [[]]);
    expect(root.document).toBe('');
    expect(root.captured).toEqual([[]]);
    expect(root.texts.get('[]')).toBe('UEsD/');

    // ["Content"] is captured when it is a string; when it is an object, its ZipFile is.
    const capture: Path[] = [['Content'], AWS];
    expect(checkAllFeedings('{"Content":"QUJD"}', capture).captured).toEqual([['Content']]);
    expect(checkAllFeedings('{"Content":{"ZipFile":"QUJD"}}', capture).captured).toEqual([AWS]);
  });

  it('JsonFieldStream: duplicate captured keys are rejected, never concatenated', () => {
    const cases = [
      '{"Content":{"ZipFile":"QUJD","ZipFile":"REVG"}}',
      '{"Content":{"ZipFile":null,"ZipFile":"REVG"}}',
      '{"Content":{"ZipFile":"QUJD","ZipFile":null}}',
      '{"Content":{"ZipFile":"QUJD","Zip\\u0046ile":"REVG"}}',
      '{"Content":{"ZipFile":"QUJD"},"Content":{"ZipFile":"REVG"}}',
      '{"Content":{"S3Key":"k"},"Content":{"ZipFile":"REVG"}}',
      '{"Content":5,"Content":{"ZipFile":"REVG"}}',
    ];
    for (const text of cases) {
      for (const chunks of allFeedings(Buffer.from(text))) {
        expectSyntaxError(() => run(chunks), /duplicate field/);
      }
    }
    // Duplicates elsewhere are left to JSON.parse semantics (the last one wins).
    const got = checkAllFeedings('{"Description":"a","Description":"b","Content":{"ZipFile":"QUJD"}}');
    expect(got.document).toEqual({ Description: 'b', Content: { ZipFile: '' } });
  });

  it('JsonFieldStream: every split position of varied valid documents matches JSON.parse', () => {
    const docs = [
      '{}',
      '[]',
      ' \t\r\n{ "Content" : { "ZipFile" : "QUJD" } , "a" : [ 1 , -0 , 0.5 , -1.25e-3 , 1E+2 , 2e5 , true , false , null ] } \n',
      '{"a":{"b":{"c":[[[]],{}]}},"Content":{"ZipFile":"QUJD","S3Bucket":null}}',
      '"just a string"',
      '123',
      '-0.0e-0',
      'null',
      '{"n":1234567890123456789012,"f":3.14159,"e":1e-400,"Code":{"zipFile":"\\u0051UJD"}}',
      '{"__proto__":{"x":1},"constructor":"c","Content":{"ZipFile":"QUJD"}}',
    ];
    for (const text of docs) checkAllFeedings(text);
  });

  it('JsonFieldStream: random documents in random chunks match JSON.parse (differential)', () => {
    const rand = prng(2024);
    const keys = ['Content', 'ZipFile', 'Code', 'code', 'zipFile', 'S3Key', 'a', 'é', 'k"q', 'b\\s'];
    const chars = ['a', 'Z', '0', '/', '+', '=', '"', '\\', '\n', '\u0001', 'é', '層', '😀', ' ', '\u2028'];
    const str = (): string => {
      let s = '';
      const n = Math.floor(rand() * 12);
      for (let i = 0; i < n; i++) s += chars[Math.floor(rand() * chars.length)];
      return s;
    };
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth > 3 || r < 0.3) return str();
      if (r < 0.4) return Math.floor(rand() * 2000) - 1000 + (rand() < 0.5 ? 0 : rand());
      if (r < 0.45) return [true, false, null][Math.floor(rand() * 3)];
      if (r < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
      const obj: Record<string, unknown> = {};
      const n = Math.floor(rand() * 5);
      for (let i = 0; i < n; i++) obj[keys[Math.floor(rand() * keys.length)] as string] = value(depth + 1);
      return obj;
    };
    let capturedSome = 0;
    for (let iter = 0; iter < 400; iter++) {
      let root = value(0);
      if (iter % 2 === 0) {
        if (root === null || typeof root !== 'object' || Array.isArray(root)) root = { a: root };
        (root as Record<string, unknown>)[rand() < 0.5 ? 'Content' : 'Code'] = {
          [rand() < 0.5 ? 'ZipFile' : 'zipFile']: str(),
        };
      }
      let text = JSON.stringify(root, null, rand() < 0.3 ? 2 : undefined);
      // Outside strings JSON never contains '/' or non-ASCII, so these rewrites only touch strings.
      if (rand() < 0.5) text = text.replaceAll('/', '\\/');
      if (rand() < 0.3) {
        text = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      }
      const want = expected(text);
      const buf = Buffer.from(text);
      for (const chunks of [[buf], fixedChunks(buf, 1), randomChunks(buf, rand, 5), randomChunks(buf, rand, 50)]) {
        const got = run(chunks);
        expect(got.document).toEqual(want.document);
        expect(got.texts).toEqual(want.texts);
      }
      if (want.texts.size > 0) capturedSome++;
    }
    expect(capturedSome).toBeGreaterThan(100);
  });

  it('JsonFieldStream: truncated input is rejected at end()', () => {
    const text = '{"Content":{"ZipFile":"UEsD\\/\\u0041"},"a":[1,true,null,"x",-2.5e3]}';
    const buf = Buffer.from(text);
    for (let cut = 0; cut < buf.length; cut++) {
      const stream = new JsonFieldStream({ capture: ALL, onData: () => undefined });
      stream.write(buf.subarray(0, cut));
      expectSyntaxError(() => stream.end(), /unexpected end/, cut);
    }
    expectSyntaxError(() => run([]), /unexpected end/, 0);
    expectSyntaxError(() => run([Buffer.from('  \n ')]), /unexpected end/, 4);
  });

  it('JsonFieldStream: invalid JSON is rejected with JsonSyntaxError in every chunking', () => {
    const invalid = [
      '{"a":1} x', // trailing garbage
      '{"a":1}}',
      '{}{}',
      '{"a":1', // missing brace
      '{"Content":{"ZipFile":"QUJD"}',
      '{"Content":{"ZipFile":"QUJD"]}',
      '{"a":1,}', // trailing comma
      '[1,]',
      '[,1]',
      '{,}',
      '{"a" 1}',
      '{"a":}',
      '{a:1}',
      "{'a':1}",
      '{"a":01}',
      '{"a":1.}',
      '{"a":.5}',
      '{"a":1e}',
      '{"a":1e+}',
      '{"a":-}',
      '{"a":+1}',
      '{"a":0x10}',
      '{"a":NaN}',
      '{"a":Infinity}',
      '{"a":tru}',
      '{"a":True}',
      '{"a":nulll}',
      '{"a":"x\ny"}', // raw control character
      '{"Content":{"ZipFile":"QU\nJD"}}',
      '{"Content":{"ZipFile":"QU\tJD"}}',
      '{"Content":{"ZipFile":"QU\\xJD"}}', // invalid escape
      '{"Content":{"ZipFile":"QU\\u00G1"}}',
      '{"Content":{"ZipFile":"QU\\u00"}}',
      '{"a":"\\u12"}',
      '{"a":"\\a"}',
      '\ufeff{"a":1}', // BOM, rejected like JSON.parse does
      '{"Content":{"ZipFile":"QUJD"}} "x"',
      '"abc',
      '[1 2]',
      '{"a":1 "b":2}',
      '{"a":[}',
      '{"Content":{"ZipFile":"QUJD" "x"}}',
    ];
    for (const text of invalid) {
      expect(() => JSON.parse(text), text).toThrow(SyntaxError);
      for (const chunks of allFeedings(Buffer.from(text))) expectSyntaxError(() => run(chunks));
    }
  });

  it('JsonFieldStream: write() throws as soon as the input is provably not JSON, with the byte position', () => {
    const stream = new JsonFieldStream({ capture: ALL, onData: () => undefined });
    stream.write(Buffer.from('{"Content":{"ZipFile":"QUJD"}}'));
    const err = expectSyntaxError(() => stream.write(Buffer.from('  x')), /after JSON value/, 32);
    expect(() => stream.write(Buffer.from(' '))).toThrow(err);
    expect(() => stream.end()).toThrow(err);

    expectSyntaxError(() => run([Buffer.from('{"a":[1,2,]}')]), /unexpected/, 10);
    // Errors between closely spaced escapes (the byte-by-byte unescaping path).
    const dense = '{"Content":{"ZipFile":"AB\\/CD\\/EF\\/';
    expectSyntaxError(() => run([Buffer.from(`${dense}\u0001\\/"}}`)]), /control character/, dense.length);
    expectSyntaxError(() => run([Buffer.from(`${dense}\\x"}}`)]), /invalid escape/, dense.length + 1);
    expectSyntaxError(() => run([Buffer.from(`${dense}\\u00zz"}}`)]), /invalid hex digit/, dense.length + 4);
    // A control character deep inside a long captured string (exercises the word-at-a-time check).
    for (const at of [0, 1, 2, 3, 4, 5, 1000, 65535, 65536, 70001]) {
      const body = Buffer.from(`{"Content":{"ZipFile":"${'A'.repeat(80_000)}"}}`);
      body[23 + at] = 0x1f;
      expectSyntaxError(() => run([body]), /control character/, 23 + at);
      expectSyntaxError(() => run(fixedChunks(body, 4099)), /control character/, 23 + at);
    }
  });

  it('JsonFieldStream: deeply nested documents, when allowed', () => {
    const depth = 100_000;
    const text = `{"Content":{"ZipFile":"QUJD"},"deep":${'[{"a":'.repeat(depth)}1${'}]'.repeat(depth)}}`;
    const got = run(fixedChunks(Buffer.from(text), 4096), ALL, 4 << 20, 2 * depth + 2);
    expect(got.captured).toEqual([AWS]);
    expect(got.texts.get(JSON.stringify(AWS))).toBe('QUJD');
    expect((got.document as { deep: unknown[] }).deep.length).toBe(1);
    expectSyntaxError(() => run([Buffer.from('['.repeat(depth))], ALL, 4 << 20, depth + 1), /unexpected end/, depth);
  });

  it('JsonFieldStream: refuses nesting deeper than maxDepth (default 64) as soon as it arrives', () => {
    expect(run([Buffer.from(`{"a":${'['.repeat(63)}${']'.repeat(63)}}`)]).document).toBeDefined();
    expectSyntaxError(() => run([Buffer.from(`{"a":${'['.repeat(64)}`)]), /nesting deeper than 64 levels/, 68);
    expectSyntaxError(() => run([Buffer.from('['.repeat(10))], ALL, undefined, 3), /nesting deeper than 3 levels/, 3);
  });

  it('JsonFieldStream: with ignoreKeyCase, keys match whatever their case, and two spellings are a duplicate', () => {
    const stream = (text: string) => {
      const texts: string[] = [];
      const s = new JsonFieldStream({ capture: [['code', 'zipFile']], ignoreKeyCase: true, onData: (_p, t) => texts.push(t) });
      s.write(Buffer.from(text));
      return { ...s.end(), texts };
    };
    const got = stream('{"CODE":{"ZipFile":"QUJD"}}');
    expect(got.texts.join('')).toBe('QUJD');
    expect(got.document).toEqual({ CODE: { ZipFile: '' } });
    expect(got.captured).toEqual([['code', 'zipFile']]);
    expect(() => stream('{"Code":{"zipFile":"QQ=="},"code":{"zipFile":"QQ=="}}')).toThrow(JsonDuplicateFieldError);
  });

  it('JsonFieldStream: accepts Uint8Array chunks that are not Buffers', () => {
    const bytes = new TextEncoder().encode('{"Content":{"ZipFile":"UEsD"},"é":1}');
    const copy = new Uint8Array(new ArrayBuffer(bytes.length + 5), 3, bytes.length);
    copy.set(bytes);
    const got = run([copy.subarray(0, 10), copy.subarray(10)]);
    expect(got.document).toEqual({ Content: { ZipFile: '' }, é: 1 });
    expect(got.texts.get(JSON.stringify(AWS))).toBe('UEsD');
  });

  it('JsonFieldStream: maxRestBytes limits the non-captured remainder only', () => {
    const big = 'A'.repeat(200_000);
    // The captured field does not count.
    const ok = run(fixedChunks(Buffer.from(`{"Content":{"ZipFile":"${big}"},"d":"x"}`), 16_384), ALL, 100);
    expect(ok.texts.get(JSON.stringify(AWS))).toBe(big);
    // A large non-captured field does, whatever the chunking.
    for (const size of [1_000, 65_536, 1 << 20]) {
      const body = Buffer.from(`{"Description":"${big}","Content":{"ZipFile":"QUJD"}}`);
      expect(() => run(fixedChunks(body, size), ALL, 100_000)).toThrow(JsonTooLargeError);
    }
    const err = (() => {
      try {
        run([Buffer.from(`{"Content":{"S3Key":"${'k'.repeat(2 << 20)}"}}`)]);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(JsonTooLargeError);
    expect(err).not.toBeInstanceOf(JsonSyntaxError);
    // Exactly at the limit is fine.
    const doc = '{"a":"xyz"}';
    expect(run([Buffer.from(doc)], ALL, doc.length).document).toEqual({ a: 'xyz' });
    expect(() => run([Buffer.from(doc)], ALL, doc.length - 1)).toThrow(JsonTooLargeError);
  });

  it('JsonFieldStream: an error thrown by onData propagates and makes the stream unusable', () => {
    const boom = new Error('sink failed');
    const stream = new JsonFieldStream({
      capture: ALL,
      onData: () => {
        throw boom;
      },
    });
    expect(() => stream.write(Buffer.from('{"Content":{"ZipFile":"QUJD"}}'))).toThrow(boom);
    expect(() => stream.write(Buffer.from(' '))).toThrow(boom);
    expect(() => stream.end()).toThrow(boom);
  });

  it('JsonFieldStream: write() after end() throws', () => {
    const stream = new JsonFieldStream({ capture: ALL, onData: () => undefined });
    stream.write(Buffer.from('{}'));
    expect(stream.end().document).toEqual({});
    expect(() => stream.write(Buffer.from(' '))).toThrow(/after end/);
  });

  it('JsonFieldStream: 64 MiB base64 layer round trip into Base64StreamDecoder (sha256)', () => {
    const raw = randomBytes(48 * 1024 * 1024);
    const wantSha = createHash('sha256').update(raw).digest('hex');
    const b64 = raw.toString('base64');
    expect(b64.length).toBe(64 * 1024 * 1024);
    const body = Buffer.from(
      `{"Content":{"ZipFile":"${b64}"},"CompatibleRuntimes":["nodejs20.x"],"Description":"layer \u00e9"}`,
    );
    const rand = prng(64);
    const chunks: Buffer[] = [];
    for (let i = 0; i < body.length; ) {
      const n = 16 * 1024 + Math.floor(rand() * 48 * 1024); // 16-64 KiB
      chunks.push(body.subarray(i, i + n));
      i += n;
    }

    const hash = createHash('sha256');
    const decoder = new Base64StreamDecoder();
    let pieces = 0;
    const stream = new JsonFieldStream({
      capture: ALL,
      onData: (path, text) => {
        expect(path).toEqual(AWS);
        pieces++;
        hash.update(decoder.push(text));
      },
    });
    for (const c of chunks) stream.write(c);
    const result = stream.end();
    hash.update(decoder.end());

    expect(hash.digest('hex')).toBe(wantSha);
    expect(pieces).toBeGreaterThanOrEqual(chunks.length - 1);
    expect(result.captured).toEqual([['Content', 'ZipFile']]);
    expect(result.document).toEqual({
      Content: { ZipFile: '' },
      CompatibleRuntimes: ['nodejs20.x'],
      Description: 'layer \u00e9',
    });
  });

  it('JsonFieldStream: 8 MiB base64 with every slash escaped round trips into Base64StreamDecoder', () => {
    const raw = randomBytes(6 * 1024 * 1024);
    const b64 = raw.toString('base64');
    const body = Buffer.from(`{"Code":{"zipFile":"${b64.replaceAll('/', '\\/')}"},"description":"x"}`);
    const hash = createHash('sha256');
    const decoder = new Base64StreamDecoder();
    const stream = new JsonFieldStream({ capture: ALL, onData: (_path, text) => hash.update(decoder.push(text)) });
    for (const c of randomChunks(body, prng(8), 64 * 1024)) stream.write(c);
    expect(stream.end().document).toEqual({ Code: { zipFile: '' }, description: 'x' });
    hash.update(decoder.end());
    expect(hash.digest('hex')).toBe(createHash('sha256').update(raw).digest('hex'));
  });

  it('JsonFieldStream: with consumerRejectsControlCharacters, raw control characters are still JSON errors at their position', () => {
    /** Decodes the capture with the strict base64 decoder, as ingest does. */
    const decode = (chunks: readonly Buffer[]) => {
      const decoder = new Base64StreamDecoder();
      const stream = new JsonFieldStream({
        capture: ALL, consumerRejectsControlCharacters: true, onData: (_path, text) => void decoder.push(text),
      });
      for (const c of chunks) stream.write(c);
      stream.end();
      decoder.end();
    };
    const cases: [body: string, position: number][] = [
      ['{"Content":{"ZipFile":"QU\nJD"}}', 25],
      ['{"Content":{"ZipFile":"QU\tJD"}}', 25],
      ['{"Content":{"ZipFile":"QUJD\u0001"}}', 27],
      // A control character before an invalid escape, and in escape-dense text.
      ['{"Content":{"ZipFile":"QU\u0001J\\xD"}}', 25],
      ['{"Content":{"ZipFile":"AB\\/CD\\/\u0001\\/"}}', 31],
    ];
    for (const [body, position] of cases) {
      for (const chunks of allFeedings(Buffer.from(body))) {
        expectSyntaxError(() => decode(chunks), /unescaped control character/, position);
      }
    }
    for (const at of [0, 1, 5, 65535, 65536, 70001]) {
      const body = Buffer.from(`{"Content":{"ZipFile":"${'A'.repeat(80_000)}"}}`);
      body[23 + at] = 0x1f;
      expectSyntaxError(() => decode([body]), /control character/, 23 + at);
      expectSyntaxError(() => decode(fixedChunks(body, 4099)), /control character/, 23 + at);
    }
    // In the same piece as a character base64 refuses (which the consumer sees first), the control character wins.
    expectSyntaxError(() => decode([Buffer.from('{"Content":{"ZipFile":"Q-U\u0001JD"}}')]), /control character/, 26);
    // Without a raw control character the consumer's own error stands, and escapes keep their JSON errors.
    expectPositionedError(Base64Error, () => decode([Buffer.from('{"Content":{"ZipFile":"Q-UJ"}}')]), /invalid base64 character/, 1);
    expectSyntaxError(() => decode([Buffer.from('{"Content":{"ZipFile":"QU\\xJD"}}')]), /invalid escape/, 26);
  });
});
