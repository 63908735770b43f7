/** How Function Compute checks a function's layers and stacks them in /opt, for a merged /opt (its cloud view's `mount`). */
import type { Config } from '../../config.js';
import { DomainError } from '../../core/errors.js';
import type { MountView } from '../../plugins/cloud-views.js';
import type { FcApiVersion } from './api-versions.js';
import { parseLayerArn } from './arn.js';
import { FcError, InternalServerError, InvalidArgument, MESSAGES, fromDomain } from './errors.js';
import { newRequestId, requestIdHeaders } from './request-id.js';

/** Refusals are worded as FC 3.0 words them: Serverless Devs' `s local` reads layers through it. */
const API: FcApiVersion = '2023-03-30';

export function fcMountView(config: Config): MountView {
  return {
    claims: (arn) => arn.startsWith('acs:') || /^[0-9a-f]{32}#/.test(arn),
    parse(arn) {
      const parsed = parseLayerArn(arn, { account: config.fc.accountId, region: config.fc.region });
      if (!parsed) throw new InvalidArgument(MESSAGES.badArn(arn));
      const { account, region, name, version } = parsed;
      return { ref: { cloud: 'fc', account, region, name }, version };
    },
    rules: {
      // https://www.alibabacloud.com/help/en/fc/user-guide/configure-custom-layers-for-a-function: "A function can be
      // configured with a maximum of five layers" and "the content of these layers is merged and stored in the /opt
      // directory in reverse order. If layers contain files with the same name, the files in the first configured
      // layer overwrites the files with the same names in the later configured layer" (also help doc 193057; Serverless
      // Devs' `s local` merges the same way: copyFolderContents keeps the file it copied first). The quota table
      // agrees: "Maximum number of layers per function: 5" (https://www.alibabacloud.com/help/en/functioncompute/fc/
      // product-overview/limits-of-usage).
      maxLayers: 5,
      // FC documents no limit on a function's layers together, only 500 MB per code package, zipped (the same quota
      // table): Strata's zip-bomb guard for FC packages (STRATA_FC_MAX_UNZIPPED_BYTES) bounds the whole tree.
      maxUnzippedBytes: config.fc.maxUnzippedBytes,
      precedence: 'earlier-wins',
      // FC refuses a layer that does not list the function's runtime (docs/specs/fc-layers.md §7), as `s local` does.
      runtimeMustBeListed: true,
      oneVersionPerLayer: false,
      oneRegion: false,
    },
    refusal(err) {
      const wire =
        err instanceof FcError ? err
          : err instanceof DomainError ? fromDomain(err, { operation: undefined, maxCodeBytes: config.fc.maxCodeBytes })
            : new InternalServerError(MESSAGES.internal);
      const id = newRequestId(API);
      return { status: wire.status, headers: requestIdHeaders(API, id), body: wire.body(API, id), code: wire.code, message: wire.message };
    },
  };
}
