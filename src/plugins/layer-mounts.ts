/**
 * Merged /opt trees for Strata's own surfaces (GET /_strata/opt, `strata opt --data-dir`): which cloud a list of layer
 * version ARNs belongs to, and the tree of its layers after the checks that cloud applies to a function's layers. How
 * each cloud reads its ARNs, its rules and its refusals come from its cloud view (`mount`), so no dialect is imported.
 */
import fp from 'fastify-plugin';
import { mountLayers, type MountedTree } from '../core/layer-mount.js';
import type { LayerService } from '../core/layer-service.js';
import type { CloudViews, MountView } from './cloud-views.js';

/** Where Strata serves merged /opt trees (routes/opt.ts), and where `strata opt --url` asks for them. */
export const OPT_PATH = '/_strata/opt';

/** A request Strata refuses before any cloud is concerned (no ARN, ARNs of no cloud or of two). */
export class MountRequestError extends Error {
  override readonly name = 'MountRequestError';
}

export class LayerMounts {
  constructor(private readonly layers: LayerService, private readonly views: CloudViews) {}

  /** How the ARNs' cloud mounts layers; MountRequestError when they are no cloud's, or several clouds'. */
  viewOf(arns: readonly string[]): MountView {
    if (arns.length === 0) throw new MountRequestError('name at least one layer version ARN: ?arn=<ARN>&arn=<ARN>…');
    const mounts = this.views.all().map((v) => v.mount);
    const owners = arns.map((arn) => mounts.find((m) => m.claims(arn)));
    const unknown = arns.find((_, i) => owners[i] === undefined);
    if (unknown !== undefined) {
      throw new MountRequestError(
        `'${unknown}' is not a layer version ARN of AWS Lambda (arn:aws:lambda:<region>:<account>:layer:<name>:<version>) ` +
          'or Function Compute (acs:fc:<region>:<account>:layers/<name>/versions/<version>)',
      );
    }
    if (new Set(owners).size > 1) throw new MountRequestError("the layers of one function are all AWS Lambda's or all Function Compute's, not both");
    return owners[0]!;
  }

  /** The merged tree of the ARNs' layers, in the given order, checked by their cloud's rules; the caller closes it. */
  mount(view: MountView, arns: readonly string[], runtime: string | undefined): Promise<MountedTree> {
    return mountLayers(this.layers, arns.map((arn) => view.parse(arn)), view.rules, runtime);
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    layerMounts: LayerMounts;
  }
}

export default fp(
  async (app) => {
    app.decorate('layerMounts', new LayerMounts(app.layers, app.cloudViews));
  },
  { name: 'strata-layer-mounts', dependencies: ['strata-services', 'strata-cloud-views'] },
);
