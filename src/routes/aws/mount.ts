/** How AWS Lambda checks a function's layers and stacks them in /opt, for a merged /opt (its cloud view's `mount`). */
import { randomUUID } from 'node:crypto';
import type { Config } from '../../config.js';
import { DomainError } from '../../core/errors.js';
import type { MountView } from '../../plugins/cloud-views.js';
import { parseLayerArn } from './arn.js';
import { AwsError, MESSAGES, ServiceException, ValidationException, fromDomain } from './errors.js';

export function awsMountView(config: Config): MountView {
  return {
    claims: (arn) => arn.startsWith('arn:'),
    parse(arn) {
      const parsed = parseLayerArn(arn);
      if (!parsed || parsed.version === undefined) throw new ValidationException(MESSAGES.layerArnInvalid(arn));
      const { account, region, name, version } = parsed;
      return { ref: { cloud: 'aws', account, region, name }, version };
    },
    rules: {
      // https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html: "You can add up to five layers to a Lambda
      // function. The total unzipped size of the function and all layers cannot exceed the unzipped deployment
      // package size quota of 250 MB." (262144000 bytes, STRATA_AWS_MAX_UNZIPPED_BYTES) and "The order in which you
      // add the layers is the order in which Lambda merges the layer content into the execution environment": a
      // later layer's file replaces an earlier one's.
      maxLayers: 5,
      maxUnzippedBytes: config.aws.maxUnzippedBytes,
      precedence: 'later-wins',
      // CompatibleRuntimes are "Used for filtering with ListLayers and ListLayerVersions" (API_PublishLayerVersion);
      // Lambda does not refuse a layer that does not list the function's runtime.
      runtimeMustBeListed: false,
      // LocalStack's AWS-validated `_validate_layers`: one version per layer, every layer in the function's region.
      oneVersionPerLayer: true,
      oneRegion: true,
    },
    refusal(err) {
      const wire =
        err instanceof AwsError ? err
          : err instanceof DomainError ? fromDomain(err, { operation: undefined })
            : new ServiceException(MESSAGES.internal);
      return {
        status: wire.status,
        headers: { 'x-amzn-RequestId': randomUUID(), 'x-amzn-ErrorType': wire.code },
        body: wire.body(),
        code: wire.code,
        message: wire.message,
      };
    },
  };
}
