import { randomBytes, randomUUID } from 'node:crypto';
import { isFc3, type FcApiVersion } from './api-versions.js';

/** FC 3.0 request ids look like `1-64e70cf1-5cbef92ea8fc8c42899cf5d1`; FC 2.0's are UUIDs. */
export function newRequestId(api: FcApiVersion): string {
  if (!isFc3(api)) return randomUUID();
  return `1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

/** The headers that carry a request id: X-Fc-Request-Id, and for FC 3.0 also x-acs-request-id. */
export function requestIdHeaders(api: FcApiVersion, id: string): Record<string, string> {
  return isFc3(api) ? { 'x-fc-request-id': id, 'x-acs-request-id': id } : { 'x-fc-request-id': id };
}
