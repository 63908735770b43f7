/** Domain records → the console's JSON (schemas.ts); the cloud's own shapes come from its view. */
import type { FastifyRequest } from 'fastify';
import { PolicyNotFound } from '../../core/errors.js';
import type { LayerService } from '../../core/layer-service.js';
import type { LayerRef, LayerSummary, LayerVersion } from '../../core/model.js';
import type { CloudView } from '../../plugins/cloud-views.js';
import { contentUrl } from '../content.js';

const iso = (epochMs: number) => new Date(epochMs).toISOString();

export function layerItem(summary: LayerSummary) {
  return {
    name: summary.ref.name,
    latestVersion: summary.latest.version,
    createdAt: iso(summary.latest.createdAt),
    description: summary.latest.description,
    isPublic: summary.latest.isPublic,
  };
}

export function versionItem(v: LayerVersion) {
  return {
    version: v.version,
    createdAt: iso(v.createdAt),
    size: v.content.size,
    description: v.description,
    compatibleRuntimes: v.compatibleRuntimes,
    compatibleArchitectures: v.compatibleArchitectures,
  };
}

export function versionDetail(v: LayerVersion, view: CloudView, layers: LayerService, request: FastifyRequest) {
  return {
    cloud: v.ref.cloud,
    account: v.ref.account,
    region: v.ref.region,
    name: v.ref.name,
    ...versionItem(v),
    license: v.license,
    isPublic: v.isPublic,
    checksum: view.checksum(v),
    sha256Hex: v.content.sha256.toString('hex'),
    downloadUrl: contentUrl(request, request.server.config.publicUrl, layers, v.content.blobKey),
    responses: view.responses(v, request),
    policy: view.access === 'policy' ? policyOf(v.ref, v.version, view, layers) : null,
  };
}

/** The version's policy; an empty one (no document, no revision) while nothing is granted. */
export function policyOf(ref: LayerRef, version: number, view: CloudView, layers: LayerService) {
  try {
    const policy = layers.getPolicy(ref, version);
    return {
      document: view.policyDocument?.(ref, version, policy.grants) ?? null,
      revision: policy.revision,
      grants: policy.grants,
    };
  } catch (err) {
    if (err instanceof PolicyNotFound) return { document: null, revision: null, grants: [] };
    throw err;
  }
}
