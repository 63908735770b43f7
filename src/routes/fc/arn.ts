import { createHash } from 'node:crypto';
import type { LayerRef } from '../../core/model.js';

/** `acs:fc:{region}:{account}:layers/{name}/versions/{version}`: FC 2.0's arnV2 and FC 3.0's layerVersionArn. */
export function layerVersionArn(ref: LayerRef, version: number): string {
  return `acs:fc:${ref.region}:${ref.account}:layers/${ref.name}/versions/${version}`;
}

/**
 * FC 2.0's deprecated `arn`: `<32 hex>#<name>#<version>` (e.g. `02f81d283888f5ec63442a88fe82b260#Layer-name#1`).
 * The prefix's meaning is unpublished; it is constant per account and region, so a hash of both stands in.
 */
export function legacyArn(ref: LayerRef, version: number): string {
  return `${legacyPrefix(ref.account, ref.region)}#${ref.name}#${version}`;
}

function legacyPrefix(account: string, region: string): string {
  return createHash('md5').update(`${account}:${region}`).digest('hex');
}

export interface ParsedArn {
  region: string;
  account: string;
  name: string;
  version: number;
}

const ARN = /^acs:fc:([a-z0-9-]+):([0-9]+|official):layers\/([^/]+)\/versions\/([0-9]{1,15})$/;

/** Parses the acs form; the legacy `hash#name#version` form resolves against the caller's account and region. */
export function parseLayerArn(arn: string, caller: { account: string; region: string }): ParsedArn | undefined {
  const m = ARN.exec(arn);
  if (m) return { region: m[1]!, account: m[2]!, name: m[3]!, version: Number(m[4]) };
  const legacy = /^([0-9a-f]{32})#([^#]+)#([0-9]{1,15})$/.exec(arn);
  if (legacy && legacy[1] === legacyPrefix(caller.account, caller.region)) {
    return { ...caller, name: legacy[2]!, version: Number(legacy[3]) };
  }
  return undefined;
}
