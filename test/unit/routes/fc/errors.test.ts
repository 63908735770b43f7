import { describe, expect, it } from 'vitest';
import * as domain from '../../../../src/core/errors.js';
import type { LayerRef } from '../../../../src/core/model.js';
import { DOMAIN_TO_FC, FcError, LayerNotFound, fromDomain } from '../../../../src/routes/fc/errors.js';

const ref: LayerRef = { cloud: 'fc', account: '1234567890123456', region: 'cn-hangzhou', name: 'lib' };
const ctx = { operation: 'GetLayerVersion' as const, maxCodeBytes: 100 };

describe('FC errors', () => {
  // Every domain error, with the status, code and message FC answers it with (written out, not derived).
  const EXPECTED: [domain.AnyDomainError, number, string, string][] = [
    [new domain.LayerNotFound(ref, 2), 404, 'LayerNotFound', "layer 'lib' does not exist"],
    [new domain.LayerVersionNotFound(ref, 2), 404, 'LayerVersionNotFound', "layer 'lib' version '2' does not exist"],
    [new domain.InvalidVersionNumber(0), 400, 'InvalidArgument', "version '0' is not a positive integer"],
    [new domain.PolicyNotFound(), 500, 'InternalServerError', 'the version has no access policy'],
    [new domain.GrantNotFound('s'), 500, 'InternalServerError', 'statement s not found'],
    [new domain.GrantAlreadyExists('s'), 500, 'InternalServerError', 'statement s already exists'],
    [new domain.RevisionMismatch(), 500, 'InternalServerError', 'the revision does not match the current one'],
    [new domain.PolicyTooLarge(30000, 20480), 500, 'InternalServerError', 'policy size 30000 exceeds 20480'],
    [new domain.RequestTooLarge(10), 400, 'EntityTooLarge', 'payload size exceeds maximum allowed size (10 bytes)'],
    [new domain.MalformedDocument('x'), 400, 'InvalidArgument', 'the request body is not valid JSON: x'],
    [new domain.ContentGivenTwice(['a', 'b']), 400, 'InvalidArgument', 'give either code.zipFile or code.ossBucketName and code.ossObjectName, not both'],
    [new domain.InvalidContentEncoding('x'), 400, 'InvalidArgument', 'code.zipFile is not valid base64: x'],
    [new domain.ZippedTooLarge(10), 400, 'InvalidArgument', 'the code package must be at most 10 bytes'],
    [new domain.NotAZip('x'), 400, 'InvalidArgument', 'the code package is not a valid zip file'],
    [new domain.EmptyZip(), 400, 'InvalidArgument', 'the code package is an empty zip file'],
    [new domain.UnzippedTooLarge(10), 400, 'InvalidArgument', 'the unzipped code package must be smaller than 10 bytes'],
    [new domain.ChecksumMismatch('1', '2'), 400, 'InvalidArgument', 'the CRC-64 checksum of the code package is 2, not 1 as given in code.checksum'],
    [new domain.SourceObjectMissing('key', 'b', 'k'), 400, 'InvalidArgument', "failed to get OSS object 'k' from bucket 'b': NoSuchKey: The specified key does not exist."],
    [new domain.SourceObjectMissing('bucket', 'b', 'k'), 400, 'InvalidArgument', "failed to get OSS object 'k' from bucket 'b': NoSuchBucket: The specified bucket does not exist."],
    [new domain.BlobStoreUnavailable('down'), 500, 'InternalServerError', 'an internal error has occurred. Please retry.'],
    [new domain.MetadataStoreUnavailable('down'), 500, 'InternalServerError', 'an internal error has occurred. Please retry.'],
    [new domain.RequestTimedOut(20, 500), 408, 'RequestTimeout', 'the request body was not received in time: it paused for over 20 seconds or arrived at under 500 bytes per second'],
    [new domain.StorageFull('ENOSPC'), 400, 'LimitExceededError', "the code storage limit is exceeded: Strata's data directory has no space left (delete layer versions or free disk space)"],
    // A function's layers (a merged /opt).
    [new domain.TooManyLayers(6, 5), 400, 'LimitExceededError', 'a function can use at most 5 layers, and 6 are given'],
    [new domain.LayersTooLarge(2000, 1000), 400, 'InvalidArgument',
      "the layers unzip to 2000 bytes, more than Strata's limit of 1000 bytes (STRATA_FC_MAX_UNZIPPED_BYTES)"],
    [new domain.MissingLayerVersion(ref, 3), 404, 'LayerVersionNotFound', "layer 'lib' version '3' does not exist"],
    [new domain.RuntimeNotSupported('python3.10', ref, 2), 400, 'InvalidArgument',
      'runtime: python3.10 is not supported by layer:acs:fc:cn-hangzhou:1234567890123456:layers/lib/versions/2'],
    [new domain.SameLayerTwice(ref, 1, 2), 400, 'InvalidArgument', 'versions 1 and 2 of layer lib named together'],
    [new domain.LayerInOtherRegion('cn-beijing', ref, 1), 400, 'InvalidArgument', 'layer lib is in cn-hangzhou, not cn-beijing'],
  ];

  it('errors: every domain error maps to its FC status, code and message', () => {
    expect(new Set(EXPECTED.map(([e]) => e.code))).toEqual(new Set(Object.keys(DOMAIN_TO_FC)));
    for (const [err, status, code, message] of EXPECTED) {
      const wire = fromDomain(err, ctx);
      expect(wire, err.code).toBeInstanceOf(FcError);
      expect([wire.status, wire.code, wire.message], err.code).toEqual([status, code, message]);
    }
  });

  it('errors: FC 2.0 bodies carry ErrorCode/ErrorMessage and Code/Message/RequestId, FC 3.0 bodies Code/Message/RequestId', () => {
    const err = new LayerNotFound("layer 'lib' does not exist");
    const fc2 = {
      ErrorCode: 'LayerNotFound', ErrorMessage: "layer 'lib' does not exist",
      Code: 'LayerNotFound', Message: "layer 'lib' does not exist", RequestId: 'r1',
    };
    expect(err.body('2021-04-06', 'r1')).toEqual(fc2);
    expect(err.body('2016-08-15', 'r1')).toEqual(fc2);
    expect(err.body('2023-03-30', 'r1')).toEqual({ Code: 'LayerNotFound', Message: "layer 'lib' does not exist", RequestId: 'r1' });
  });

  it('errors: an oversized create body is an oversized package, with or without Content-Length', () => {
    const wire = fromDomain(new domain.RequestTooLarge(999), { operation: 'CreateLayerVersion', maxCodeBytes: 100 });
    expect([wire.status, wire.code, wire.message]).toEqual([400, 'InvalidArgument', 'the code package must be at most 100 bytes']);
    expect(fromDomain(new domain.RequestTooLarge(999), ctx).code).toBe('EntityTooLarge');
  });
});
