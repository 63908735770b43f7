import type { Refusal, RefusalKind, RefusingSurface, RequestHead } from '../refusals.js';
import { refusalStatus } from '../refusals.js';
import { newRequestId } from './request-id.js';
import { InvalidArgument, OssError, RequestTimeout } from './errors.js';

/** A refusal below the router with the status routes/refusals.ts gives it, in OSS's words where OSS has them. */
class Refused extends OssError {
  constructor(readonly status: number, private readonly wireCode: string, message: string) {
    super(message);
  }
  override get code(): string {
    return this.wireCode;
  }
}

const WIRE: Record<RefusalKind, (message: string) => OssError> = {
  malformed: (m) => new InvalidArgument(m),
  timeout: (m) => new RequestTimeout(m),
  'uri-too-long': (m) => new Refused(refusalStatus('uri-too-long'), 'InvalidURI', m),
  'headers-too-large': (m) => new Refused(refusalStatus('headers-too-large'), 'RequestHeaderFieldsTooLarge', m),
  expectation: (m) => new Refused(refusalStatus('expectation'), 'ExpectationFailed', m),
};

/** OSS requests (by their marks, whatever their path) refused below the router, answered in OSS's XML. */
export function ossRefusals(): RefusingSurface {
  return {
    owns: (head: RequestHead) =>
      /^(OSS|OSS4-HMAC-SHA256) /.test(head.headers.authorization ?? '') ||
      Object.keys(head.headers).some((name) => name.startsWith('x-oss-')) ||
      /[?&](OSSAccessKeyId|x-oss-credential|x-oss-signature-version)=/.test(head.url ?? ''),
    refuse(kind, detail): Refusal {
      const requestId = newRequestId();
      const err = WIRE[kind](detail);
      return {
        status: err.status, contentType: 'application/xml',
        headers: { 'x-oss-request-id': requestId, server: 'AliyunOSS' },
        body: err.xml(requestId, ''),
      };
    },
  };
}
