/** Domain records → FC Layer objects, shaped per API version (docs/specs/fc-layers.md §2.4). */
import type { LayerVersion } from '../../core/model.js';
import { isFc3, type FcApiVersion } from './api-versions.js';
import { layerVersionArn, legacyArn } from './arn.js';

/** `2020-11-11T11:08:00Z`: UTC, whole seconds (doc samples of both generations). */
export function fcTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function layerOut(v: LayerVersion, api: FcApiVersion, location: string, opts: { created?: boolean } = {}) {
  const common = {
    layerName: v.ref.name,
    version: v.version,
    description: v.description ?? '',
    code: { repositoryType: 'OSS', location },
    codeSize: v.content.size,
    codeChecksum: v.content.crc64,
    createTime: fcTime(v.createdAt),
    compatibleRuntime: v.compatibleRuntimes ?? [],
  };
  if (isFc3(api)) {
    // FC 3.0: `acl` is a string, the ARN is `layerVersionArn`, `license` always present.
    return { ...common, acl: v.isPublic ? '1' : '0', layerVersionArn: layerVersionArn(v.ref, v.version), license: v.license ?? '' };
  }
  return {
    ...common,
    // The 2021 SDK's CreateLayerVersion response model reads `codesize` (lower-case s) where Get reads `codeSize`.
    ...(opts.created && { codesize: v.content.size }),
    acl: v.isPublic ? 1 : 0,
    arn: legacyArn(v.ref, v.version),
    arnV2: layerVersionArn(v.ref, v.version),
    ...(v.license !== null && { license: v.license }),
  };
}
