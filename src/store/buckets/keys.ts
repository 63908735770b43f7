import { ObjectKeyUnusable } from '../../core/buckets.js';

/** Longest file name on common filesystems (NAME_MAX), in bytes. */
const MAX_SEGMENT_BYTES = 255;

/**
 * The object keys both bucket stores can hold, so that both backends behave alike: `/`-separated names whose
 * segments are neither empty nor `.` or `..`. A key therefore always names a file strictly inside its bucket's
 * directory; MinIO refuses the same keys. Returns the segments.
 */
export function keySegments(key: string): string[] {
  if (key.includes('\0')) throw new ObjectKeyUnusable(key, 'it contains a NUL character');
  const segments = key.split('/');
  for (const segment of segments) {
    if (segment === '') throw new ObjectKeyUnusable(key, "it has an empty segment (a leading, trailing or doubled '/')");
    if (segment === '.' || segment === '..') throw new ObjectKeyUnusable(key, `it has a '${segment}' segment`);
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) {
      throw new ObjectKeyUnusable(key, `a segment is longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
  return segments;
}
