/**
 * The lexical vocabulary of json-field-stream.ts: scanner states, escape and number sub-states, byte classes
 * and the small byte-level helpers its state machine is written in.
 */
import type { Buffer } from 'node:buffer';

export const S_VALUE = 0; // expecting a value
export const S_ARRAY_FIRST = 1; // after '[': a value or ']'
export const S_OBJECT_FIRST = 2; // after '{': a key or '}'
export const S_KEY = 3; // after ',' in an object: a key
export const S_COLON = 4; // after a key: ':'
export const S_AFTER = 5; // after a value: ',' or a closing bracket (or the end, at the top level)
export const S_STRING = 6; // inside a non-captured string value
export const S_KEY_STRING = 7; // inside an object key
export const S_CAPTURE = 8; // inside a captured string value
export const S_NUMBER = 9;
export const S_LITERAL = 10;

// Escape sub-state inside strings: 0 = none, 1 = after '\', 2..5 = expecting hex digit 1..4.
export const E_NONE = 0;
export const E_BACKSLASH = 1;
export const E_HEX1 = 2;
export const E_HEX4 = 5;

// Number sub-states; the terminal ones (a number may end there) are N_ZERO, N_INT, N_FRAC, N_EXP.
export const N_MINUS = 0;
export const N_ZERO = 1;
export const N_INT = 2;
export const N_DOT = 3;
export const N_FRAC = 4;
export const N_E = 5;
export const N_E_SIGN = 6;
export const N_EXP = 7;

export const K_OBJECT = 0;
export const K_ARRAY = 1;

// Flags of a tracked path.
export const T_CAPTURE = 1; // a string value here is captured
export const T_PREFIX = 2; // an object here may contain captured fields

/** Input is processed in slices of at most this many bytes (bounds work between limit checks). */
export const SLICE = 64 * 1024;


export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;

/**
 * Index of the first byte < 0x20 (a control character, which JSON forbids raw inside strings) in
 * buf[from, to), or -1. Tests four bytes at a time with the "has a byte less than n" word trick
 * (exact for n <= 128), roughly 3x faster than a /[\x00-\x1f]/ test of the decoded text.
 */
export function findControlByte(buf: Buffer, from: number, to: number): number {
  let i = from;
  if (to - from < 64) {
    for (; i < to; i++) if ((buf[i] as number) < 0x20) return i;
    return -1;
  }
  while (i < to && ((buf.byteOffset + i) & 3) !== 0) {
    if ((buf[i] as number) < 0x20) return i;
    i++;
  }
  const words = (to - i) >>> 2;
  if (words > 0) {
    const view = new Int32Array(buf.buffer, buf.byteOffset + i, words);
    let acc = 0;
    for (let k = 0; k < words; k++) {
      const w = view[k] as number;
      acc |= (w - 0x20202020) & ~w;
    }
    if ((acc & 0x80808080) === 0) {
      i += words * 4;
    }
  }
  for (; i < to; i++) if ((buf[i] as number) < 0x20) return i;
  return -1;
}

export function isWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

export function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

export function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const l = b | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

/** Byte value of a one-character escape (indexed by the byte after '\'), -1 if invalid. */
export const ESCAPE_BYTE = new Int16Array(256).fill(-1);
for (const [c, v] of [['"', 0x22], ['\\', 0x5c], ['/', 0x2f], ['b', 8], ['f', 12], ['n', 10], ['r', 13], ['t', 9]] as const) {
  ESCAPE_BYTE[c.charCodeAt(0)] = v;
}

/** In a captured string, escapes less than this many bytes apart are unescaped byte by byte. */
export const DENSE_ESCAPE_DISTANCE = 256;

/** Unescaped value of a one-character escape (the byte after '\'), or undefined if invalid. */
export function simpleEscape(b: number): string | undefined {
  switch (b) {
    case 0x22: return '"';
    case 0x5c: return '\\';
    case 0x2f: return '/';
    case 0x62: return '\b';
    case 0x66: return '\f';
    case 0x6e: return '\n';
    case 0x72: return '\r';
    case 0x74: return '\t';
    default: return undefined;
  }
}

export function describeByte(b: number): string {
  const hex = `0x${b.toString(16).padStart(2, '0')}`;
  return b >= 0x21 && b <= 0x7e ? `'${String.fromCharCode(b)}' (${hex})` : hex;
}
