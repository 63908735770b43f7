import type { Refusal, RefusalKind, RefusingSurface } from '../refusals.js';
import type { FcApiVersion } from './api-versions.js';
import {
  type FcError, ExpectationFailed, InvalidArgument, RequestHeaderFieldsTooLarge, RequestTimeout, RequestURITooLong,
} from './errors.js';
import { newRequestId, requestIdHeaders } from './request-id.js';

const WIRE: Record<RefusalKind, (message: string) => FcError> = {
  malformed: (m) => new InvalidArgument(m),
  timeout: (m) => new RequestTimeout(m),
  'uri-too-long': (m) => new RequestURITooLong(m),
  'headers-too-large': (m) => new RequestHeaderFieldsTooLarge(m),
  expectation: (m) => new ExpectationFailed(m),
};

/** Requests under one FC API version's prefix refused below the router, answered as its other errors are. */
export function fcRefusals(api: FcApiVersion): RefusingSurface {
  const prefix = `/${api}`;
  return {
    owns: (head) => head.url === prefix || (head.url?.startsWith(`${prefix}/`) ?? false),
    refuse(kind, detail): Refusal {
      const err = WIRE[kind](detail);
      const id = newRequestId(api);
      return { status: err.status, contentType: 'application/json', headers: requestIdHeaders(api, id), body: JSON.stringify(err.body(api, id)) };
    },
  };
}
