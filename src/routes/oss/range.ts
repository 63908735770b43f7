/**
 * GetObject's Range header, as OSS reads it (help.aliyun.com/document_detail/39571.htm): one range of
 * `bytes=a-b`, `bytes=a-` or `bytes=-n` (of several, only the first counts), inclusive and within 0..size-1.
 * A malformed or out-of-range range is ignored and the whole object sent; with `x-oss-range-behavior: standard`
 * an end past the object is cut to its last byte, and a start past it is InvalidRange (416).
 */
import type { ByteRange } from '../../core/buckets.js';
import { InvalidRange, MESSAGES } from './errors.js';

export function parseRange(header: string | undefined, standard: boolean, size: number): ByteRange | undefined {
  const m = /^bytes=(\d*)-(\d*)(,.*)?$/.exec(header?.trim() ?? '');
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    // The last n bytes.
    const n = Number(m[2]);
    if (n === 0 || (n > size && !standard)) return undefined;
    start = Math.max(size - n, 0);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Number(m[2]);
    if (end < start) return undefined;
    if (start >= size) {
      if (standard) throw new InvalidRange(MESSAGES.invalidRange);
      return undefined;
    }
    if (end >= size) {
      if (!standard) return undefined;
      end = size - 1;
    }
  }
  return size === 0 ? undefined : { start, end };
}
