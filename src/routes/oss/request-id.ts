import { randomBytes } from 'node:crypto';

/** OSS request ids: 24 upper-case hex digits, time first (`57ABD896CCB80C366955****`, doc 32005). */
export function newRequestId(): string {
  return (Math.floor(Date.now() / 1000).toString(16) + randomBytes(8).toString('hex')).toUpperCase().padStart(24, '0');
}
