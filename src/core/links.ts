import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkCheck = 'valid' | 'expired' | 'forged';

/**
 * Signed, expiring download links for stored content, like the presigned URLs both clouds hand out.
 * The secret is kept with the data, so links stay valid across a restart until they expire.
 */
export class ContentLinks {
  constructor(private readonly secret: string, readonly ttlSeconds: number) {}

  sign(blobKey: string, now = Date.now()): { expires: number; signature: string } {
    // Rounded up: a link is good for at least the TTL, never a fraction of a second less.
    const expires = Math.ceil(now / 1000) + this.ttlSeconds;
    return { expires, signature: this.mac(blobKey, expires) };
  }

  check(blobKey: string, expires: number, signature: string, now = Date.now()): LinkCheck {
    const expected = Buffer.from(this.mac(blobKey, expires), 'hex');
    const given = Buffer.from(signature, 'hex');
    if (!Number.isSafeInteger(expires) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return 'forged';
    }
    return expires * 1000 < now ? 'expired' : 'valid';
  }

  private mac(blobKey: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${blobKey}\n${expires}`).digest('hex');
  }
}
