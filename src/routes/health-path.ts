/**
 * Where the health probe is served (routes/health.ts). Its own module, with no imports, so that the process entry
 * (main.ts), which loads the app's modules only after its configuration, can tell probes from work.
 */
export const HEALTH_PATH = '/_strata/health';

/** A request target (path and query) that is the health probe. */
export function isHealthProbe(url: string): boolean {
  return url === HEALTH_PATH || url.startsWith(`${HEALTH_PATH}?`);
}
