/**
 * AWS Lambda's wire errors: one class per `x-amzn-ErrorType` code, each with its status and body shape.
 * Body key casing differs per code and mirrors the model's member names (docs/specs/aws-lambda-layers.md §1.1):
 * ResourceNotFoundException says `Message`, the other modeled errors say `message`, and the unmodeled
 * ValidationException carries `message` alone.
 */
import type { AnyDomainError, DomainError, DomainErrorCode } from '../../core/errors.js';
import { layerVersionArn } from './arn.js';
import type { AwsOperation } from './operations.js';
import type { LayerRef } from '../../core/model.js';

export abstract class AwsError extends Error {
  abstract readonly status: number;
  abstract body(): Record<string, unknown>;
  get code(): string {
    return this.constructor.name;
  }
}

/** Modeled 4xx errors: `{"Type":"User","message":…}`. */
abstract class UserError extends AwsError {
  body() {
    return { Type: 'User', message: this.message };
  }
}

export class InvalidParameterValueException extends UserError {
  readonly status = 400;
}
export class ResourceConflictException extends UserError {
  readonly status = 409;
}
export class PreconditionFailedException extends UserError {
  readonly status = 412;
}
export class PolicyLengthExceededException extends UserError {
  readonly status = 400;
}
export class RequestEntityTooLargeException extends UserError {
  readonly status = 413;
}
/** Body parse failures; message prefix recorded for Invoke, inferred for other operations. */
export class InvalidRequestContentException extends UserError {
  readonly status = 400;
}
/** Lambda's answer when an account's code storage is used up (modeled, 400); Strata's storage is its disk. */
export class CodeStorageExceededException extends UserError {
  readonly status = 400;
}

/**
 * Refusals below the operation level (docs: README "Known differences"). Lambda's front end words none of these
 * in JSON; the codes follow the HTTP status, and RequestTimeoutException is one the SDKs retry (botocore's
 * standard retry mode, boto3 docs/source/guide/retries.rst).
 */
export class RequestTimeoutException extends UserError {
  readonly status = 408;
}
export class RequestUriTooLongException extends UserError {
  readonly status = 414;
}
export class RequestHeaderFieldsTooLargeException extends UserError {
  readonly status = 431;
}
export class ExpectationFailedException extends UserError {
  readonly status = 417;
}

export class ResourceNotFoundException extends AwsError {
  readonly status = 404;
  body() {
    return { Type: 'User', Message: this.message };
  }
}

/** Coral's model validation: not modeled by Lambda, so clients only read `message`. */
export class ValidationException extends AwsError {
  readonly status = 400;
  body() {
    return { message: this.message };
  }
}

/**
 * What Lambda answers for a request it cannot map to an operation (boto/boto3#294, botocore#678); the status is
 * inferred from the code.
 */
export class AccessDeniedException extends AwsError {
  readonly status = 403;
  body() {
    return { Message: this.message };
  }
}

/**
 * Refusals of Lambda's front end before any operation runs: signatures and credentials. Not modeled by Lambda, so
 * their body is Coral's `{"message": …}` (as API Gateway, the same front end, sends `{"message":"Missing Authentication
 * Token"}` with `x-amzn-ErrorType: MissingAuthenticationTokenException`, aws/chalice#12), all 403: Lambda's
 * UnrecognizedClientException (iann0036/iamlive#58), InvalidSignatureException for a signature that does not match or
 * has expired (serverless/serverless#27), MissingAuthenticationTokenException (brefphp/bref#1250).
 */
abstract class FrontEndError extends AwsError {
  readonly status = 403;
  body() {
    return { message: this.message };
  }
}
export class UnrecognizedClientException extends FrontEndError {}
export class InvalidSignatureException extends FrontEndError {}
export class IncompleteSignatureException extends FrontEndError {}
export class MissingAuthenticationTokenException extends FrontEndError {}

export class ServiceException extends AwsError {
  readonly status = 500;
  body() {
    return { Type: 'Service', Message: this.message };
  }
}

/** Recorded message texts, word for word (docs/specs/aws-lambda-layers.md §3). */
export const MESSAGES = {
  notFound: 'The resource you requested does not exist.',
  versionBelowOne: 'Layer Version Cannot be less than 1',
  versionDoesNotExist: (arn: string) => `Layer version ${arn} does not exist.`,
  noPolicy: 'No policy is associated with the given resource.',
  statementNotFound: (sid: string) => `Statement ${sid} is not found in resource policy.`,
  statementExists: (sid: string) =>
    `The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
  revisionMismatch:
    'The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id',
  policyTooLarge: (size: number, limit: number) => `The final policy size (${size}) is bigger than the limit (${limit}).`,
  requestTooLarge: (limit: number, op: string) => `Request must be smaller than ${limit} bytes for the ${op} operation`,
  zippedTooLarge: (limit: number) => `Zipped size must be smaller than ${limit} bytes`,
  unzippedTooLarge: (limit: number) => `Unzipped size must be smaller than ${limit} bytes`,
  couldNotUnzip: 'Could not unzip uploaded file. Please check your file, then try to upload again.',
  emptyZip: 'Uploaded file must be a non-empty zip',
  // The next three are CreateFunction's texts (inferred for layers; README "Known differences").
  noContentSource: 'Please provide a source for function code.',
  zipFileAndS3: 'Please do not provide other FunctionCode parameters when providing a ZipFile.',
  unparsable: (detail: string) => `Could not parse request body into json: ${detail}`,
  // Recorded for CreateFunction; LocalStack and moto use the same template for layers (spec §6).
  s3Missing: {
    bucket: 'Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist',
    key: 'Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.',
    version: 'Error occurred while GetObject. S3 Error Code: NoSuchVersion. S3 Error Message: The specified version does not exist.',
  },
  blobStoreDown: (detail: string) => `Strata's blob store cannot be reached (${detail}).`,
  metadataStoreDown: (detail: string) => `Strata's metadata store cannot be reached (${detail}).`,
  // Not recorded: AWS markers are opaque tokens and no response to a forged one was captured.
  invalidMarker: 'The marker provided is not valid.',
  unknownOperation: 'Unable to determine service/operation name to be authorized',
  // IAM's denial of a cross-account call without a grant (serverless-shell#2, cds-snc/terraform-modules#203 for
  // GetLayerVersion; the same form for every action). Strata's keys stand for the account's root user.
  notAuthorized: (account: string, action: string, resource: string) =>
    `User: arn:aws:iam::${account}:root is not authorized to perform: lambda:${action} on resource: ${resource} ` +
    `because no resource-based policy allows the lambda:${action} action`,
  // Lambda's model text for CodeStorageExceededException, and what Strata's storage is.
  storageFull:
    "Your Amazon Web Services account has exceeded its maximum total code size. (Strata's data directory has no space left: delete layer versions or free disk space.)",
  bodyTooSlow: (idle: number, rate: number) =>
    `The request body was not received in time: it paused for over ${idle} seconds or arrived at under ${rate} bytes per second.`,
  internal: 'An internal error occurred in Strata. See its log for details.',
  // A function's layers, as CreateFunction and UpdateFunctionConfiguration check them; Strata's merged /opt applies
  // the same checks (routes/opt.ts). AWS-validated in LocalStack's provider (`_validate_layers`), word for word:
  tooManyLayers: (limit: number) => `Cannot reference more than ${limit} layers.`,
  sameLayerTwice: (first: string, second: string) =>
    `Two different versions of the same layer are not allowed to be referenced in the same function. ${first} and ${second} are versions of the same layer.`,
  layersInOtherRegion: (region: string) =>
    `Layers are not in the same region as the function. Layers are expected to be in region ${region}.`,
  // Reported by users of UpdateFunctionConfiguration (bento-video/bento#1, brandonlim-hs/wkhtmltopdf-aws-lambda-layer#4).
  layersTooLarge: (limit: number) => `Layers consume more than the available size of ${limit} bytes`,
  // LocalStack's recording of a layer version ARN without its version, at 'layers'.
  layerArnInvalid: (arn: string) =>
    `1 validation error detected: Value '[${arn}]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: ` +
    '[Member must have length less than or equal to 140, Member must have length greater than or equal to 1, Member must ' +
    'satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|' +
    '(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+), Member must not be null]',
};

export interface ErrorContext {
  operation: AwsOperation | undefined;
}

/**
 * Every domain error, as AWS sends it. Not-found texts depend on the operation: reads say "The resource you
 * requested does not exist.", the policy operations name the version ARN.
 */
export const DOMAIN_TO_AWS: { [C in DomainErrorCode]: (err: Extract<AnyDomainError, { code: C }>, ctx: ErrorContext) => AwsError } = {
  LayerNotFound: (err, ctx) => notFound(ctx, err.ref, err.version),
  LayerVersionNotFound: (err, ctx) => notFound(ctx, err.ref, err.version),
  InvalidVersionNumber: () => new InvalidParameterValueException(MESSAGES.versionBelowOne),
  PolicyNotFound: () => new ResourceNotFoundException(MESSAGES.noPolicy),
  GrantNotFound: (err) => new ResourceNotFoundException(MESSAGES.statementNotFound(err.statementId)),
  GrantAlreadyExists: (err) => new ResourceConflictException(MESSAGES.statementExists(err.statementId)),
  RevisionMismatch: () => new PreconditionFailedException(MESSAGES.revisionMismatch),
  PolicyTooLarge: (err) => new PolicyLengthExceededException(MESSAGES.policyTooLarge(err.size, err.limit)),
  RequestTooLarge: (err, ctx) =>
    new RequestEntityTooLargeException(MESSAGES.requestTooLarge(err.limit, ctx.operation ?? 'PublishLayerVersion')),
  MalformedDocument: (err) => new InvalidRequestContentException(MESSAGES.unparsable(err.detail)),
  // The AWS body has one content field, so this cannot arise; Jackson would keep the last duplicate key.
  ContentGivenTwice: (err) => new InvalidRequestContentException(MESSAGES.unparsable(err.message)),
  InvalidContentEncoding: (err) =>
    new InvalidRequestContentException(
      MESSAGES.unparsable(`Failed to decode VALUE_STRING as base64 (MIME-NO-LINEFEEDS): ${err.detail}`),
    ),
  ZippedTooLarge: (err) => new RequestEntityTooLargeException(MESSAGES.zippedTooLarge(err.limit)),
  NotAZip: () => new InvalidParameterValueException(MESSAGES.couldNotUnzip),
  EmptyZip: () => new InvalidParameterValueException(MESSAGES.emptyZip),
  UnzippedTooLarge: (err) => new InvalidParameterValueException(MESSAGES.unzippedTooLarge(err.limit)),
  // Lambda has no caller-stated checksum; nothing maps here today, but the table must be total.
  ChecksumMismatch: () => new InvalidParameterValueException(MESSAGES.couldNotUnzip),
  SourceObjectMissing: (err) => new InvalidParameterValueException(MESSAGES.s3Missing[err.missing]),
  BlobStoreUnavailable: (err) => new ServiceException(MESSAGES.blobStoreDown(err.detail)),
  MetadataStoreUnavailable: (err) => new ServiceException(MESSAGES.metadataStoreDown(err.detail)),
  StorageFull: () => new CodeStorageExceededException(MESSAGES.storageFull),
  RequestTimedOut: (err) => new RequestTimeoutException(MESSAGES.bodyTooSlow(err.idleSeconds, err.minBytesPerSecond)),
  TooManyLayers: (err) => new InvalidParameterValueException(MESSAGES.tooManyLayers(err.limit)),
  LayersTooLarge: (err) => new InvalidParameterValueException(MESSAGES.layersTooLarge(err.limit)),
  MissingLayerVersion: (err) => new InvalidParameterValueException(MESSAGES.versionDoesNotExist(layerVersionArn(err.ref, err.version))),
  SameLayerTwice: (err) =>
    new InvalidParameterValueException(
      MESSAGES.sameLayerTwice(layerVersionArn(err.ref, err.first), layerVersionArn(err.ref, err.second)),
    ),
  LayerInOtherRegion: (err) => new InvalidParameterValueException(MESSAGES.layersInOtherRegion(err.region)),
  // Lambda does not check a layer's CompatibleRuntimes (API_PublishLayerVersion: "Used for filtering with ListLayers
  // and ListLayerVersions"), so AWS's mount rules never raise this (routes/aws/mount.ts); the table must be total.
  RuntimeNotSupported: (err) => new InvalidParameterValueException(err.message),
};

function notFound(ctx: ErrorContext, ref: LayerRef, version: number | undefined): ResourceNotFoundException {
  const policyOp = ctx.operation !== undefined && POLICY_OPERATIONS.has(ctx.operation);
  return new ResourceNotFoundException(
    policyOp && version !== undefined ? MESSAGES.versionDoesNotExist(layerVersionArn(ref, version)) : MESSAGES.notFound,
  );
}

const POLICY_OPERATIONS: ReadonlySet<AwsOperation> = new Set([
  'AddLayerVersionPermission', 'RemoveLayerVersionPermission', 'GetLayerVersionPolicy',
]);

export function fromDomain(err: DomainError, ctx: ErrorContext): AwsError {
  const map = DOMAIN_TO_AWS[err.code as DomainErrorCode] as (e: DomainError, c: ErrorContext) => AwsError;
  return map(err, ctx);
}
