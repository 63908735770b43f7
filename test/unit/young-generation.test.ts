/**
 * src/young-generation.ts, in child processes (node flags are per process): the new space keeps its
 * size while held, grows to 4 MiB per semi-space once capped and no further, and is left alone when node flags of
 * the process size it. Objects that survive make V8 grow the new space; each child keeps 40 MB of them.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const MODULE = resolve(import.meta.dirname, '../../src/young-generation.ts');

/**
 * The new space's size (MiB) in a child when it called `calls` of the module and after it then kept objects alive.
 * (Loading tsx may grow the new space before the module is called, as Strata's own modules would without it.)
 */
function newSpace(calls: string[], nodeFlags: string[] = []): { before: number; after: number } {
  const script = `
    import * as young from ${JSON.stringify(MODULE)};
    import { getHeapSpaceStatistics } from 'node:v8';
    const size = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
    ${calls.map((c) => `young.${c}();`).join('\n')}
    const before = size();
    const kept = [];
    const step = () => { for (let i = 0; i < 20_000; i++) kept.push({ i, s: 'x' + i }); };
    // Between batches the event loop turns, so that the module's observer sees each collection.
    for (let batch = 0; batch < 40; batch++) { step(); await new Promise((r) => setImmediate(r)); }
    console.log(JSON.stringify({ before, after: size() }));
  `;
  const out = execFileSync(process.execPath, [...nodeFlags, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  return JSON.parse(out) as { before: number; after: number };
}

describe('young generation', () => {
  it('start: without the module, V8 grows the new space to 16 MiB per semi-space', () => {
    expect(newSpace([]).after).toBe(32);
  });

  it('start: held, the new space keeps its size', () => {
    const { before, after } = newSpace(['holdYoungGeneration']);
    expect(before).toBeLessThanOrEqual(4);
    expect(after).toBe(before);
  });

  it('serve: capped, the new space grows to 4 MiB per semi-space and no further', () => {
    expect(newSpace(['holdYoungGeneration', 'capYoungGeneration']).after).toBe(8);
  });

  it('start: node flags that size the young generation are obeyed', () => {
    expect(newSpace(['holdYoungGeneration', 'capYoungGeneration'], ['--max-semi-space-size=8']).after).toBe(16);
  });
});
