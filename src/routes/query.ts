/** A repeated query parameter counts once, by its first value, in both clouds' dialects. */
export function firstValues(query: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((query as Record<string, unknown>) ?? {})) out[k] = Array.isArray(v) ? v[0] : v;
  return out;
}
