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
  it('errors: every domain error maps to an AWS wire error', () => {
    const samples: domain.AnyDomainError[] = [
      new domain.LayerNotFound(ref, 2), new domain.LayerVersionNotFound(ref, 2), new domain.InvalidVersionNumber(0), new domain.PolicyNotFound(),
      new domain.GrantNotFound('s'), new domain.GrantAlreadyExists('s'), new domain.RevisionMismatch(),
      new domain.PolicyTooLarge(30000, 20480), new domain.RequestTooLarge(10), new domain.MalformedDocument('x'),
      new domain.InvalidContentEncoding('x'), new domain.ContentGivenTwice(['a', 'b']), new domain.ZippedTooLarge(10), new domain.NotAZip('x'),
      new domain.EmptyZip(), new domain.UnzippedTooLarge(10), new domain.ChecksumMismatch('1', '2'),
      new domain.SourceObjectMissing('key', 'b', 'k'), new domain.BlobStoreUnavailable('down'),
    ];
    expect(new Set(samples.map((s) => s.code))).toEqual(new Set(Object.keys(DOMAIN_TO_AWS)));
    for (const err of samples) expect(fromDomain(err, { operation: 'GetLayerVersion' })).toBeInstanceOf(AwsError);
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
