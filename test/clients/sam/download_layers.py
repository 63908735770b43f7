"""
Downloads layer versions by ARN into a layer cache with SAM CLI's own code, the step `sam local invoke` takes
before it builds its container: samcli.local.layers.layer_downloader.LayerDownloader, as InvokeContext.lambda_runtime
constructs it (layer cache basedir, working folder, stacks), with the boto3 default session SAM uses, so
AWS_ENDPOINT_URL_LAMBDA, AWS_DEFAULT_REGION and the credentials come from the environment as they would for `sam`.

Usage: python download_layers.py LAYER_CACHE_BASEDIR ARN [ARN ...]
Prints one JSON object: {"layers": [{"arn", "name", "codeuri"}, ...]}, or {"error", "message"} and exits 1.
"""
import json
import sys

from samcli.lib.providers.provider import LayerVersion
from samcli.local.layers.layer_downloader import LayerDownloader


def main(argv):
    cache, *arns = argv
    downloader = LayerDownloader(cache, ".", [])
    try:
        layers = downloader.download_all([LayerVersion(arn, None) for arn in arns])
    except Exception as err:  # SAM's own exceptions (ResourceNotFound, CredentialsRequired) and botocore's
        print(json.dumps({"error": type(err).__name__, "message": str(err)}))
        return 1
    print(json.dumps({"layers": [{"arn": l.arn, "name": l.name, "codeuri": l.codeuri} for l in layers]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
