import { describe, expect, it } from 'vitest';
import { newBlobKey } from '../../../src/core/blob-keys.js';

describe('blob keys', () => {
  it('PublishLayerVersion: every blob key is 32 lowercase hex digits and none repeats, across many refills of the pool', () => {
    // 4 KiB of random bytes make 256 keys: 2,000 keys draw the pool 8 times.
    const keys = Array.from({ length: 2000 }, () => newBlobKey());
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(keys).size).toBe(2000);
    // Keys cut from one pool are not slices of one another (each takes its own 16 bytes).
    expect(new Set(keys.map((k) => k.slice(0, 8))).size).toBeGreaterThan(1990);
  });
});
