import { Buffer } from 'node:buffer';

/**
 * Strict, incremental base64 decoding (RFC 4648 section 4, standard alphabet, '=' padding).
 *
 * Accepted: the alphabet A-Z a-z 0-9 + /, total length a multiple of 4, padding only as the final
 * one or two characters of the whole input, and canonical padding (the unused low bits of the
 * last significant character must be zero). Everything else -- whitespace, the URL-safe '-' and
 * '_', unpadded input, data after padding, non-canonical padding bits -- is rejected with a
 * Base64Error.
 *
 * Speed: each push() validates and decodes its 4-aligned run natively. Node's own base64 decoder
 * is lenient (it skips whitespace, accepts '-' and '_', tolerates sloppy padding), so a run is
 * decoded with Buffer#write and then accepted only if nothing was lenient: for text that native string
 * searches find free of '-', '_' and non-ASCII characters (all of it, in practice), the byte count must
 * be what the run's length promises (isStrictAsciiRun); other text is re-encoded and compared
 * (`encode(decode(run)) === run`, the same predicate, which every run used to pay). A precise
 * error is located by a slow character-by-character scan only once a run has been found invalid.
 */

export class Base64Error extends Error {
  /** Offset, in characters from the start of the whole input, of the offending character. */
  readonly position: number;

  constructor(message: string, position: number) {
    super(`${message} at position ${position}`);
    this.name = 'Base64Error';
    this.position = position;
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PAD = 0x3d; // '='

/** Sextet value of each ASCII character, -1 when it is not in the standard alphabet. */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

function sextet(code: number): number {
  return code < 128 ? (VALUE[code] as number) : -1;
}

function describe(code: number): string {
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  return code >= 0x21 && code <= 0x7e ? `'${String.fromCharCode(code)}' (U+${hex})` : `U+${hex}`;
}

/**
 * Finds why a 4-aligned string `s` is not strict base64 (when it is the last run of the input,
 * trailing padding is fine; otherwise the caller reports padding separately). `base` is the
 * absolute position of s[0]. Called only on the error path.
 */
function explain(s: string, base: number): Base64Error {
  for (let j = 0; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (sextet(c) >= 0) continue;
    if (c !== PAD) return new Base64Error(`invalid base64 character ${describe(c)}`, base + j);
    const k = j & 3;
    if (k < 2) return new Base64Error('unexpected padding character', base + j);
    if (k === 2 && s.charCodeAt(j + 1) !== PAD) {
      return new Base64Error('incomplete padding', base + j + 1);
    }
    const quantumEnd = j - k + 4;
    if (quantumEnd < s.length) return new Base64Error('data after padding', base + quantumEnd);
    const last = sextet(s.charCodeAt(j - 1));
    if ((k === 2 && (last & 0x0f) !== 0) || (k === 3 && (last & 0x03) !== 0)) {
      return new Base64Error('non-canonical padding (unused bits are not zero)', base + j - 1);
    }
    break;
  }
  return new Base64Error('invalid base64', base);
}

/**
 * Whether `text` can be decoded by Node's (lenient) decoder and judged by the byte count alone: it has no
 * character past U+007F (Node reads only the low 8 bits of those past U+00FF) and no '-' or '_' (which Node
 * reads as '+' and '/'). Checked once per push, natively, on the whole text.
 */
function isPlainAscii(text: string): boolean {
  return text.indexOf('-') < 0 && text.indexOf('_') < 0 && Buffer.byteLength(text, 'utf8') === text.length;
}

/**
 * Whether a 4-aligned run of plain ASCII (isPlainAscii) that Node's decoder turned into `written` bytes is
 * strict base64. Node's decoder skips other characters outside its alphabet and stops at a '=', so either
 * leaves fewer bytes than the run's length promises; it also ignores the unused bits before padding.
 */
function isStrictAsciiRun(run: string, written: number): boolean {
  const n = run.length;
  const pad = run.charCodeAt(n - 1) !== PAD ? 0 : run.charCodeAt(n - 2) !== PAD ? 1 : 2;
  if (written !== (n / 4) * 3 - pad) return false;
  if (pad === 0) return true;
  const last = sextet(run.charCodeAt(n - pad - 1));
  return last >= 0 && (last & (pad === 2 ? 0x0f : 0x03)) === 0;
}

const EMPTY: Buffer = Buffer.alloc(0);

export interface Base64StreamOptions {
  /**
   * Decode every push() into one buffer of the decoder's own, reused: what push() returns is then valid only
   * until the next call. Spares an allocation per call (and the garbage) for callers that copy the bytes out.
   */
  reuseOutput?: boolean;
}

export class Base64StreamDecoder {
  readonly #reuse: boolean;
  #output: Buffer | undefined;
  /** Up to 3 characters of an incomplete quantum, each already checked to be plausible. */
  #pending = '';
  /** Characters received so far (including those in #pending). */
  #received = 0;
  /** A quantum ending with padding has been decoded: the input must end here. */
  #padded = false;
  #ended = false;
  /** Once the input has been found invalid, every later call rethrows this error. */
  #error: Base64Error | undefined;

  constructor(opts: Base64StreamOptions = {}) {
    this.#reuse = opts.reuseOutput ?? false;
  }

  /** Decodes as much of the input seen so far as possible; returns the new bytes (maybe empty). */
  push(text: string): Buffer {
    if (this.#error !== undefined) throw this.#error;
    if (this.#ended) throw new Error('Base64StreamDecoder: push() after end()');
    if (text.length === 0) return EMPTY;
    try {
      return this.#push(text);
    } catch (err) {
      if (err instanceof Base64Error) this.#error = err;
      throw err;
    }
  }

  /** Finishes decoding. Throws if the input was truncated (length not a multiple of 4). */
  end(): Buffer {
    if (this.#error !== undefined) throw this.#error;
    if (this.#ended) return EMPTY;
    this.#ended = true;
    if (this.#pending.length > 0) {
      this.#error = new Base64Error(
        'truncated base64 input (length is not a multiple of 4)',
        this.#received - this.#pending.length,
      );
      throw this.#error;
    }
    return EMPTY;
  }

  #push(text: string): Buffer {
    const n = text.length;
    const start = this.#received; // absolute position of text[0]
    if (this.#padded) throw new Base64Error('data after padding', start);
    this.#received = start + n;

    const pending = this.#pending;
    let head = '';
    let i = 0;
    if (pending.length > 0) {
      const need = 4 - pending.length;
      if (n < need) {
        this.#pending = pending + text;
        this.#checkPartial(start - pending.length);
        return EMPTY;
      }
      head = pending + text.slice(0, need);
      i = need;
    }
    const runLen = n - i - ((n - i) % 4);
    const tailLen = n - i - runLen;

    // The held characters of #pending were vetted already: the text alone decides.
    const ascii = isPlainAscii(text);
    const out = this.#outputFor(((head.length + runLen) / 4) * 3);
    let written = 0;
    if (head.length > 0) {
      written = this.#decodeRun(head, out, 0, start - pending.length, ascii);
      if (this.#padded && n > i) throw new Base64Error('data after padding', start + i);
    }
    if (runLen > 0) {
      const run = runLen === n ? text : text.slice(i, i + runLen);
      written += this.#decodeRun(run, out, written, start + i, ascii);
      if (this.#padded && tailLen > 0) {
        throw new Base64Error('data after padding', start + n - tailLen);
      }
    }
    // Keep (and already vet) the incomplete quantum, so bad input is rejected as early as possible.
    this.#pending = tailLen > 0 ? text.slice(n - tailLen) : '';
    if (tailLen > 0) this.#checkPartial(start + n - tailLen);
    return written === out.length ? out : out.subarray(0, written);
  }

  /** A buffer of exactly `size` bytes: a fresh one, or (reuseOutput) a view of the decoder's own. */
  #outputFor(size: number): Buffer {
    if (!this.#reuse) return Buffer.allocUnsafe(size);
    if (this.#output === undefined || this.#output.length < size) this.#output = Buffer.allocUnsafe(Math.max(size, 64 << 10));
    return this.#output.subarray(0, size);
  }

  /** Decodes a 4-aligned run into out at offset; returns the number of bytes written. */
  #decodeRun(run: string, out: Buffer, offset: number, base: number, ascii: boolean): number {
    const written = out.write(run, offset, 'base64');
    const strict = ascii ? isStrictAsciiRun(run, written) : out.toString('base64', offset, offset + written) === run;
    if (!strict) throw explain(run, base);
    if (run.charCodeAt(run.length - 1) === PAD) this.#padded = true;
    return written;
  }

  /** Checks the characters of an incomplete quantum held in #pending (base = its position). */
  #checkPartial(base: number): void {
    const p = this.#pending;
    for (let k = 0; k < p.length; k++) {
      const c = p.charCodeAt(k);
      if (sextet(c) >= 0) {
        if (k > 0 && p.charCodeAt(k - 1) === PAD) throw new Base64Error('data after padding', base + k);
        continue;
      }
      if (c !== PAD) throw new Base64Error(`invalid base64 character ${describe(c)}`, base + k);
      if (k < 2) throw new Base64Error('unexpected padding character', base + k);
    }
  }
}

/** Decodes a complete base64 string with the same strict rules as Base64StreamDecoder. */
export function decodeBase64Strict(text: string): Buffer {
  const decoder = new Base64StreamDecoder();
  const out = decoder.push(text);
  decoder.end();
  return out;
}
