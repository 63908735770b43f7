import { describe, expect, it } from 'vitest';
import * as domain from '../../../../src/core/errors.js';
import type { LayerRef } from '../../../../src/core/model.js';
import { DOMAIN_TO_FC, FcError, LayerNotFound, fromDomain } from '../../../../src/routes/fc/errors.js';

const ref: LayerRef = { cloud: 'fc', account: '1234567890123456', region: 'cn-hangzhou', name: 'lib' };
const ctx = { operation: 'GetLayerVersion' as const, maxCodeBytes: 100 };

describe('FC errors', () => {
  it('errors: every domain error maps to an FC wire error', () => {
    const samples: domain.AnyDomainError[] = [
      new domain.LayerNotFound(ref, 2), new domain.LayerVersionNotFound(ref, 2), new domain.InvalidVersionNumber(0),
      new domain.PolicyNotFound(), new domain.GrantNotFound('s'), new domain.GrantAlreadyExists('s'),
      new domain.RevisionMismatch(), new domain.PolicyTooLarge(30000, 20480), new domain.RequestTooLarge(10),
      new domain.MalformedDocument('x'), new domain.ContentGivenTwice(['a', 'b']), new domain.InvalidContentEncoding('x'),
      new domain.ZippedTooLarge(10), new domain.NotAZip('x'), new domain.EmptyZip(), new domain.UnzippedTooLarge(10),
      new domain.ChecksumMismatch('1', '2'), new domain.SourceObjectMissing('key', 'b', 'k'),
      new domain.BlobStoreUnavailable('down'),
    ];
    expect(new Set(samples.map((s) => s.code))).toEqual(new Set(Object.keys(DOMAIN_TO_FC)));
    for (const err of samples) expect(fromDomain(err, ctx)).toBeInstanceOf(FcError);
  });

  it('errors: FC 2.0 bodies are ErrorCode/ErrorMessage, FC 3.0 bodies Code/Message/RequestId', () => {
    const err = new LayerNotFound("layer 'lib' does not exist");
    expect(err.body('2021-04-06', 'r1')).toEqual({ ErrorCode: 'LayerNotFound', ErrorMessage: "layer 'lib' does not exist" });
    expect(err.body('2016-08-15', 'r1')).toEqual({ ErrorCode: 'LayerNotFound', ErrorMessage: "layer 'lib' does not exist" });
    expect(err.body('2023-03-30', 'r1')).toEqual({ Code: 'LayerNotFound', Message: "layer 'lib' does not exist", RequestId: 'r1' });
  });

  it('errors: an oversized create body is an oversized package, with or without Content-Length', () => {
    const wire = fromDomain(new domain.RequestTooLarge(999), { operation: 'CreateLayerVersion', maxCodeBytes: 100 });
    expect([wire.status, wire.code, wire.message]).toEqual([400, 'InvalidArgument', 'the code package must be at most 100 bytes']);
    expect(fromDomain(new domain.RequestTooLarge(999), ctx).code).toBe('EntityTooLarge');
  });
});
