/**
 * Function Compute's wire errors: one class per error code. FC 3.0 sends `{"Code","Message","RequestId"}`; FC 2.0
 * (2016-08-15, 2021-04-06) sends `{"ErrorCode","ErrorMessage"}`, which the 2016 SDKs parse (@alicloud/fc2
 * lib/client.js `responseBody.ErrorCode`), and also `Code`/`Message`/`RequestId`, which the 2021 tea SDKs read
 * instead (@alicloud/openapi-client dist/client.js `defaultAny(err["Code"], err["code"])`; Go: darabonba-openapi
 * v2 client.go, as vendored by aliyun/terraform-provider-alicloud). Each parser ignores the other's keys
 * (docs/specs/fc-layers.md §3.1). All carry the request id in `X-Fc-Request-Id`. Always JSON: Terraform's tea-roa
 * turns a non-JSON 4xx body into a decode error instead of an SDK error.
 */
import type { AnyDomainError, DomainError, DomainErrorCode } from '../../core/errors.js';
import { isFc3, type FcApiVersion, type FcOperation } from './api-versions.js';
import { layerVersionArn } from './arn.js';

export abstract class FcError extends Error {
  abstract readonly status: number;
  get code(): string {
    return this.constructor.name;
  }
  body(api: FcApiVersion, requestId: string): Record<string, string> {
    return isFc3(api)
      ? { Code: this.code, Message: this.message, RequestId: requestId }
      : { ErrorCode: this.code, ErrorMessage: this.message, Code: this.code, Message: this.message, RequestId: requestId };
  }
}

export class InvalidArgument extends FcError {
  readonly status = 400;
}
export class EntityTooLarge extends FcError {
  readonly status = 400;
}
export class PathNotSupported extends FcError {
  readonly status = 400;
}
export class AccessDenied extends FcError {
  readonly status = 403;
}
/** Documented signature refusals (error-codes doc, docs/specs/fc-layers.md §3.2): 403 with FC's own texts. */
export class SignatureNotMatch extends FcError {
  readonly status = 403;
}
export class InvalidAccessKeyID extends FcError {
  readonly status = 403;
}
export class MissingRequiredHeader extends FcError {
  readonly status = 400;
}
/**
 * A key whose security token is missing, extra or not its own. FC documents no code for it; this is the code
 * Alibaba Cloud's API gateway answers for STS credentials used with another token (its common error codes).
 */
export class InvalidSecurityTokenMismatch extends FcError {
  readonly status = 403;
  override get code(): string {
    return 'InvalidSecurityToken.MismatchWithAccessKey';
  }
}
export class LayerNotFound extends FcError {
  readonly status = 404;
}
export class LayerVersionNotFound extends FcError {
  readonly status = 404;
}
export class InternalServerError extends FcError {
  readonly status = 500;
}
/** FC's code for resources over their limits (error-codes doc: 400 LimitExceededError). */
export class LimitExceededError extends FcError {
  readonly status = 400;
}
/**
 * Refusals below the operation level (README "Known differences"): FC documents no code for these, so each is
 * named for its HTTP status, in FC's style.
 */
export class RequestTimeout extends FcError {
  readonly status = 408;
}
export class RequestURITooLong extends FcError {
  readonly status = 414;
}
export class RequestHeaderFieldsTooLarge extends FcError {
  readonly status = 431;
}
export class ExpectationFailed extends FcError {
  readonly status = 417;
}

/**
 * Message texts. FC documents the codes but not the layer messages; the not-found texts follow FC's
 * "<kind> '%s' does not exist" pattern, and the InvalidArgument texts are Strata's (README "Known differences").
 */
export const MESSAGES = {
  layerNotFound: (name: string) => `layer '${name}' does not exist`,
  versionNotFound: (name: string, version: number) => `layer '${name}' version '${version}' does not exist`,
  // Documented texts (docs/specs/fc-layers.md §3.2).
  entityTooLarge: (limit: number) => `payload size exceeds maximum allowed size (${limit} bytes)`,
  pathNotSupported: (method: string, path: string) => `'${method}' against '${path}' is not supported`,
  internal: 'an internal error has occurred. Please retry.',
  // Strata's own texts.
  badName: (name: string) =>
    `invalid layer name '${name}': it must be 1 to 128 characters of letters, digits, '_' and '-', and start with a letter or '_'`,
  descriptionTooLong: (length: number) => `description is ${length} characters long; it must be at most 256`,
  badRuntime: (runtime: string) => `runtime '${runtime}' is not supported by layers`,
  tooManyRuntimes: (max: number) => `compatibleRuntime can list at most ${max} runtimes`,
  noCode: 'code is required: give code.zipFile, or code.ossBucketName and code.ossObjectName',
  twoCodeSources: 'give either code.zipFile or code.ossBucketName and code.ossObjectName, not both',
  halfOssPair: 'code.ossBucketName and code.ossObjectName must be given together',
  ossMissing: (bucket: string, object: string, missing: 'bucket' | 'key' | 'version') =>
    missing === 'bucket'
      ? `failed to get OSS object '${object}' from bucket '${bucket}': NoSuchBucket: The specified bucket does not exist.`
      : `failed to get OSS object '${object}' from bucket '${bucket}': NoSuchKey: The specified key does not exist.`,
  badBase64: (detail: string) => `code.zipFile is not valid base64: ${detail}`,
  notAZip: 'the code package is not a valid zip file',
  emptyZip: 'the code package is an empty zip file',
  codeTooLarge: (limit: number) => `the code package must be at most ${limit} bytes`,
  unzippedTooLarge: (limit: number) => `the unzipped code package must be smaller than ${limit} bytes`,
  checksumMismatch: (expected: string, actual: string) =>
    `the CRC-64 checksum of the code package is ${actual}, not ${expected} as given in code.checksum`,
  badJson: (detail: string) => `the request body is not valid JSON: ${detail}`,
  badField: (field: string, expected: string) => `${field} must be ${expected}`,
  badVersion: (version: string) => `version '${version}' is not a positive integer`,
  badLimit: (limit: string) => `limit '${limit}' must be an integer from 1 to 100`,
  badStartVersion: (value: string) => `startVersion '${value}' must be a positive integer`,
  badAcl: (value: string) => `acl '${value}' must be 0 or 1`,
  badBoolean: (name: string, value: string) => `${name} '${value}' must be true or false`,
  badArn: (arn: string) => `invalid layer version ARN '${arn}'`,
  badPath: (detail: string) => `the request path is not valid: ${detail}`,
  storageFull: "the code storage limit is exceeded: Strata's data directory has no space left (delete layer versions or free disk space)",
  bodyTooSlow: (idle: number, rate: number) =>
    `the request body was not received in time: it paused for over ${idle} seconds or arrived at under ${rate} bytes per second`,
  // Documented texts (error-codes doc).
  signatureNotMatch:
    'The request signature we calculated does not match the signature you provided. Check your access key and signing method',
  invalidAccessKey: (id: string) => `invalid access key ID '${id}'`,
  missingHeader: (name: string) => `required HTTP header ${name} was not specified`,
  // Strata's texts: FC documents the 15-minute rule and the 403, not these words (README "Signatures and access").
  notSigned: 'the request is not signed: it has no Authorization header',
  tokenMismatch: 'Specified SecurityToken mismatch with the AccessKey.',
  skewed: (date: string, now: string, minutes: number) =>
    `the request time '${date}' differs from the server time '${now}' by more than ${minutes} minutes`,
  otherAccount: (arn: string) => `you are not allowed to access the private layer version '${arn}'`,
  // A merged /opt (routes/opt.ts). Recorded for a function's configuration (docs/specs/fc-layers.md §3.2, the layer
  // FAQ): "runtime: custom is not supported by layer:acs:fc:cn-hangzhou:official:layers/Java21/versions/1".
  runtimeNotSupported: (runtime: string, arn: string) => `runtime: ${runtime} is not supported by layer:${arn}`,
  // Strata's texts: FC documents the limit of five layers (configure-custom-layers-for-a-function), not its error.
  tooManyLayers: (count: number, limit: number) => `a function can use at most ${limit} layers, and ${count} are given`,
  layersTooLarge: (size: number, limit: number) =>
    `the layers unzip to ${size} bytes, more than Strata's limit of ${limit} bytes (STRATA_FC_MAX_UNZIPPED_BYTES)`,
};

export interface ErrorContext {
  operation: FcOperation | undefined;
  maxCodeBytes: number;
}

/** Every domain error as FC sends it. Policies are an AWS notion: their errors cannot arise here. */
export const DOMAIN_TO_FC: {
  [C in DomainErrorCode]: (err: Extract<AnyDomainError, { code: C }>, ctx: ErrorContext) => FcError;
} = {
  LayerNotFound: (err) => new LayerNotFound(MESSAGES.layerNotFound(err.ref.name)),
  LayerVersionNotFound: (err) => new LayerVersionNotFound(MESSAGES.versionNotFound(err.ref.name, err.version)),
  InvalidVersionNumber: (err) => new InvalidArgument(MESSAGES.badVersion(String(err.version))),
  PolicyNotFound: (err) => new InternalServerError(err.message),
  GrantNotFound: (err) => new InternalServerError(err.message),
  GrantAlreadyExists: (err) => new InternalServerError(err.message),
  RevisionMismatch: (err) => new InternalServerError(err.message),
  PolicyTooLarge: (err) => new InternalServerError(err.message),
  // A create body past its limit can only be so because of the package: answer as for any oversized package,
  // whether or not the client declared a Content-Length.
  RequestTooLarge: (err, ctx) =>
    ctx.operation === 'CreateLayerVersion'
      ? new InvalidArgument(MESSAGES.codeTooLarge(ctx.maxCodeBytes))
      : new EntityTooLarge(MESSAGES.entityTooLarge(err.limit)),
  ContentGivenTwice: () => new InvalidArgument(MESSAGES.twoCodeSources),
  MalformedDocument: (err) => new InvalidArgument(MESSAGES.badJson(err.detail)),
  InvalidContentEncoding: (err) => new InvalidArgument(MESSAGES.badBase64(err.detail)),
  ZippedTooLarge: (err) => new InvalidArgument(MESSAGES.codeTooLarge(err.limit)),
  NotAZip: () => new InvalidArgument(MESSAGES.notAZip),
  EmptyZip: () => new InvalidArgument(MESSAGES.emptyZip),
  UnzippedTooLarge: (err) => new InvalidArgument(MESSAGES.unzippedTooLarge(err.limit)),
  ChecksumMismatch: (err) => new InvalidArgument(MESSAGES.checksumMismatch(err.expected, err.actual)),
  SourceObjectMissing: (err) => new InvalidArgument(MESSAGES.ossMissing(err.bucket, err.key, err.missing)),
  BlobStoreUnavailable: () => new InternalServerError(MESSAGES.internal),
  MetadataStoreUnavailable: () => new InternalServerError(MESSAGES.internal),
  StorageFull: () => new LimitExceededError(MESSAGES.storageFull),
  RequestTimedOut: (err) => new RequestTimeout(MESSAGES.bodyTooSlow(err.idleSeconds, err.minBytesPerSecond)),
  TooManyLayers: (err) => new LimitExceededError(MESSAGES.tooManyLayers(err.count, err.limit)),
  LayersTooLarge: (err) => new InvalidArgument(MESSAGES.layersTooLarge(err.size, err.limit)),
  MissingLayerVersion: (err) => new LayerVersionNotFound(MESSAGES.versionNotFound(err.ref.name, err.version)),
  RuntimeNotSupported: (err) => new InvalidArgument(MESSAGES.runtimeNotSupported(err.runtime, layerVersionArn(err.ref, err.version))),
  // FC documents neither rule, so its mount rules apply neither (routes/fc/mount.ts); the table must be total.
  SameLayerTwice: (err) => new InvalidArgument(err.message),
  LayerInOtherRegion: (err) => new InvalidArgument(err.message),
};

export function fromDomain(err: DomainError, ctx: ErrorContext): FcError {
  const map = DOMAIN_TO_FC[err.code as DomainErrorCode] as (e: DomainError, c: ErrorContext) => FcError;
  return map(err, ctx);
}
