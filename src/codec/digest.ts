/**
 * Single-pass content digests for layer bytes as they stream to disk: SHA-256 (the AWS dialect's checksum),
 * CRC-64/XZ (the FC dialect's checksum) and size. Nothing is buffered beyond the current chunk.
 */
import { createHash, type Hash } from 'node:crypto';
import { Crc64 } from './crc64.js';

import type { ContentDigests } from '../core/model.js';

export type { ContentDigests };

export class LayerDigest {
  readonly #sha256: Hash = createHash('sha256');
  readonly #crc64 = new Crc64();
  #size = 0;
  #result: ContentDigests | undefined;

  update(chunk: Uint8Array): void {
    // A Hash cannot be updated after digest(), so fail loudly rather than report stale values.
    if (this.#result !== undefined) throw new Error('LayerDigest.update called after result()');
    this.#sha256.update(chunk);
    this.#crc64.update(chunk);
    this.#size += chunk.byteLength;
  }

  /** Finalises on first call; later calls return the same values (with a fresh Buffer). */
  result(): ContentDigests {
    this.#result ??= { sha256: this.#sha256.digest(), crc64: this.#crc64.toString(), size: this.#size };
    return { ...this.#result, sha256: Buffer.from(this.#result.sha256) };
  }
}
