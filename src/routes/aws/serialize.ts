/** Domain records → AWS Lambda response bodies (field order as the AWS CLI prints them). */
import type { LayerSummary, LayerVersion } from '../../core/model.js';
import { layerArn, layerVersionArn } from './arn.js';

/** `2018-11-27T15:10:45.123+0000`: UTC, milliseconds, a literal +0000 (model doc; moto's AWS-verified format). */
export function awsDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+0000');
}

/** PublishLayerVersion, GetLayerVersion and GetLayerVersionByArn. */
export function layerVersionOut(v: LayerVersion, location: string) {
  return {
    Content: { Location: location, CodeSha256: v.content.sha256.toString('base64'), CodeSize: v.content.size },
    LayerArn: layerArn(v.ref),
    LayerVersionArn: layerVersionArn(v.ref, v.version),
    // Always present on reads, "" when none was given; absent lists stay absent, [] is echoed (recorded).
    Description: v.description ?? '',
    CreatedDate: awsDate(v.createdAt),
    Version: v.version,
    ...(v.compatibleRuntimes !== null && { CompatibleRuntimes: v.compatibleRuntimes }),
    ...(v.license !== null && { LicenseInfo: v.license }),
    ...(v.compatibleArchitectures !== null && { CompatibleArchitectures: v.compatibleArchitectures }),
  };
}

/** A `LayerVersionsListItem`: no Content, no LayerArn; unset members are explicit nulls on the wire (aws-cli#8894). */
export function layerVersionItem(v: LayerVersion) {
  return {
    LayerVersionArn: layerVersionArn(v.ref, v.version),
    Version: v.version,
    Description: v.description,
    CreatedDate: awsDate(v.createdAt),
    CompatibleRuntimes: v.compatibleRuntimes,
    LicenseInfo: v.license,
    CompatibleArchitectures: v.compatibleArchitectures,
  };
}

export function layerItem(summary: LayerSummary) {
  return {
    LayerName: summary.ref.name,
    LayerArn: layerArn(summary.ref),
    LatestMatchingVersion: layerVersionItem(summary.latest),
  };
}

/** List markers are opaque to clients, as AWS's are; they carry where the next page starts (inclusive). */
export function encodeMarker(cursor: string | number): string {
  return Buffer.from(JSON.stringify({ from: cursor })).toString('base64');
}

export function decodeMarker<T extends string | number>(marker: string, kind: 'string' | 'number'): T | undefined {
  try {
    const from = (JSON.parse(Buffer.from(marker, 'base64').toString('utf8')) as { from?: unknown }).from;
    return typeof from === kind ? (from as T) : undefined;
  } catch {
    return undefined;
  }
}
