/**
 * src/v8-tuning.ts, in child processes (V8's settings are per process). The young generation: V8 grows the new space
 * while objects survive it, and each child keeps 40 MB of them. The optimizing compiler: a hot function is optimized,
 * or not, as --trace-opt reports.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const MODULE = resolve(import.meta.dirname, '../../src/v8-tuning.ts');

/** Runs `body` in a child that imported the module as `tuning`; returns what it printed (stdout). */
function child(body: string, nodeFlags: string[] = []): string {
  const script = `import * as tuning from ${JSON.stringify(MODULE)};\n${body}`;
  return execFileSync(process.execPath, [...nodeFlags, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
}

/**
 * The new space's size (MiB) when the child called `calls` and after it then kept objects alive. (Loading tsx may
 * grow the new space before the module is called, as Strata's own modules would without it.)
 */
function newSpace(calls: string[], nodeFlags: string[] = []): { before: number; after: number } {
  const out = child(`
    import { getHeapSpaceStatistics } from 'node:v8';
    const size = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
    ${calls.map((c) => `tuning.${c}();`).join('\n')}
    const before = size();
    const kept = [];
    const step = () => { for (let i = 0; i < 20_000; i++) kept.push({ i, s: 'x' + i }); };
    // Between batches the event loop turns, so that the module's observer sees each collection.
    for (let batch = 0; batch < 40; batch++) { step(); await new Promise((r) => setImmediate(r)); }
    console.log(JSON.stringify({ before, after: size() }));
  `, nodeFlags);
  return JSON.parse(out) as { before: number; after: number };
}

/** Whether a hot function was optimized while held, and after release (synchronous compiles, for a clear answer). */
function optimized(nodeFlags: string[] = []): { held: boolean; released: boolean } {
  const out = child(`
    function hotLoop(n) { let s = 0; for (let i = 0; i < n; i++) s += (i * 7) % 13; return s; }
    tuning.holdDuringStart();
    for (let i = 0; i < 2000; i++) hotLoop(10_000);
    console.log('RELEASE');
    tuning.releaseAfterStart();
    for (let i = 0; i < 2000; i++) hotLoop(10_000);
  `, ['--trace-opt', '--no-concurrent-recompilation', ...nodeFlags]);
  const [held, released] = out.split('RELEASE');
  const done = (text = '') => /completed (optimizing|compiling) .*<JSFunction hotLoop/.test(text);
  return { held: done(held), released: done(released) };
}

/**
 * Released with a server: whether a hot function run by the server's handler was optimized while it answered probes,
 * and once it answered another request.
 */
function optimizedOnWork(): { probes: boolean; work: boolean; listeners: number } {
  const out = child(`
    import { createServer } from 'node:http';
    function hotLoop(n) { let s = 0; for (let i = 0; i < n; i++) s += (i * 7) % 13; return s; }
    tuning.holdDuringStart();
    const server = createServer((req, res) => {
      for (let i = 0; i < 2000; i++) hotLoop(10_000);
      res.end('done');
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    tuning.releaseAfterStart(server, (url) => url === '/probe');
    const base = 'http://127.0.0.1:' + server.address().port;
    for (let i = 0; i < 3; i++) await (await fetch(base + '/probe')).text();
    console.log('WORK');
    await (await fetch(base + '/work')).text();
    console.log('LISTENERS ' + server.listenerCount('request'));
    server.close();
  `, ['--trace-opt', '--no-concurrent-recompilation']);
  const [probes, work] = out.split('WORK');
  const done = (text = '') => /completed (optimizing|compiling) .*<JSFunction hotLoop/.test(text);
  // The server's own handler is left; the module's listener removed itself.
  return { probes: done(probes), work: done(work), listeners: Number(/LISTENERS (\d+)/.exec(out)?.[1]) };
}

/**
 * Whether a function first called while held, and one first called after release, run baseline (Sparkplug) code
 * after one call. The intrinsic is compiled by V8 itself (a Function body), not by the TypeScript loader.
 */
function baseline(nodeFlags: string[] = []): { held: boolean; released: boolean } {
  const out = child(`
    const isBaseline = new Function('f', 'return %ActiveTierIsSparkplug(f)');
    function first(n) { return n + 1; }
    function second(n) { return n + 2; }
    tuning.holdDuringStart();
    first(1);
    const held = isBaseline(first);
    tuning.releaseAfterStart();
    second(1);
    console.log(JSON.stringify({ held, released: isBaseline(second) }));
  `, ['--allow-natives-syntax', ...nodeFlags]);
  return JSON.parse(out) as { held: boolean; released: boolean };
}

describe('V8 tuning', () => {
  it('start: without the module, V8 grows the new space to 16 MiB per semi-space', () => {
    expect(newSpace([]).after).toBe(32);
  });

  it('start: held, the new space keeps its size', () => {
    const { before, after } = newSpace(['holdDuringStart']);
    expect(before).toBeLessThanOrEqual(4);
    expect(after).toBe(before);
  });

  it('serve: released, the new space grows to 2 MiB per semi-space and no further', () => {
    expect(newSpace(['holdDuringStart', 'releaseAfterStart']).after).toBe(4);
  });

  it('start: node flags that size the young generation are obeyed', () => {
    expect(newSpace(['holdDuringStart', 'releaseAfterStart'], ['--max-semi-space-size=8']).after).toBe(16);
  });

  it('start: held, hot code is not optimized; released, it is', () => {
    expect(optimized()).toEqual({ held: false, released: true });
  });

  it('serve: released with a server, hot code is not optimized while it answers probes, and is from its first other request', () => {
    expect(optimizedOnWork()).toEqual({ probes: false, work: true, listeners: 1 });
  });

  it('start: node flags for the optimizing compiler are obeyed', () => {
    expect(optimized(['--no-turbofan'])).toEqual({ held: false, released: false });
  });

  it('serve: held, a function first called runs in the interpreter; released, it gets baseline code at once', () => {
    expect(baseline()).toEqual({ held: false, released: true });
  });

  it('serve: node flags for baseline code are obeyed', () => {
    expect(baseline(['--no-sparkplug'])).toEqual({ held: false, released: false });
  });
});
