import { randomUUID } from 'node:crypto';
import type { Refusal, RefusalKind, RefusingSurface } from '../refusals.js';
import {
  type AwsError, ExpectationFailedException, InvalidRequestContentException, RequestHeaderFieldsTooLargeException,
  RequestTimeoutException, RequestUriTooLongException,
} from './errors.js';

const WIRE: Record<RefusalKind, (message: string) => AwsError> = {
  malformed: (m) => new InvalidRequestContentException(m),
  timeout: (m) => new RequestTimeoutException(m),
  'uri-too-long': (m) => new RequestUriTooLongException(m),
  'headers-too-large': (m) => new RequestHeaderFieldsTooLargeException(m),
  expectation: (m) => new ExpectationFailedException(m),
};

/** Requests under /2018-10-31 refused below the router, answered as the other AWS errors are. */
export function awsRefusals(prefix: string): RefusingSurface {
  return {
    owns: (head) => head.url === prefix || (head.url?.startsWith(`${prefix}/`) ?? false),
    refuse(kind, detail): Refusal {
      const err = WIRE[kind](`${detail.charAt(0).toUpperCase()}${detail.slice(1)}.`);
      return {
        status: err.status,
        contentType: 'application/json',
        headers: { 'x-amzn-ErrorType': err.code, 'x-amzn-RequestId': randomUUID() },
        body: JSON.stringify(err.body()),
      };
    },
  };
}
