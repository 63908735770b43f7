// A chosen folder's files, named and ordered the way each cloud's tool zips a folder (Strata zips them as they
// arrive; see src/core/folder-zip.ts for the sources). Paths are relative to the folder: "python/x.py", no "./".

export const FOLDER_TOOLS = {
  aws: 'the AWS CLI and SAM',
  fc: 'Serverless Devs',
};

/** "myfolder/python/x.py" (webkitRelativePath) → "python/x.py" */
function relative(file) {
  const full = file.webkitRelativePath || file.name;
  const slash = full.indexOf('/');
  return slash === -1 ? full : full.slice(slash + 1);
}

/** os.walk, top down: a directory's files before its subdirectories, each in name order (aws-cli make_zip). */
function walkOrder(a, b) {
  const as = a.path.split('/');
  const bs = b.path.split('/');
  for (let i = 0; i < Math.min(as.length, bs.length); i += 1) {
    const aFile = i === as.length - 1;
    const bFile = i === bs.length - 1;
    if (as[i] !== bs[i] || aFile !== bFile) {
      if (aFile !== bFile) return aFile ? -1 : 1;
      return as[i] < bs[i] ? -1 : 1;
    }
  }
  return 0;
}

/** ignore-walk's sort: localeCompare 'en' of the relative paths, names starting with '@' as "./@…" (its quirk). */
const sortKey = (path) => (path.startsWith('@') ? `./${path}` : path);
const localeOrder = (a, b) => sortKey(a.path).localeCompare(sortKey(b.path), 'en');

/** The folder's name, its files as { file, path }, in the order `cloud`'s tool zips them. */
export function folderEntries(files, cloud) {
  const list = [...files];
  const first = list[0]?.webkitRelativePath ?? '';
  const entries = list.map((file) => ({ file, path: relative(file) }));
  entries.sort(cloud === 'fc' ? localeOrder : walkOrder);
  return { folder: first.includes('/') ? first.slice(0, first.indexOf('/')) : '', entries };
}

/** Appends the entries to a form as Strata's folder upload expects: [mtime] file, with percent-encoded paths. */
export function appendFolder(form, entries) {
  for (const { file, path } of entries) {
    form.append('mtime', String(file.lastModified));
    form.append('file', file, encodeURIComponent(path));
  }
}
