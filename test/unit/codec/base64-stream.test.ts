import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Base64Error, Base64StreamDecoder, decodeBase64Strict } from '../../../src/codec/base64-stream.js';
import { expectPositionedError, fixedPieces, prng, randomPieces, splitAt } from '../../helpers/pieces.js';

/** Feeds `text` in the given pieces; returns the decoded bytes (throws what the decoder throws). */
function decodePieces(pieces: readonly string[]): Buffer {
  const decoder = new Base64StreamDecoder();
  const out: Buffer[] = [];
  for (const p of pieces) out.push(decoder.push(p));
  out.push(decoder.end());
  return Buffer.concat(out);
}

/** Every way of feeding `text` this test suite tries. */
function allFeedings(text: string, seed = 1): string[][] {
  const feedings: string[][] = [[text]];
  for (let cut = 0; cut <= text.length; cut++) feedings.push(splitAt(text, [cut]));
  for (const size of [1, 2, 3, 5]) feedings.push(fixedPieces(text, size));
  const rand = prng(seed);
  for (let k = 0; k < 20; k++) feedings.push(randomPieces(text, rand, 7));
  return feedings;
}

function expectBase64Error(fn: () => unknown, message?: RegExp, position?: number): Base64Error {
  const err = expectPositionedError(Base64Error, fn, message, position);
  expect(err).toBeInstanceOf(Error);
  return err;
}

describe('Base64StreamDecoder', () => {
  it('Base64StreamDecoder: decodes the RFC 4648 test vectors', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(decodeBase64Strict(encoded).toString('latin1')).toBe(plain);
      for (const pieces of allFeedings(encoded)) {
        expect(decodePieces(pieces).toString('latin1')).toBe(plain);
      }
    }
  });

  it('Base64StreamDecoder: empty input decodes to empty', () => {
    expect(decodeBase64Strict('').length).toBe(0);
    const decoder = new Base64StreamDecoder();
    expect(decoder.push('').length).toBe(0);
    expect(decoder.end().length).toBe(0);
  });

  it('Base64StreamDecoder: every split position of small inputs matches Buffer.from(base64)', () => {
    const rand = prng(42);
    for (let len = 0; len <= 40; len++) {
      const bytes = Buffer.from(Array.from({ length: len }, () => Math.floor(rand() * 256)));
      const text = bytes.toString('base64');
      for (const pieces of allFeedings(text, len)) {
        expect(decodePieces(pieces).equals(bytes)).toBe(true);
      }
    }
  });

  it('Base64StreamDecoder: random chunking of a 1 MiB input matches Buffer.from(base64)', () => {
    const rand = prng(7);
    for (const len of [1 << 20, (1 << 20) + 1, (1 << 20) + 2]) {
      const bytes = randomBytes(len);
      const text = bytes.toString('base64');
      const pieces: string[] = [];
      for (let i = 0; i < text.length; ) {
        const n = 1 + Math.floor(rand() * 70_000);
        pieces.push(text.slice(i, i + n));
        i += n;
      }
      expect(decodePieces(pieces).equals(bytes)).toBe(true);
    }
  });

  it('Base64StreamDecoder: returns bytes as soon as a quantum is complete (at most 3 chars pending)', () => {
    const decoder = new Base64StreamDecoder();
    expect(decoder.push('QU').length).toBe(0);
    expect(decoder.push('J').length).toBe(0);
    expect(decoder.push('DR').toString('latin1')).toBe('ABC');
    expect(decoder.push('EVG').toString('latin1')).toBe('DEF');
    expect(decoder.push('R0').length).toBe(0);
    expect(decoder.push('hJSg==').toString('latin1')).toBe('GHIJ');
    expect(decoder.end().length).toBe(0);
  });

  it('Base64StreamDecoder: rejects characters outside the standard alphabet', () => {
    const cases: [string, number][] = [
      ['QUJD REVG', 4], // space
      ['QUJD\nREVG', 4], // line break (MIME style)
      ['QUJD\r\nREVG', 4],
      ['QUJ\tD', 3],
      ['QU-D', 2], // URL-safe alphabet
      ['QU_D', 2],
      ['QUJD*EVG', 4],
      ['QUJDŁEVG', 4], // Node's own decoder reads U+0141 as 'A'
      ['QUJD\u0000EVG', 4],
      ['QUJDé', 4],
      ['😀QUJ', 0],
    ];
    for (const [text, position] of cases) {
      expectBase64Error(() => decodeBase64Strict(text), /invalid base64 character/, position);
      for (const pieces of allFeedings(text)) {
        expectBase64Error(() => decodePieces(pieces), /invalid base64 character/, position);
      }
    }
  });

  it('Base64StreamDecoder: rejects misplaced padding', () => {
    const cases: [string, RegExp][] = [
      ['=', /unexpected padding|truncated/],
      ['====', /unexpected padding/],
      ['Q===', /unexpected padding/],
      ['=QUJ', /unexpected padding/],
      ['Q=UJ', /unexpected padding/],
      ['QU=J', /incomplete padding|data after padding/],
      ['QUJDQ=UJ', /unexpected padding/],
    ];
    for (const [text, message] of cases) {
      expectBase64Error(() => decodeBase64Strict(text), message);
      for (const pieces of allFeedings(text)) expectBase64Error(() => decodePieces(pieces), message);
    }
  });

  it('Base64StreamDecoder: rejects data after padding', () => {
    for (const text of ['QQ==QUJD', 'QUI=QUJD', 'QQ==Q', 'QUI=QQ==', 'QQ===', 'QUI==', 'QQ== ']) {
      for (const pieces of allFeedings(text)) {
        expectBase64Error(() => decodePieces(pieces), /data after padding|invalid base64 character/, 4);
      }
    }
    const decoder = new Base64StreamDecoder();
    expect(decoder.push('QQ==').toString('latin1')).toBe('A');
    expectBase64Error(() => decoder.push('QQ=='), /data after padding/, 4);
  });

  it('Base64StreamDecoder: rejects unpadded or truncated input (length not a multiple of 4)', () => {
    for (const text of ['Q', 'QQ', 'QUI', 'QUJDQ', 'QUJDQQ', 'QUJDQUI', 'QQ=', 'QUJDQQ=']) {
      expectBase64Error(() => decodeBase64Strict(text), /truncated/);
      for (const pieces of allFeedings(text)) expectBase64Error(() => decodePieces(pieces), /truncated/);
    }
  });

  it('Base64StreamDecoder: rejects non-canonical padding', () => {
    // "QQ==" is 'A'; "QR==".."QV==" decode to 'A' too but have non-zero unused bits.
    expect(decodeBase64Strict('QQ==').toString('latin1')).toBe('A');
    expect(decodeBase64Strict('QUI=').toString('latin1')).toBe('AB');
    for (const text of ['QR==', 'QS==', 'QV==', 'QUJ=', 'QUL=', 'QUJDQR==', 'QUJDQUL=', '//==', '///=']) {
      for (const pieces of allFeedings(text)) {
        expectBase64Error(() => decodePieces(pieces), /non-canonical padding/, text.indexOf('=') - 1);
      }
    }
  });

  it('Base64StreamDecoder: every single-character corruption of a valid input is rejected', () => {
    const bytes = Buffer.from('layer-zip\u0000\u00ff', 'latin1');
    const valid = bytes.toString('base64'); // ends with one '='
    for (let i = 0; i < valid.length; i++) {
      for (const c of [' ', '-', '_', '=', '.', '\n', 'é']) {
        if (valid[i] === c) continue;
        const bad = valid.slice(0, i) + c + valid.slice(i + 1);
        for (const pieces of [[bad], fixedPieces(bad, 1), fixedPieces(bad, 3)]) {
          expectBase64Error(() => decodePieces(pieces));
        }
      }
    }
  });

  it('Base64StreamDecoder: errors are sticky and push() after end() throws', () => {
    const decoder = new Base64StreamDecoder();
    const first = expectBase64Error(() => decoder.push('QU-D'));
    expect(() => decoder.push('QUJD')).toThrow(first);
    expect(() => decoder.end()).toThrow(first);

    const finished = new Base64StreamDecoder();
    finished.push('QUJD');
    finished.end();
    expect(() => finished.push('QUJD')).toThrow(/after end/);
  });
});
