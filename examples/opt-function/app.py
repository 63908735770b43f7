"""A Lambda handler that shows what its /opt holds: the layers `strata opt` unpacked (docker-compose.yml, profile opt).

Invoke it through the Lambda runtime interface emulator of the base image:
    curl -s -XPOST http://localhost:9100/2015-03-31/functions/function/invocations -d '{}'
"""
import os


def handler(event, context):
    tree = []
    for folder, dirs, files in os.walk("/opt"):
        dirs.sort()
        for name in sorted(files):
            tree.append(os.path.relpath(os.path.join(folder, name), "/opt"))
    return {"opt": tree}
