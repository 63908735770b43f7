import type { LayerRef } from '../../core/model.js';

/** The partition a region belongs to: `arn:aws-cn:…` in China, `arn:aws-us-gov:…` in GovCloud. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

export function layerArn(ref: LayerRef): string {
  return `arn:${partitionOf(ref.region)}:lambda:${ref.region}:${ref.account}:layer:${ref.name}`;
}

export function layerVersionArn(ref: LayerRef, version: number): string {
  return `${layerArn(ref)}:${version}`;
}

const LAYER_ARN = /^arn:[a-zA-Z0-9-]+:lambda:([a-z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+)(?::([0-9]+))?$/;

export interface ParsedLayerArn {
  region: string;
  account: string;
  name: string;
  version: number | undefined;
}

/** Parses `arn:…:layer:NAME` or `arn:…:layer:NAME:VERSION`; undefined for anything else (e.g. a plain name). */
export function parseLayerArn(arn: string): ParsedLayerArn | undefined {
  const m = LAYER_ARN.exec(arn);
  if (!m) return undefined;
  return { region: m[1]!, account: m[2]!, name: m[3]!, version: m[4] === undefined ? undefined : Number(m[4]) };
}
