/**
 * How several layers become one /opt. Each cloud extracts a function's layers into /opt one after the other, and a
 * file from one layer replaces a file of the same path from another; which one is left depends on the cloud's order
 * (the dialects' mount rules say which, with their sources). Directories merge. An entry replaces whatever stood at
 * its path: a file replaces a directory and everything under it, and an entry inside a folder replaces a file (or
 * link) that stood where the folder is, as extracting over an existing tree with `unzip -o` and then removing what
 * is in the way would leave it. Within one layer, a later entry of the same path wins, as it would when extracted.
 */
import type { EntryKind } from '../codec/zip-entries.js';

/** Which of two layers with the same path keeps it: the one applied last, or the one named first. */
export type Precedence = 'later-wins' | 'earlier-wins';

export interface TreeEntry<S> {
  path: string;
  kind: EntryKind;
  mode: number;
  mtime: Date;
  size: number;
  /** Where the entry's bytes are, for whoever writes the tree. */
  source: S;
}

/**
 * The tree the layers make, each layer's entries in its own order, layers in the order named. Entries come out
 * in the order their final version was applied; the root ('') is never an entry.
 */
export function overlay<S>(layers: readonly (readonly TreeEntry<S>[])[], precedence: Precedence): TreeEntry<S>[] {
  const applied = precedence === 'later-wins' ? layers : [...layers].reverse();
  const tree = new Map<string, TreeEntry<S>>();
  for (const layer of applied) {
    for (const entry of layer) {
      if (entry.path === '') continue;
      // Ancestors become directories: a file or link in the way goes.
      for (let at = entry.path.indexOf('/'); at !== -1; at = entry.path.indexOf('/', at + 1)) {
        const ancestor = tree.get(entry.path.slice(0, at));
        if (ancestor && ancestor.kind !== 'directory') tree.delete(ancestor.path);
      }
      const existing = tree.get(entry.path);
      if (existing?.kind === 'directory' && entry.kind === 'directory') {
        tree.set(entry.path, entry); // the folder's own mode and time are the later entry's
        continue;
      }
      if (existing?.kind === 'directory') {
        const inside = `${entry.path}/`;
        for (const path of [...tree.keys()]) if (path.startsWith(inside)) tree.delete(path);
      }
      tree.delete(entry.path);
      tree.set(entry.path, entry);
    }
  }
  return [...tree.values()];
}
