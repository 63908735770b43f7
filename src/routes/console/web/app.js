// The console's page: which cloud, account, region, layer and version is shown lives in the URL's hash
// (#/aws/000000000000/us-east-1/layers/my-layer/versions/3), so Back, reload and links work.
import { ApiError, get, layerPath, scopePath } from './api.js';
import { $, bytes, h, replace, showError, when } from './dom.js';
import { setupPublish, showPublishFor } from './publish.js';
import { renderVersion } from './version.js';

const state = { overview: undefined, route: undefined };

const cloudInfo = (cloud) => state.overview?.clouds.find((c) => c.cloud === cloud);

export function announce(message) {
  // Cleared first so that the same message twice is announced twice.
  $('status').textContent = '';
  requestAnimationFrame(() => ($('status').textContent = message));
}

function hashOf({ cloud, account, region, name, version }) {
  let hash = `#/${cloud}/${account}/${region}`;
  if (name !== undefined) hash += `/layers/${encodeURIComponent(name)}`;
  if (version !== undefined) hash += `/versions/${version}`;
  return hash;
}

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map((p) => decodeURIComponent(p));
  const [cloud, account, region, l, name, v, version] = parts;
  if (!cloud || !account || !region) return undefined;
  return {
    cloud, account, region,
    name: l === 'layers' && name ? name : undefined,
    version: v === 'versions' && /^\d+$/.test(version ?? '') ? Number(version) : undefined,
  };
}

export function navigate(route) {
  const hash = hashOf(route);
  if (location.hash === hash) show(route, { focus: true });
  else location.hash = hash;
}

function renderScopes() {
  const current = state.route;
  const groups = state.overview.clouds.map((cloud) => {
    const scopes = state.overview.scopes.filter((s) => s.cloud === cloud.cloud);
    return h('section', { class: 'scope-group', 'aria-labelledby': `scopes-${cloud.cloud}` },
      h('h3', { id: `scopes-${cloud.cloud}` }, cloud.title),
      h('ul', { class: 'plain' }, scopes.map((s) => {
        const selected = current && current.cloud === s.cloud && current.account === s.account && current.region === s.region;
        return h('li', {},
          h('a', { href: hashOf(s), class: 'scope', 'aria-current': selected ? 'page' : undefined },
            h('span', { class: 'scope-name' }, s.account), ' ',
            h('span', { class: 'scope-region' }, s.region), ' ',
            h('span', { class: 'scope-count' }, `${s.layers} layer${s.layers === 1 ? '' : 's'}, ${s.versions} version${s.versions === 1 ? '' : 's'}`)));
      })));
  });
  replace($('scope-list'), groups);
  replace($('open-cloud'), state.overview.clouds.map((c) => h('option', { value: c.cloud }, c.title)));
}

/**
 * A table of one page of items, with a "Show more" button while there are more pages: the next page is appended,
 * and the focus moves to its first row's link.
 */
function pagedTable(caption, headings, page, row, more, label) {
  const body = h('tbody', {}, page.items.map(row));
  const button = h('button', { type: 'button', class: 'more' }, label);
  let next = page.next;
  button.hidden = next === null;
  button.addEventListener('click', async () => {
    try {
      const got = await more(next);
      const rows = got.items.map(row);
      body.append(...rows);
      next = got.next;
      button.hidden = next === null;
      rows[0]?.querySelector('a')?.focus();
    } catch (err) {
      announce(err.message);
    }
  });
  return [
    h('table', {}, h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, headings.map((t) => h('th', { scope: 'col' }, t)))), body),
    button,
  ];
}

async function renderLayers(route) {
  const info = cloudInfo(route.cloud);
  $('layers-title').textContent = `Layers in ${info?.title ?? route.cloud}`;
  $('scope-line').textContent = `Account ${route.account}, region ${route.region}`;
  const load = async (start) => {
    const { layers, next } = await get(`${scopePath(route)}${start ? `?start=${encodeURIComponent(start)}` : ''}`);
    return { items: layers, next };
  };
  const page = await load();
  if (page.items.length === 0) {
    replace($('layer-list'), h('p', {}, 'No layers here yet. Publish one with the form.'));
    return;
  }
  const acl = info?.access === 'acl';
  replace($('layer-list'), pagedTable('Layers, by name', ['Name', 'Latest', 'Published', acl && 'ACL'].filter(Boolean), page,
    (l) => h('tr', { 'aria-current': route.name === l.name ? 'true' : undefined },
      h('td', {}, h('a', { href: hashOf({ ...route, name: l.name, version: undefined }) }, l.name)),
      h('td', { class: 'num' }, String(l.latestVersion)),
      h('td', { class: 'nowrap' }, when(l.createdAt)),
      acl && h('td', {}, l.isPublic ? 'public' : 'private')),
    load, 'Show more layers'));
}

async function renderVersions(route) {
  $('layer-title').textContent = `Versions of ${route.name}`;
  const load = async (start) => {
    const { versions, next } = await get(`${layerPath(route, route.name)}/versions${start ? `?start=${start}` : ''}`);
    return { items: versions, next };
  };
  replace($('version-list'), pagedTable(`Versions of ${route.name}, newest first`,
    ['Version', 'Published', 'Size', 'Description', 'Runtimes'], await load(),
    (v) => h('tr', { 'aria-current': route.version === v.version ? 'true' : undefined },
      h('td', { class: 'nowrap' }, h('a', { href: hashOf({ ...route, version: v.version }) }, `Version ${v.version}`)),
      h('td', { class: 'nowrap' }, when(v.createdAt)),
      h('td', { class: 'num' }, bytes(v.size)),
      h('td', {}, v.description ?? ''),
      h('td', {}, (v.compatibleRuntimes ?? []).join(', '))),
    load, 'Show more versions'));
}

async function show(route, { focus } = {}) {
  state.route = route;
  renderScopes();
  showPublishFor(cloudInfo(route.cloud), route);
  try {
    await renderLayers(route);
    $('layer-section').hidden = route.name === undefined;
    $('version-section').hidden = route.version === undefined;
    if (route.name !== undefined) await renderVersions(route);
    if (route.version !== undefined) {
      await renderVersion($('version-detail'), route, cloudInfo(route.cloud), {
        announce,
        // Each change is announced once the page shows its outcome.
        deleted: async (message) => {
          // Back to the layer, or to the scope when that was its last version.
          const left = await get(`${layerPath(route, route.name)}/versions`).then((r) => r.versions.length, () => 0);
          await refresh(left > 0 ? { ...route, version: undefined } : { ...route, name: undefined, version: undefined }, true);
          announce(message);
        },
        changed: async (message) => {
          await show(route);
          // The control that was used is drawn anew: the focus goes to the top of its section.
          $('access-title')?.focus();
          announce(message);
        },
      });
    }
    if (focus) $(route.version !== undefined ? 'version-title' : route.name !== undefined ? 'layer-title' : 'layers-title').focus();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    announce(err.message);
    if (route.version !== undefined) replace($('version-detail'), h('p', { class: 'error' }, err.message));
    else if (route.name !== undefined) replace($('version-list'), h('p', { class: 'error' }, err.message));
    else replace($('layer-list'), h('p', { class: 'error' }, err.message));
  }
}

/** Reloads the counts and shows `route` (the current one by default). */
export async function refresh(route = state.route, focus = false) {
  state.overview = await get('/_strata/console/api/overview');
  if (location.hash !== hashOf(route)) history.pushState(null, '', hashOf(route));
  await show(route, { focus });
}

function defaultRoute() {
  const held = state.overview.scopes.find((s) => s.layers > 0) ?? state.overview.scopes[0];
  return { cloud: held.cloud, account: held.account, region: held.region };
}

$('open-scope').addEventListener('submit', (e) => {
  e.preventDefault();
  const cloud = $('open-cloud').value;
  const account = $('open-account').value.trim();
  const region = $('open-region').value.trim();
  if (!/^\d{1,32}$/.test(account)) return showError($('open-error'), 'An account ID is digits only.');
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(region)) return showError($('open-error'), 'A region is lower-case letters, digits and -, e.g. us-east-1.');
  showError($('open-error'), '');
  navigate({ cloud, account, region });
});

window.addEventListener('hashchange', () => {
  const route = parseHash();
  if (route) show(route, { focus: true });
});

async function start() {
  try {
    state.overview = await get('/_strata/console/api/overview');
  } catch (err) {
    replace($('scope-list'), h('p', { class: 'error' }, err.message));
    return;
  }
  setupPublish({
    route: () => state.route,
    cloud: () => cloudInfo(state.route.cloud),
    published: async (detail) => {
      await refresh({ cloud: detail.cloud, account: detail.account, region: detail.region, name: detail.name, version: detail.version }, true);
      announce(`Published version ${detail.version} of ${detail.name}.`);
    },
  });
  const route = parseHash() ?? defaultRoute();
  if (!parseHash()) history.replaceState(null, '', hashOf(route));
  await show(route);
  document.body.dataset.ready = 'true';
}

start();
