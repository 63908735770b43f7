/** How Function Compute shows and checks layers, for Strata's own surfaces (plugins/cloud-views.ts). */
import type { Config } from '../../config.js';
import type { LayerService } from '../../core/layer-service.js';
import { naturalOrder, type CloudView } from '../../plugins/cloud-views.js';
import { contentUrl } from '../content.js';
import { FC_API_VERSIONS } from './api-versions.js';
import { FcError } from './errors.js';
import { fcMountView } from './mount.js';
import { FC_RUNTIMES } from './runtimes.js';
import { LayerParams, parseCreateBody, parseInput } from './schemas.js';
import { layerOut } from './serialize.js';

export function fcCloudView(config: Config, layers: LayerService): CloudView {
  let runtimes: readonly string[] | undefined;
  return {
    cloud: 'fc',
    title: 'Alibaba Cloud Function Compute',
    defaultScope: { account: config.fc.accountId, region: config.fc.region },
    limits: { maxZippedBytes: config.fc.maxCodeBytes, maxUnzippedBytes: config.fc.maxUnzippedBytes },
    get runtimes() {
      return (runtimes ??= naturalOrder(FC_RUNTIMES));
    },
    // FC layers declare no architectures.
    architectures: [],
    access: 'acl',
    checksum: (v) => ({ name: 'codeChecksum', algorithm: 'CRC-64/XZ, decimal', value: v.content.crc64 }),
    responses(v, request) {
      const location = contentUrl(request, config.publicUrl, layers, v.content.blobKey);
      return [...FC_API_VERSIONS].reverse().map((api) => ({ api, operation: 'GetLayerVersion', body: layerOut(v, api, location) }));
    },
    publishProblem(ref, meta) {
      try {
        parseInput(LayerParams, { layerName: ref.name });
        parseCreateBody({ description: meta.description, compatibleRuntime: meta.compatibleRuntimes, license: meta.license });
        return undefined;
      } catch (err) {
        if (err instanceof FcError) return err.message;
        throw err;
      }
    },
    mount: fcMountView(config),
  };
}
