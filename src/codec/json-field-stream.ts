import { Buffer } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';
import {
  S_VALUE, S_ARRAY_FIRST, S_OBJECT_FIRST, S_KEY, S_COLON, S_AFTER, S_STRING, S_KEY_STRING, S_CAPTURE, S_NUMBER,
  S_LITERAL, E_NONE, E_BACKSLASH, E_HEX1, E_HEX4, N_MINUS, N_ZERO, N_INT, N_DOT, N_FRAC, N_E, N_E_SIGN, N_EXP,
  K_OBJECT, K_ARRAY, T_CAPTURE, T_PREFIX, SLICE, QUOTE, BACKSLASH, findControlByte, isWhitespace, isDigit,
  hexValue, ESCAPE_BYTE, DENSE_ESCAPE_DISTANCE, simpleEscape, describeByte,
} from './json-lexical.js';

/**
 * A push parser for JSON request bodies that diverts the contents of selected string fields
 * (e.g. a base64 layer zip of tens of megabytes) to a callback while the body streams in, and
 * keeps only the small remainder of the document in memory.
 *
 * The scanner is a complete JSON tokenizer at the structural level (RFC 8259 grammar: nesting,
 * keys, string escapes, control characters, numbers, literals, a single top-level value with
 * optional surrounding whitespace), so every syntax error is reported as a JsonSyntaxError with the
 * byte offset where the input stopped being JSON, as soon as that byte arrives. The non-captured
 * remainder is re-assembled (captured strings replaced by "") and handed to JSON.parse at end(),
 * which builds the document with JSON.parse's usual semantics (last duplicate key wins for
 * non-captured keys, "__proto__" is an ordinary own property, ...).
 *
 * Captured strings are scanned with native byte searches (Buffer#indexOf for the closing quote and
 * for backslashes) and decoded with Buffer#toString, not with a per-byte state machine. Raw control
 * characters, which JSON forbids inside strings, are looked for four bytes at a time. Runs of
 * closely spaced escapes (an encoder that writes every '/' as "\/") are unescaped by a per-byte
 * loop, which is correct but about 3-5x slower than the escape-free path.
 *
 * Bytes are decoded as UTF-8 the way Buffer#toString does (invalid sequences become U+FFFD), so the
 * result is what JSON.parse(Buffer.concat(chunks).toString()) would give. Like JSON.parse, a
 * leading byte order mark is rejected.
 */

export class JsonSyntaxError extends Error {
  /** Byte offset in the whole input at which the input was found not to be JSON. */
  readonly position: number;

  constructor(message: string, position: number) {
    super(`${message} at position ${position}`);
    this.name = 'JsonSyntaxError';
    this.position = position;
  }
}

/** A captured field, or an object on the way to one, appears twice. */
export class JsonDuplicateFieldError extends JsonSyntaxError {}

/** The non-captured part of the document grew beyond maxRestBytes. */
export class JsonTooLargeError extends Error {
  readonly limit: number;

  constructor(limit: number) {
    super(`JSON document (not counting captured fields) exceeds ${limit} bytes`);
    this.name = 'JsonTooLargeError';
    this.limit = limit;
  }
}

export interface FieldCapture {
  /** Object keys from the root, exact case. */
  path: readonly string[];
}

export interface JsonFieldStreamOptions {
  /** Paths (object keys from the root, exact case) whose string values are diverted to onData. */
  capture: readonly (readonly string[])[];
  /**
   * Receives the unescaped content of a captured string, in order, in pieces of arbitrary size
   * (a piece may even end between the two halves of a \uXXXX surrogate pair); the concatenation of
   * the pieces is the string's value. `path` is the same frozen array for every piece of a field.
   * May throw: the error propagates out of write() and the stream is then unusable.
   */
  onData: (path: readonly string[], text: string) => void;
  /** Match capture paths without regard to the case of keys (FC's backend reads `Code` as `code`). */
  ignoreKeyCase?: boolean;
  /**
   * The caller's onData throws on any text holding a character below U+0020 (a strict base64 decoder does):
   * captured bytes are then not scanned for raw control characters up front. When onData throws, the bytes it
   * was given are scanned, and a raw control character among them is reported as the JsonSyntaxError (same
   * message and position) that the up-front scan would have thrown; otherwise onData's error propagates.
   */
  consumerRejectsControlCharacters?: boolean;
  /** Deepest nesting of arrays and objects accepted. Default 64 (request documents are shallow). */
  maxDepth?: number;
  /** Limit on the non-captured remainder of the document, in bytes. Default 1 MiB. */
  maxRestBytes?: number;
}

export interface JsonFieldStreamResult {
  /** The parsed document, each captured string value replaced by "". */
  document: unknown;
  /** Paths whose values were captured, in input order. */
  captured: string[][];
}

interface Tracked {
  flags: number;
  path: readonly string[];
}

interface Frame {
  readonly kind: number;
  /** For an object that may contain captured fields: its path; otherwise null. */
  readonly path: readonly string[] | null;
}

const LITERALS = ['true', 'false', 'null'] as const;

// Frames of containers that cannot hold captured fields are shared (deep nesting stays cheap).
const ARRAY_FRAME: Frame = Object.freeze({ kind: K_ARRAY, path: null });
const OBJECT_FRAME: Frame = Object.freeze({ kind: K_OBJECT, path: null });

export class JsonFieldStream {
  readonly #onData: (path: readonly string[], text: string) => void;
  readonly #maxRestBytes: number;
  /** JSON.stringify(path) -> flags, for every capture path and every prefix of one. */
  readonly #tracked = new Map<string, Tracked>();
  /** Tracked keys seen so far (JSON.stringify(path)), to reject duplicates. */
  readonly #seen = new Set<string>();
  readonly #captured: string[][] = [];

  #state = S_VALUE;
  readonly #stack: Frame[] = [];
  /** Tracking info for the value about to start (set by a key, or the root), null if untracked. */
  #valueTracked: Tracked | null;

  #esc = E_NONE;
  #hex = 0;
  #numState = N_MINUS;
  #literal = '';
  #literalIndex = 0;

  // Key being read.
  #keyParts: Buffer[] = [];
  #keyHasEscape = false;
  /** Start, in the current slice, of the key being read (-1: it started in an earlier slice). */
  #keyStart = -1;

  // Captured string being read.
  #capturePath: readonly string[] = [];
  #captureParts: string[] = [];
  readonly #utf8 = new StringDecoder('utf8');
  /** #utf8 has been written to since its last end() (it may hold part of a UTF-8 sequence). */
  #utf8Pending = false;
  /** Scratch space for unescaping escape-dense captured text (output is never longer than input). */
  #scratch: Buffer | undefined;

  // The non-captured remainder.
  readonly #rest: Buffer[] = [];
  #restBytes = 0;

  /** Absolute byte offset of the current slice. */
  #base = 0;
  #ended = false;
  #error: unknown = undefined;

  constructor(opts: JsonFieldStreamOptions) {
    this.#onData = opts.onData;
    this.#lazyControlCheck = opts.consumerRejectsControlCharacters ?? false;
    const max = opts.maxRestBytes ?? 1024 * 1024;
    if (!(max >= 0)) throw new RangeError('maxRestBytes must be a non-negative number');
    this.#maxRestBytes = max;
    this.#ignoreKeyCase = opts.ignoreKeyCase ?? false;
    this.#maxDepth = opts.maxDepth ?? 64;
    for (const p of opts.capture) {
      for (let len = 0; len <= p.length; len++) {
        const path = Object.freeze(p.slice(0, len));
        const key = this.#idOf(path);
        let t = this.#tracked.get(key);
        if (t === undefined) {
          t = { flags: 0, path };
          this.#tracked.set(key, t);
        }
        t.flags |= len === p.length ? T_CAPTURE : T_PREFIX;
      }
    }
    this.#valueTracked = this.#tracked.get('[]') ?? null;
  }

  readonly #ignoreKeyCase: boolean;
  readonly #maxDepth: number;
  readonly #lazyControlCheck: boolean;
  /** Where the captured bytes of the current slice begin (what the next onData call is given starts there). */
  #captureFrom = 0;

  #idOf(path: readonly string[]): string {
    return JSON.stringify(this.#ignoreKeyCase ? path.map((k) => k.toLowerCase()) : path);
  }

  /** Feeds the next bytes of the document. May call onData synchronously. */
  write(chunk: Uint8Array): void {
    if (this.#error !== undefined) throw this.#error;
    if (this.#ended) throw new Error('JsonFieldStream: write() after end()');
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    try {
      for (let off = 0; off < buf.length; off += SLICE) {
        this.#process(off === 0 && buf.length <= SLICE ? buf : buf.subarray(off, off + SLICE));
      }
    } catch (err) {
      this.#error = err;
      throw err;
    }
  }

  /** Finishes the document and parses the non-captured remainder. */
  end(): JsonFieldStreamResult {
    if (this.#error !== undefined) throw this.#error;
    if (this.#ended) throw new Error('JsonFieldStream: end() called twice');
    this.#ended = true;
    try {
      return this.#finish();
    } catch (err) {
      this.#error = err;
      throw err;
    }
  }

  #finish(): JsonFieldStreamResult {
    if (this.#state === S_NUMBER && this.#stack.length === 0) this.#endNumber(this.#base);
    if (this.#state !== S_AFTER || this.#stack.length !== 0) {
      throw new JsonSyntaxError('unexpected end of JSON input', this.#base);
    }
    const text = Buffer.concat(this.#rest, this.#restBytes).toString('utf8');
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (err) {
      // Not expected: the tokenizer has validated the whole input already.
      throw new JsonSyntaxError(`invalid JSON (${(err as Error).message})`, this.#base);
    }
    return { document, captured: this.#captured.map((p) => p.slice()) };
  }

  #appendRest(buf: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.#restBytes += to - from;
    if (this.#restBytes > this.#maxRestBytes) throw new JsonTooLargeError(this.#maxRestBytes);
    this.#rest.push(Buffer.from(buf.subarray(from, to)));
  }

  #emit(text: string): void {
    if (text.length > 0) this.#captureParts.push(text);
  }

  /** Hands the captured text of buf[#captureFrom, end) to onData. */
  #flushCapture(buf: Buffer, end: number): void {
    const parts = this.#captureParts;
    if (parts.length === 0) return;
    const text = parts.length === 1 ? (parts[0] as string) : parts.join('');
    this.#captureParts = [];
    if (!this.#lazyControlCheck) {
      this.#onData(this.#capturePath, text);
      return;
    }
    try {
      this.#onData(this.#capturePath, text);
    } catch (err) {
      this.#failOnControlByte(buf, this.#captureFrom, end);
      throw err;
    }
  }

  #fail(message: string, pos: number): never {
    throw new JsonSyntaxError(message, this.#base + pos);
  }

  /** Throws if buf[from, to) holds a raw control character. */
  #failOnControlByte(buf: Buffer, from: number, to: number): void {
    const bad = findControlByte(buf, from, to);
    if (bad >= 0) this.#fail(`unescaped control character ${describeByte(buf[bad] as number)} in JSON string`, bad);
  }

  #unexpected(buf: Buffer, pos: number): never {
    const b = buf[pos] as number;
    this.#fail(`unexpected ${describeByte(b)} in JSON`, pos);
  }

  #process(buf: Buffer): void {
    const len = buf.length;
    let restStart = 0;
    let pos = 0;
    while (pos < len) {
      if (this.#state === S_CAPTURE) {
        const close = this.#lazyControlCheck ? this.#scanCaptureLazily(buf, pos) : this.#scanCapture(buf, pos);
        if (close < 0) {
          pos = len;
          break;
        }
        // The closing quote is kept in the remainder: with the opening one it forms "".
        restStart = close;
        pos = close + 1;
        this.#state = S_AFTER;
        continue;
      }
      pos = this.#scanStructure(buf, pos);
      if (this.#state === S_CAPTURE) {
        this.#appendRest(buf, restStart, pos); // up to and including the opening quote
        restStart = pos;
      }
    }
    if (this.#state === S_CAPTURE) {
      this.#flushCapture(buf, len);
    } else {
      this.#appendRest(buf, restStart, len);
      if (this.#state === S_KEY_STRING) this.#keyParts.push(this.#keySliceTail(buf));
    }
    this.#base += len;
  }

  /** Key bytes of the current slice that belong to an unfinished key. */
  #keySliceTail(buf: Buffer): Buffer {
    const start = this.#keyStart < 0 ? 0 : this.#keyStart;
    this.#keyStart = -1;
    return Buffer.from(buf.subarray(start, buf.length));
  }

  /**
   * Processes structural input from pos until the slice ends or a captured string begins (then the
   * returned position is just after its opening quote and the state is S_CAPTURE).
   */
  #scanStructure(buf: Buffer, pos: number): number {
    const len = buf.length;
    while (pos < len) {
      const b = buf[pos] as number;
      switch (this.#state) {
        case S_VALUE:
          if (isWhitespace(b)) break;
          if (this.#beginValue(buf, pos)) return pos + 1;
          break;
        case S_ARRAY_FIRST:
          if (isWhitespace(b)) break;
          if (b === 0x5d) {
            this.#closeContainer();
            break;
          }
          this.#valueTracked = null;
          if (this.#beginValue(buf, pos)) return pos + 1;
          break;
        case S_OBJECT_FIRST:
        case S_KEY:
          if (isWhitespace(b)) break;
          if (b === QUOTE) {
            this.#state = S_KEY_STRING;
            this.#esc = E_NONE;
            this.#keyParts = [];
            this.#keyHasEscape = false;
            this.#keyStart = pos + 1;
            break;
          }
          if (b === 0x7d && this.#state === S_OBJECT_FIRST) {
            this.#closeContainer();
            break;
          }
          return this.#unexpected(buf, pos);
        case S_COLON:
          if (isWhitespace(b)) break;
          if (b !== 0x3a) this.#unexpected(buf, pos);
          this.#state = S_VALUE;
          break;
        case S_AFTER: {
          if (isWhitespace(b)) break;
          const top = this.#stack[this.#stack.length - 1];
          if (top === undefined) {
            return this.#fail(`unexpected ${describeByte(b)} after JSON value`, pos);
          }
          if (b === 0x2c) {
            if (top.kind === K_OBJECT) {
              this.#state = S_KEY;
            } else {
              this.#state = S_VALUE;
              this.#valueTracked = null;
            }
          } else if ((b === 0x7d && top.kind === K_OBJECT) || (b === 0x5d && top.kind === K_ARRAY)) {
            this.#closeContainer();
          } else {
            this.#unexpected(buf, pos);
          }
          break;
        }
        case S_STRING:
        case S_KEY_STRING:
          pos = this.#scanPlainString(buf, pos);
          continue;
        case S_NUMBER:
          if (!this.#numberByte(b)) {
            this.#endNumber(pos);
            continue; // re-examine this byte in S_AFTER
          }
          break;
        case S_LITERAL:
          if (b !== this.#literal.charCodeAt(this.#literalIndex)) this.#unexpected(buf, pos);
          if (++this.#literalIndex === this.#literal.length) this.#state = S_AFTER;
          break;
        default:
          throw new Error(`JsonFieldStream: unexpected state ${this.#state}`);
      }
      pos++;
    }
    return pos;
  }

  /** Starts the value whose first byte is buf[pos]; returns true if it is a captured string. */
  #beginValue(buf: Buffer, pos: number): boolean {
    const b = buf[pos] as number;
    const tracked = this.#valueTracked;
    this.#valueTracked = null;
    if (b === QUOTE) {
      this.#esc = E_NONE;
      if (tracked !== null && (tracked.flags & T_CAPTURE) !== 0) {
        this.#state = S_CAPTURE;
        this.#capturePath = tracked.path;
        this.#captured.push(tracked.path.slice());
        return true;
      }
      this.#state = S_STRING;
    } else if ((b === 0x7b || b === 0x5b) && this.#stack.length >= this.#maxDepth) {
      this.#fail(`nesting deeper than ${this.#maxDepth} levels`, pos);
    } else if (b === 0x7b) {
      const tracksKeys = tracked !== null && (tracked.flags & T_PREFIX) !== 0;
      this.#stack.push(tracksKeys ? { kind: K_OBJECT, path: tracked.path } : OBJECT_FRAME);
      this.#state = S_OBJECT_FIRST;
    } else if (b === 0x5b) {
      this.#stack.push(ARRAY_FRAME);
      this.#state = S_ARRAY_FIRST;
    } else if (b === 0x2d || isDigit(b)) {
      this.#state = S_NUMBER;
      this.#numState = b === 0x2d ? N_MINUS : b === 0x30 ? N_ZERO : N_INT;
    } else if (b === 0x74 || b === 0x66 || b === 0x6e) {
      this.#state = S_LITERAL;
      this.#literal = b === 0x74 ? LITERALS[0] : b === 0x66 ? LITERALS[1] : LITERALS[2];
      this.#literalIndex = 1;
    } else {
      this.#unexpected(buf, pos);
    }
    return false;
  }

  #closeContainer(): void {
    this.#stack.pop();
    this.#state = S_AFTER;
  }

  /** Advances the number state machine; false if b cannot continue the number. */
  #numberByte(b: number): boolean {
    switch (this.#numState) {
      case N_MINUS:
        if (b === 0x30) this.#numState = N_ZERO;
        else if (isDigit(b)) this.#numState = N_INT;
        else return false;
        return true;
      case N_ZERO:
      case N_INT:
        if (this.#numState === N_INT && isDigit(b)) return true;
        if (b === 0x2e) this.#numState = N_DOT;
        else if (b === 0x65 || b === 0x45) this.#numState = N_E;
        else return false;
        return true;
      case N_DOT:
        if (!isDigit(b)) return false;
        this.#numState = N_FRAC;
        return true;
      case N_FRAC:
        if (isDigit(b)) return true;
        if (b !== 0x65 && b !== 0x45) return false;
        this.#numState = N_E;
        return true;
      case N_E:
        if (b === 0x2b || b === 0x2d) this.#numState = N_E_SIGN;
        else if (isDigit(b)) this.#numState = N_EXP;
        else return false;
        return true;
      case N_E_SIGN:
        if (!isDigit(b)) return false;
        this.#numState = N_EXP;
        return true;
      default: // N_EXP
        return isDigit(b);
    }
  }

  /** The number ends before buf[pos] (or at the end of input); it must be complete. */
  #endNumber(pos: number): void {
    const s = this.#numState;
    if (s !== N_ZERO && s !== N_INT && s !== N_FRAC && s !== N_EXP) {
      throw new JsonSyntaxError('incomplete number in JSON', this.#base + pos);
    }
    this.#state = S_AFTER;
  }

  /** Scans a non-captured string value or a key from pos; returns the position after it. */
  #scanPlainString(buf: Buffer, pos: number): number {
    const len = buf.length;
    for (; pos < len; pos++) {
      const b = buf[pos] as number;
      const esc = this.#esc;
      if (esc === E_NONE) {
        if (b === QUOTE) {
          if (this.#state === S_KEY_STRING) this.#endKey(buf, pos);
          else this.#state = S_AFTER;
          return pos + 1;
        }
        if (b === BACKSLASH) {
          this.#esc = E_BACKSLASH;
          this.#keyHasEscape = true;
        } else if (b < 0x20) {
          this.#fail(`unescaped control character ${describeByte(b)} in JSON string`, pos);
        }
      } else if (esc === E_BACKSLASH) {
        if (b === 0x75) this.#esc = E_HEX1;
        else if (simpleEscape(b) !== undefined) this.#esc = E_NONE;
        else this.#fail(`invalid escape ${describeByte(b)} in JSON string`, pos);
      } else {
        if (hexValue(b) < 0) this.#fail(`invalid hex digit ${describeByte(b)} in \\u escape`, pos);
        this.#esc = esc === E_HEX4 ? E_NONE : esc + 1;
      }
    }
    return pos;
  }

  /** The key ends with the quote at buf[pos]: decode it and find out whether it is tracked. */
  #endKey(buf: Buffer, pos: number): void {
    const start = this.#keyStart < 0 ? 0 : this.#keyStart;
    this.#keyStart = -1;
    const own = buf.subarray(start, pos);
    const parts = this.#keyParts;
    this.#keyParts = [];
    this.#state = S_COLON;
    const top = this.#stack[this.#stack.length - 1];
    if (top === undefined || top.path === null) {
      this.#valueTracked = null;
      return;
    }
    const raw = parts.length === 0 ? own : Buffer.concat([...parts, own]);
    const utf8 = raw.toString('utf8');
    // Escaped keys ("Zip\u0046ile") mean the same as unescaped ones, so compare decoded keys.
    const key = this.#keyHasEscape ? (JSON.parse(`"${utf8}"`) as string) : utf8;
    const id = this.#idOf([...top.path, key]);
    const tracked = this.#tracked.get(id);
    if (tracked === undefined) {
      this.#valueTracked = null;
      return;
    }
    if (this.#seen.has(id)) {
      throw new JsonDuplicateFieldError(`duplicate field ${JSON.stringify(tracked.path.join('.'))}`, this.#base + pos);
    }
    this.#seen.add(id);
    this.#valueTracked = tracked;
  }

  /**
   * #scanCapture without the up-front control-character scan: a syntax error it finds further on (an invalid
   * escape, say) is reported only if no raw control character comes before it, as with the up-front scan.
   */
  #scanCaptureLazily(buf: Buffer, pos: number): number {
    try {
      return this.#scanCapture(buf, pos);
    } catch (err) {
      if (err instanceof JsonSyntaxError) {
        this.#failOnControlByte(buf, this.#captureFrom, Math.min(buf.length, err.position - this.#base));
      }
      throw err;
    }
  }

  /**
   * Scans captured string content from pos. Returns the position of the closing quote, or -1 if
   * the slice ends inside the string. Text goes to #captureParts (flushed to onData by the caller
   * at the end of the slice, or here when the string ends).
   */
  #scanCapture(buf: Buffer, pos: number): number {
    const len = buf.length;
    this.#captureFrom = pos;
    // Next quote / backslash at or after pos (len when there is none in this slice).
    let quote = -1;
    let backslash = -1;
    while (pos < len) {
      if (this.#esc !== E_NONE) {
        pos = this.#captureEscape(buf, pos);
        continue;
      }
      if (quote < pos) {
        quote = buf.indexOf(QUOTE, pos);
        if (quote < 0) quote = len;
      }
      if (backslash < pos) {
        backslash = buf.indexOf(BACKSLASH, pos);
        if (backslash < 0) backslash = len;
      }
      const stop = quote < backslash ? quote : backslash;
      if (stop > pos) {
        if (!this.#lazyControlCheck) this.#failOnControlByte(buf, pos, stop);
        this.#emitBytes(buf, pos, stop);
      }
      if (stop === len) return -1;
      if (stop === quote) {
        this.#flushUtf8();
        this.#flushCapture(buf, stop);
        return stop;
      }
      // A backslash. One-character escapes (e.g. the "\/" some encoders write for every '/') are
      // unescaped byte by byte while they keep coming; \u escapes and escapes split across slices
      // go through the escape state machine.
      const next = stop + 1 < len ? (buf[stop + 1] as number) : 0x75;
      if (next !== 0x75) {
        pos = this.#scanDense(buf, stop);
        continue;
      }
      this.#esc = E_BACKSLASH;
      pos = stop + 1;
    }
    return -1;
  }

  /**
   * Unescapes captured content from pos (a backslash starting a one-character escape) into a
   * scratch buffer while escapes stay closer than DENSE_ESCAPE_DISTANCE bytes, stopping before the
   * closing quote, at the end of the slice, at a \u escape or at an escape split across slices.
   * Returns where it stopped; the caller's scan takes over from there. UTF-8 decoding of the copied
   * bytes is unchanged: a one-character escape is ASCII both before and after unescaping.
   */
  #scanDense(buf: Buffer, pos: number): number {
    const len = buf.length;
    const out = (this.#scratch ??= Buffer.allocUnsafe(SLICE));
    let o = 0;
    let i = pos;
    let quote = -1;
    for (;;) {
      // buf[i] is a backslash.
      if (i + 1 >= len) break;
      const e = buf[i + 1] as number;
      if (e === 0x75) break;
      const v = ESCAPE_BYTE[e] as number;
      if (v < 0) this.#fail(`invalid escape ${describeByte(e)} in JSON string`, i + 1);
      out[o++] = v;
      i += 2;
      if (quote < i) {
        quote = buf.indexOf(QUOTE, i);
        if (quote < 0) quote = len;
      }
      let next = buf.indexOf(BACKSLASH, i);
      if (next < 0) next = len;
      const stop = next < quote ? next : quote;
      if (stop - i > DENSE_ESCAPE_DISTANCE) break;
      for (; i < stop; i++) {
        const b = buf[i] as number;
        if (b < 0x20) this.#fail(`unescaped control character ${describeByte(b)} in JSON string`, i);
        out[o++] = b;
      }
      if (stop !== next) break;
    }
    if (o > 0) this.#emitBytes(out, 0, o);
    return i;
  }

  /** Decodes captured UTF-8 bytes buf[from, to) (non-empty) into #captureParts. */
  #emitBytes(buf: Buffer, from: number, to: number): void {
    if (!this.#utf8Pending && (buf[to - 1] as number) < 0x80) {
      // Ends on an ASCII byte and nothing is carried over: no sequence can be split here.
      this.#captureParts.push(buf.toString('utf8', from, to));
    } else {
      // May end inside a multi-byte sequence that continues in the next chunk.
      this.#utf8Pending = true;
      this.#emit(this.#utf8.write(buf.subarray(from, to)));
    }
  }

  /** An escape or the end of the string follows: an incomplete UTF-8 sequence becomes U+FFFD. */
  #flushUtf8(): void {
    if (this.#utf8Pending) {
      this.#utf8Pending = false;
      this.#emit(this.#utf8.end());
    }
  }

  /** Processes one byte of an escape sequence inside a captured string. */
  #captureEscape(buf: Buffer, pos: number): number {
    const b = buf[pos] as number;
    if (this.#esc === E_BACKSLASH) {
      if (b === 0x75) {
        this.#esc = E_HEX1;
        this.#hex = 0;
      } else {
        const text = simpleEscape(b);
        if (text === undefined) this.#fail(`invalid escape ${describeByte(b)} in JSON string`, pos);
        this.#flushUtf8();
        this.#captureParts.push(text);
        this.#esc = E_NONE;
      }
    } else {
      const v = hexValue(b);
      if (v < 0) this.#fail(`invalid hex digit ${describeByte(b)} in \\u escape`, pos);
      this.#hex = this.#hex * 16 + v;
      if (this.#esc === E_HEX4) {
        this.#flushUtf8();
        this.#captureParts.push(String.fromCharCode(this.#hex));
        this.#esc = E_NONE;
      } else {
        this.#esc++;
      }
    }
    return pos + 1;
  }
}
