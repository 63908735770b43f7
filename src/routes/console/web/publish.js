// The publish form: a zip, or a folder that Strata zips the way the cloud's own tool would; with upload progress.
import { ApiError, layerPath, upload } from './api.js';
import { $, bytes, h, replace, showError } from './dom.js';
import { FOLDER_TOOLS, appendFolder, folderEntries } from './folder.js';

let shownFor;

const contentKind = () => ($('content-folder').checked ? 'folder' : 'zip');

function checkboxes(container, name, values) {
  replace(container, values.map((value) => {
    const id = `${name}-${value.replace(/[^a-zA-Z0-9]/g, '-')}`;
    return h('div', { class: 'choice' }, h('input', { type: 'checkbox', id, name, value }), h('label', { for: id }, value));
  }));
}

function describeFolder(cloud) {
  const files = $('publish-folder').files;
  const tool = FOLDER_TOOLS[cloud.cloud];
  if (!files || files.length === 0) {
    $('folder-hint').textContent = `Its contents go at the zip's root (choose the folder that holds python/, nodejs/ …), zipped as ${tool} zip a folder.`;
    return;
  }
  const { folder, entries } = folderEntries(files, cloud.cloud);
  const total = entries.reduce((n, e) => n + e.file.size, 0);
  const ignored = cloud.cloud === 'fc' && entries.some((e) => e.path === '.fcignore' || e.path.endsWith('/.fcignore'));
  $('folder-hint').textContent = `${entries.length} file${entries.length === 1 ? '' : 's'} in ${folder || 'the folder'}, ${bytes(total)}, ` +
    `zipped as ${tool} zip a folder (e.g. ${entries[0].path}).` +
    (ignored ? ' Note: .fcignore is not applied here; the files it names are uploaded too.' : '');
}

/** Sets the form up for the cloud being shown (its runtimes, architectures and limits) and the selected layer. */
export function showPublishFor(cloud, route) {
  if (!cloud) return;
  const key = `${route.cloud}/${route.account}/${route.region}`;
  if (shownFor?.key !== key) {
    checkboxes($('runtime-choices'), 'runtime', cloud.runtimes);
    checkboxes($('architecture-choices'), 'architecture', cloud.architectures);
    $('architecture-field').hidden = cloud.architectures.length === 0;
    $('content-folder-label').textContent = `A folder, zipped as ${FOLDER_TOOLS[cloud.cloud]} zip one`;
    $('limits-hint').textContent = `${cloud.title} takes zips up to ${bytes(cloud.limits.maxZippedBytes)}, ` +
      `${bytes(cloud.limits.maxUnzippedBytes)} unzipped.`;
    $('publish-title').textContent = `Publish a new version (${cloud.title}, ${route.account}, ${route.region})`;
    describeFolder(cloud);
  }
  if (route.name !== undefined && shownFor?.name !== route.name) $('publish-name').value = route.name;
  shownFor = { key, name: route.name, cloud };
}

function progress(sent, total) {
  const box = $('progress-box');
  box.hidden = false;
  if (sent === null) {
    $('progress-label').textContent = 'Checking the zip';
    $('publish-progress').removeAttribute('value');
    $('progress-text').textContent = 'Uploaded; Strata is checking and storing it…';
    return;
  }
  $('progress-label').textContent = 'Uploading';
  if (total) {
    $('publish-progress').value = Math.round((sent / total) * 100);
    $('progress-text').textContent = `${bytes(sent)} of ${bytes(total)} (${Math.round((sent / total) * 100)}%)`;
  } else {
    $('progress-text').textContent = `${bytes(sent)} sent`;
  }
}

function buildForm(cloud) {
  const form = new FormData();
  form.append('description', $('publish-description').value);
  form.append('license', $('publish-license').value);
  for (const box of document.querySelectorAll('#runtime-choices input:checked')) form.append('runtime', box.value);
  for (const box of document.querySelectorAll('#architecture-choices input:checked')) form.append('architecture', box.value);
  if (contentKind() === 'zip') {
    const file = $('publish-zip').files?.[0];
    if (!file) throw new ApiError('Choose a zip file to upload.');
    form.append('zip', file, file.name);
  } else {
    const files = $('publish-folder').files;
    if (!files || files.length === 0) throw new ApiError('Choose a folder with at least one file in it.');
    appendFolder(form, folderEntries(files, cloud.cloud).entries);
  }
  return form;
}

export function setupPublish({ route, cloud, published }) {
  const showKind = () => {
    const folder = contentKind() === 'folder';
    $('zip-field').hidden = folder;
    $('folder-field').hidden = !folder;
  };
  $('content-zip').addEventListener('change', showKind);
  $('content-folder').addEventListener('change', showKind);
  $('publish-folder').addEventListener('change', () => describeFolder(cloud()));

  $('publish-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const error = $('publish-error');
    showError(error, '');
    const name = $('publish-name').value.trim();
    const button = $('publish-button');
    // Not `disabled`: a disabled button drops the keyboard focus; aria-disabled keeps it where it was.
    if (button.getAttribute('aria-disabled') === 'true') return;
    try {
      if (!name) throw new ApiError('Give the layer a name.');
      const form = buildForm(cloud());
      button.setAttribute('aria-disabled', 'true');
      progress(0, undefined);
      const detail = await upload(`${layerPath(route(), name)}/versions?content=${contentKind()}`, form, progress);
      $('progress-box').hidden = true;
      $('publish-zip').value = '';
      $('publish-folder').value = '';
      describeFolder(cloud());
      published(detail);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      $('progress-box').hidden = true;
      showError(error, `Not published: ${err.message}`);
    } finally {
      button.removeAttribute('aria-disabled');
    }
  });
}
