import { describe, expect, it } from 'vitest';
import * as domain from '../../../../src/core/errors.js';
import type { LayerRef } from '../../../../src/core/model.js';
import { AwsError, DOMAIN_TO_AWS, fromDomain } from '../../../../src/routes/aws/errors.js';
import { validateInput } from '../../../../src/routes/aws/validate.js';

const ref: LayerRef = { cloud: 'aws', account: '111111111111', region: 'us-east-1', name: 'lib' };

function thrown(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AwsError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

describe('AWS errors', () => {
  // Every domain error, with the status, code and body AWS answers it with on GetLayerVersion (written out).
  const EXPECTED: [domain.AnyDomainError, number, string, Record<string, unknown>][] = [
    [new domain.LayerNotFound(ref, 2), 404, 'ResourceNotFoundException', { Type: 'User', Message: 'The resource you requested does not exist.' }],
    [new domain.LayerVersionNotFound(ref, 2), 404, 'ResourceNotFoundException', { Type: 'User', Message: 'The resource you requested does not exist.' }],
    [new domain.InvalidVersionNumber(0), 400, 'InvalidParameterValueException', { Type: 'User', message: 'Layer Version Cannot be less than 1' }],
    [new domain.PolicyNotFound(), 404, 'ResourceNotFoundException', { Type: 'User', Message: 'No policy is associated with the given resource.' }],
    [new domain.GrantNotFound('s'), 404, 'ResourceNotFoundException', { Type: 'User', Message: 'Statement s is not found in resource policy.' }],
    [new domain.GrantAlreadyExists('s'), 409, 'ResourceConflictException', {
      Type: 'User', message: 'The statement id (s) provided already exists. Please provide a new statement id, or remove the existing statement.',
    }],
    [new domain.RevisionMismatch(), 412, 'PreconditionFailedException', {
      Type: 'User', message: 'The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id',
    }],
    [new domain.PolicyTooLarge(30000, 20480), 400, 'PolicyLengthExceededException', { Type: 'User', message: 'The final policy size (30000) is bigger than the limit (20480).' }],
    [new domain.RequestTooLarge(10), 413, 'RequestEntityTooLargeException', { Type: 'User', message: 'Request must be smaller than 10 bytes for the GetLayerVersion operation' }],
    [new domain.MalformedDocument('x'), 400, 'InvalidRequestContentException', { Type: 'User', message: 'Could not parse request body into json: x' }],
    [new domain.ContentGivenTwice(['a', 'b']), 400, 'InvalidRequestContentException', { Type: 'User', message: 'Could not parse request body into json: content given twice: a, b' }],
    [new domain.InvalidContentEncoding('x'), 400, 'InvalidRequestContentException', {
      Type: 'User', message: 'Could not parse request body into json: Failed to decode VALUE_STRING as base64 (MIME-NO-LINEFEEDS): x',
    }],
    [new domain.ZippedTooLarge(10), 413, 'RequestEntityTooLargeException', { Type: 'User', message: 'Zipped size must be smaller than 10 bytes' }],
    [new domain.NotAZip('x'), 400, 'InvalidParameterValueException', { Type: 'User', message: 'Could not unzip uploaded file. Please check your file, then try to upload again.' }],
    [new domain.EmptyZip(), 400, 'InvalidParameterValueException', { Type: 'User', message: 'Uploaded file must be a non-empty zip' }],
    [new domain.UnzippedTooLarge(10), 400, 'InvalidParameterValueException', { Type: 'User', message: 'Unzipped size must be smaller than 10 bytes' }],
    [new domain.ChecksumMismatch('1', '2'), 400, 'InvalidParameterValueException', { Type: 'User', message: 'Could not unzip uploaded file. Please check your file, then try to upload again.' }],
    [new domain.SourceObjectMissing('key', 'b', 'k'), 400, 'InvalidParameterValueException', {
      Type: 'User', message: 'Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.',
    }],
    [new domain.SourceObjectMissing('bucket', 'b', 'k'), 400, 'InvalidParameterValueException', {
      Type: 'User', message: 'Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist',
    }],
    [new domain.BlobStoreUnavailable('down'), 500, 'ServiceException', { Type: 'Service', Message: "Strata's blob store cannot be reached (down)." }],
    [new domain.MetadataStoreUnavailable('down'), 500, 'ServiceException', { Type: 'Service', Message: "Strata's metadata store cannot be reached (down)." }],
    [new domain.RequestTimedOut(20, 500), 408, 'RequestTimeoutException', {
      Type: 'User', message: 'The request body was not received in time: it paused for over 20 seconds or arrived at under 500 bytes per second.',
    }],
    [new domain.StorageFull('ENOSPC'), 400, 'CodeStorageExceededException', {
      Type: 'User',
      message: "Your Amazon Web Services account has exceeded its maximum total code size. (Strata's data directory has no space left: delete layer versions or free disk space.)",
    }],
    // A function's layers (a merged /opt), as CreateFunction words them.
    [new domain.TooManyLayers(6, 5), 400, 'InvalidParameterValueException', { Type: 'User', message: 'Cannot reference more than 5 layers.' }],
    [new domain.LayersTooLarge(262144001, 262144000), 400, 'InvalidParameterValueException', {
      Type: 'User', message: 'Layers consume more than the available size of 262144000 bytes',
    }],
    [new domain.MissingLayerVersion(ref, 3), 400, 'InvalidParameterValueException', {
      Type: 'User', message: 'Layer version arn:aws:lambda:us-east-1:111111111111:layer:lib:3 does not exist.',
    }],
    [new domain.SameLayerTwice(ref, 1, 2), 400, 'InvalidParameterValueException', {
      Type: 'User',
      message: 'Two different versions of the same layer are not allowed to be referenced in the same function. ' +
        'arn:aws:lambda:us-east-1:111111111111:layer:lib:1 and arn:aws:lambda:us-east-1:111111111111:layer:lib:2 are versions of the same layer.',
    }],
    [new domain.LayerInOtherRegion('eu-west-1', ref, 1), 400, 'InvalidParameterValueException', {
      Type: 'User', message: 'Layers are not in the same region as the function. Layers are expected to be in region eu-west-1.',
    }],
    [new domain.RuntimeNotSupported('nodejs20.x', ref, 1), 400, 'InvalidParameterValueException', {
      Type: 'User', message: 'layer lib version 1 does not support runtime nodejs20.x',
    }],
  ];

  it('errors: every domain error maps to its AWS status, code and body', () => {
    expect(new Set(EXPECTED.map(([e]) => e.code))).toEqual(new Set(Object.keys(DOMAIN_TO_AWS)));
    for (const [err, status, code, body] of EXPECTED) {
      const wire = fromDomain(err, { operation: 'GetLayerVersion' });
      expect(wire, err.code).toBeInstanceOf(AwsError);
      expect([wire.status, wire.code, wire.body()], err.code).toEqual([status, code, body]);
    }
  });

  it('errors: not-found texts depend on the operation', () => {
    const err = new domain.LayerVersionNotFound(ref, 2);
    expect(fromDomain(err, { operation: 'GetLayerVersion' }).body()).toEqual({
      Type: 'User', Message: 'The resource you requested does not exist.',
    });
    expect(fromDomain(err, { operation: 'AddLayerVersionPermission' }).body()).toEqual({
      Type: 'User', Message: 'Layer version arn:aws:lambda:us-east-1:111111111111:layer:lib:2 does not exist.',
    });
  });

  it('errors: the 413 names the operation and limit', () => {
    const err = fromDomain(new domain.RequestTooLarge(70167211), { operation: 'PublishLayerVersion' });
    expect([err.status, err.code, err.body()]).toEqual([413, 'RequestEntityTooLargeException', {
      Type: 'User', message: 'Request must be smaller than 70167211 bytes for the PublishLayerVersion operation',
    }]);
  });
});

describe('AWS validation', () => {
  it('validation: a name failing length and pattern gives two errors, model order', () => {
    const err = thrown(() => validateInput('GetLayerVersion', { params: { LayerName: 'a/'.repeat(71), VersionNumber: '1' }, query: {}, body: undefined }));
    expect(err.code).toBe('ValidationException');
    expect(err.message).toMatch(/^2 validation errors detected: Value 'a\/a\/.*' at 'layerName' failed to satisfy constraint: Member must have length less than or equal to 140; Value '.*' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern: \(arn:/);
  });

  it('validation: a missing required member is "Value null … Member must not be null"', () => {
    const err = thrown(() => validateInput('PublishLayerVersion', { params: { LayerName: 'x' }, query: {}, body: {} }));
    expect(err.message).toBe("1 validation error detected: Value null at 'content' failed to satisfy constraint: Member must not be null");
  });

  it('validation: a wrong JSON type is InvalidRequestContentException', () => {
    const err = thrown(() => validateInput('PublishLayerVersion', { params: { LayerName: 'x' }, query: {}, body: { Content: {}, CompatibleRuntimes: 'nodejs20.x' } }));
    expect(err.code).toBe('InvalidRequestContentException');
    expect(err.message).toMatch(/^Could not parse request body into json: /);
  });

  it('validation: nested members are named in lowerCamelCase', () => {
    const err = thrown(() => validateInput('PublishLayerVersion', { params: { LayerName: 'x' }, query: {}, body: { Content: { S3Bucket: 'b.' } } }));
    expect(err.message).toBe(
      "2 validation errors detected: Value 'b.' at 'content.s3Bucket' failed to satisfy constraint: Member must have length greater than or equal to 3; " +
        "Value 'b.' at 'content.s3Bucket' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9A-Za-z\\.\\-_]*(?<!\\.)",
    );
  });

  it('validation: MaxItems bounds', () => {
    const err = thrown(() => validateInput('ListLayers', { params: {}, query: { MaxItems: '0' }, body: undefined }));
    expect(err.message).toBe("1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1");
    const err2 = thrown(() => validateInput('ListLayers', { params: {}, query: { MaxItems: '51' }, body: undefined }));
    expect(err2.message).toBe("1 validation error detected: Value '51' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 50");
  });

  it('validation: a non-numeric version label matches no operation', () => {
    const err = thrown(() => validateInput('GetLayerVersion', { params: { LayerName: 'x', VersionNumber: 'abc' }, query: {}, body: undefined }));
    expect([err.status, err.code]).toEqual([403, 'AccessDeniedException']);
  });
});
