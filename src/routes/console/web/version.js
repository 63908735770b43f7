// One version: every field its cloud returns, its checksums, download, delete, and its policy (AWS) or ACL (FC).
import { ApiError, get, layerPath, send, versionPath } from './api.js';
import { $, bytes, h, replace, showError, when } from './dom.js';

/** { Content: { Location: 'x' } } → [['Content.Location', 'x']] */
function flatten(value, prefix = '') {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  if (Array.isArray(value)) return [[prefix, value.length === 0 ? '[] (an empty list)' : value.join(', ')]];
  return [[prefix, value === null ? 'null' : value === '' ? '"" (an empty string)' : String(value)]];
}

function fieldTable(response, title) {
  return h('table', { class: 'fields' },
    h('caption', {}, `${response.operation}, ${title} API ${response.api}`),
    h('tbody', {}, flatten(response.body).map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, h('code', {}, v))))));
}

function checksums(detail) {
  return h('dl', { class: 'pairs' },
    h('dt', {}, `${detail.checksum.name} (${detail.checksum.algorithm})`), h('dd', {}, h('code', { 'data-checksum': detail.checksum.name }, detail.checksum.value)),
    h('dt', {}, 'SHA-256 (hex, as sha256sum prints it)'), h('dd', {}, h('code', {}, detail.sha256Hex)),
    h('dt', {}, 'Size'), h('dd', {}, `${bytes(detail.size)} (${detail.size} bytes)`),
    h('dt', {}, 'Published'), h('dd', {}, when(detail.createdAt)));
}

function confirmDelete(detail, cloud, ctx) {
  const dialog = $('delete-dialog');
  $('delete-title').textContent = `Delete version ${detail.version} of ${detail.name}?`;
  $('delete-text').textContent = `Its content is deleted too, from ${cloud.title} account ${detail.account}, region ${detail.region}. ` +
    'Its number is never reused.';
  showError($('delete-error'), '');
  $('delete-cancel').onclick = () => dialog.close();
  $('delete-confirm').onclick = async () => {
    if ($('delete-confirm').getAttribute('aria-disabled') === 'true') return;
    $('delete-confirm').setAttribute('aria-disabled', 'true');
    try {
      await send('DELETE', versionPath(detail, detail.name, detail.version));
      dialog.close();
      ctx.deleted(`Deleted version ${detail.version} of ${detail.name}.`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      showError($('delete-error'), err.message);
    } finally {
      $('delete-confirm').removeAttribute('aria-disabled');
    }
  };
  dialog.showModal();
}

function field(id, label, hint, attrs = {}) {
  return [
    h('label', { for: id }, label),
    h('input', { id, autocomplete: 'off', 'aria-describedby': hint ? `${id}-hint` : undefined, ...attrs }),
    hint && h('p', { id: `${id}-hint`, class: 'hint' }, hint),
  ];
}

function policySection(detail, ctx) {
  const { policy } = detail;
  const base = `${versionPath(detail, detail.name, detail.version)}/grants`;
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const grants = policy.grants.length === 0
    ? h('p', {}, `Nothing is granted: only account ${detail.account}, the owner, can use this version.`)
    : h('table', {},
      h('caption', {}, 'Permissions granted'),
      h('thead', {}, h('tr', {}, ['Statement ID', 'Principal', 'Organization', 'Action', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, policy.grants.map((g) => h('tr', {},
        h('td', {}, g.statementId), h('td', {}, g.principal), h('td', {}, g.organizationId ?? ''), h('td', {}, g.action),
        h('td', {}, h('button', {
          type: 'button',
          'aria-label': `Revoke ${g.statementId}`,
          onclick: async () => {
            try {
              await send('DELETE', `${base}/${encodeURIComponent(g.statementId)}`);
              ctx.changed(`Revoked ${g.statementId}.`);
            } catch (err) {
              showError(error, err.message);
            }
          },
        }, 'Revoke'))))));
  const form = h('form', { class: 'stack grant', novalidate: true },
    h('h4', {}, 'Grant a permission'),
    field('grant-sid', 'Statement ID', 'Letters, digits, - and _; names the statement, to revoke it later.', { required: true }),
    field('grant-principal', 'Principal', 'An account ID (12 digits), * for every account, or arn:aws:iam::ACCOUNT:root.', { required: true }),
    field('grant-org', 'Organization ID (optional)', 'With principal *: only the accounts of this organization (o-…).'),
    h('p', { class: 'hint' }, 'Action: lambda:GetLayerVersion (the only one a layer grants).'),
    error,
    h('button', { type: 'submit' }, 'Grant'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const statementId = $('grant-sid').value.trim();
    const principal = $('grant-principal').value.trim();
    const organizationId = $('grant-org').value.trim() || null;
    if (!statementId || !principal) return showError(error, 'Give a statement ID and a principal.');
    try {
      await send('POST', base, { statementId, principal, organizationId });
      ctx.changed(`Granted ${statementId} to ${principal}.`);
    } catch (err) {
      showError(error, err.message);
    }
  });
  return h('section', { 'aria-labelledby': 'access-title', class: 'access' },
    h('h3', { id: 'access-title', tabindex: '-1' }, 'Who may use this version'),
    grants,
    policy.document && h('details', {},
      h('summary', {}, 'Policy document, as GetLayerVersionPolicy returns it'),
      h('pre', {}, JSON.stringify(JSON.parse(policy.document), null, 2)),
      h('p', {}, 'RevisionId: ', h('code', {}, policy.revision))),
    form);
}

function aclSection(detail, ctx) {
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const makePublic = !detail.isPublic;
  return h('section', { 'aria-labelledby': 'access-title', class: 'access' },
    h('h3', { id: 'access-title', tabindex: '-1' }, 'Who may use this layer'),
    h('p', { 'data-acl': detail.isPublic ? 'public' : 'private' }, detail.isPublic
      ? 'Public (acl 1): every account can use every version of this layer.'
      : `Private (acl 0): only account ${detail.account} can use this layer's versions.`),
    h('p', { class: 'hint' }, "Function Compute's ACL belongs to the layer: it applies to all its versions (PutLayerACL)."),
    error,
    h('button', {
      type: 'button',
      onclick: async () => {
        try {
          await send('PUT', `${layerPath(detail, detail.name)}/acl`, { public: makePublic });
          ctx.changed(`${detail.name} is now ${makePublic ? 'public' : 'private'}.`);
        } catch (err) {
          showError(error, err.message);
        }
      },
    }, makePublic ? 'Make public' : 'Make private'));
}

export async function renderVersion(container, route, cloud, ctx) {
  const detail = await get(versionPath(route, route.name, route.version));
  $('version-title').textContent = `${detail.name}, version ${detail.version}`;
  const [main, ...others] = detail.responses;
  replace(container,
    h('div', { class: 'actions' },
      h('a', { class: 'button', href: detail.downloadUrl, download: `${detail.name}-${detail.version}.zip` }, 'Download zip'),
      h('button', { type: 'button', class: 'danger', onclick: () => confirmDelete(detail, cloud, ctx) }, `Delete version ${detail.version}…`)),
    h('h3', {}, 'Checksums'),
    checksums(detail),
    h('h3', {}, `What ${cloud.title} returns`),
    fieldTable(main, cloud.title),
    others.length > 0 && h('details', {},
      h('summary', {}, `The same version in the other API versions (${others.map((o) => o.api).join(', ')})`),
      others.map((o) => [h('h4', {}, `${o.operation}, API ${o.api}`), h('pre', {}, JSON.stringify(o.body, null, 2))])),
    detail.policy ? policySection(detail, ctx) : aclSection(detail, ctx));
}
