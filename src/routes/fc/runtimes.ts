/**
 * Runtimes FC accepts in `compatibleRuntime`. The FC 2.0 docs list nodejs20 … custom (docs/specs/fc-layers.md §2.3);
 * FC 3.0 added newer ones (python3.12, java17/21, nodejs22, custom.debian11/12). The list changes with each
 * runtime launch, so it is data; an unknown value gets InvalidArgument.
 */
export const FC_RUNTIMES: ReadonlySet<string> = new Set([
  'nodejs6', 'nodejs8', 'nodejs10', 'nodejs12', 'nodejs14', 'nodejs16', 'nodejs18', 'nodejs20', 'nodejs22',
  'python2.7', 'python3', 'python3.9', 'python3.10', 'python3.12',
  'java8', 'java11', 'java17', 'java21',
  'php7.2', 'go1', 'dotnetcore2.1', 'dotnetcore3.1', 'dotnet6',
  'custom', 'custom.debian10', 'custom.debian11', 'custom.debian12',
]);

/** ROS FC3 `LayerVersion.CompatibleRuntime`: "Length: 0 to 20". */
export const MAX_RUNTIMES = 20;
