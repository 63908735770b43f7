/**
 * `npx tsx bench/profile.ts [small|large|all] [DIR] [CHECKOUT]`: a publish workload (1 KB layers; 5 MB and 50 MB layers; or
 * both, on the AWS and FC paths) against a built Strata under `node --cpu-prof`, then the functions with the most
 * self time, as shares of the samples in which the process was busy (not idle). The profile is left in DIR
 * (default a temporary directory) for a closer look in Chrome's DevTools. CHECKOUT profiles the Strata built
 * there (another commit) instead of this one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MB, awsPath, bodiesOf, fcPath, publish, throughput, zipOf } from './client.js';
import { printTable } from './report.js';
import { startStrata } from './servers.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

async function main() {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const workload = process.argv[2] ?? 'all';
  const dir = process.argv[3] ?? (await mkdtemp(join(tmpdir(), 'strata-profile-')));
  const sizes = { small: [[1_000, 300]], large: [[5 * MB, 10], [50 * MB, 3]], all: [[1_000, 300], [5 * MB, 10], [50 * MB, 3]] }[workload];
  if (!sizes) throw new Error(`unknown workload ${workload}: small, large or all`);
  const server = await startStrata('Strata', {}, ['--cpu-prof', `--cpu-prof-dir=${dir}`], process.argv[4] ?? '.');
  try {
    for (const [size, runs] of sizes as [number, number][]) {
      const bodies = bodiesOf(await zipOf(size));
      for (let i = 0; i < runs; i++) {
        await publish(server.port, awsPath('profile'), bodies.aws);
        await publish(server.port, fcPath('profile'), bodies.fc);
      }
      if (size === 1_000) await throughput(server.port, awsPath('burst'), bodies.aws, 400, 8);
    }
  } finally {
    await server.stop(); // SIGTERM: the server exits and node writes the profile
  }
  const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile in ${dir}`);
  const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  for (const id of profile.samples) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url ? `${url.replace(/^.*\/(node_modules|dist)\//, '$1/').replace(/^node:/, 'node:')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + 1);
  }
  const idle = self.get('(idle)') ?? 0;
  self.delete('(idle)');
  const busy = profile.samples.length - idle;
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 25);
  printTable(`CPU profile of a ${workload} publish run: ${busy} busy samples, ${idle} idle (${join(dir, file)})`,
    ['self, % of busy', 'function'], top.map(([k, n]) => [`${((100 * n) / busy).toFixed(1)}%`, k]));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
