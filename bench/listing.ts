/**
 * Listing cost against store size: ListLayerVersions of a layer with 10 versions vs one with `big` versions,
 * and ListLayers of an account with 10 layers vs one with `big` layers, on one Strata. Each account is its own
 * (the access key id names it), so the small and large cases share the process but not the rows they list.
 * Pages hold 10 items in both cases, so only the size of what is around them differs.
 */
import { authorization, awsPath, bodiesOf, median, publish, send, zipOf } from './client.js';
import type { Server } from './servers.js';

const PAGE = 10;

export async function measureListing(
  server: Server, big: number, requests: number, log: (line: string) => void,
): Promise<[row: string, at10: number, atBig: number][]> {
  const body = bodiesOf(await zipOf(1_000)).aws;
  const seed = async (account: string, count: number, layerOf: (i: number) => string) => {
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let i = next++; i < count; i = next++) await publish(server.port, awsPath(layerOf(i)), body, authorization(account));
    }));
  };
  await seed('111111111111', 10, () => 'versions');
  await seed('222222222222', big, () => 'versions');
  await seed('333333333333', 10, (i) => `layer-${String(i).padStart(6, '0')}`);
  await seed('444444444444', big, (i) => `layer-${String(i).padStart(6, '0')}`);
  log(`listing: seeded ${big} versions and ${big} layers`);

  const pageLatency = async (path: string, small: string, large: string): Promise<[number, number]> => {
    const times: [number[], number[]] = [[], []];
    for (let i = 0; i < requests; i++) {
      for (const [k, account] of (i % 2 === 0 ? [[0, small], [1, large]] : [[1, large], [0, small]]) as [0 | 1, string][]) {
        const res = await send(server.port, 'GET', path, undefined, authorization(account));
        if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
        times[k].push(res.ms);
      }
    }
    return [median(times[0]), median(times[1])];
  };
  const versions = await pageLatency(`/2018-10-31/layers/versions/versions?MaxItems=${PAGE}`, '111111111111', '222222222222');
  const layers = await pageLatency(`/2018-10-31/layers?MaxItems=${PAGE}`, '333333333333', '444444444444');
  return [
    [`ListLayerVersions page of ${PAGE}, median (ms)`, ...versions],
    [`ListLayers page of ${PAGE}, median (ms)`, ...layers],
  ];
}
