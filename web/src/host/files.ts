// The page's file system: an in-memory map from absolute paths to texts, read by the
// pipeline through the `node:fs` stand-in (fs.ts). It holds Ordo's models (embedded as
// text when the page is built) under /ordo/models, Ordo's package.json (for its
// version), and what the page writes before a run: the test and a custom model.

import ordoPackage from '../../../package.json';

/** Where the package root is in the page's file system (see web/vite.config.ts). */
export const PACKAGE_ROOT = '/ordo';

/** The directory the page's runs start in (process.cwd()). */
export const WORKING_DIR = '/work';

interface StoredFile {
  text: string;
  /** Bumped on every write, so the pipeline's caches keyed by mtime see an edit. */
  mtimeMs: number;
}

const files = new Map<string, StoredFile>();
let clock = 1;

// Ordo's version, which src/version.ts reads from the package root's package.json.
files.set(`${PACKAGE_ROOT}/package.json`, {
  text: JSON.stringify({ name: 'ordo', version: ordoPackage.version }),
  mtimeMs: 0,
});

// Every file of models/, as text, keyed by its path relative to this file.
const embedded = import.meta.glob<string>('../../../models/**/*', {
  query: '?raw',
  import: 'default',
  eager: true,
});
for (const [path, text] of Object.entries(embedded))
  files.set(`${PACKAGE_ROOT}/${path.replace(/^(\.\.\/)+/, '')}`, { text, mtimeMs: 0 });

export function writeFile(path: string, text: string): void {
  files.set(path, { text, mtimeMs: clock++ });
}

export function fileAt(path: string): StoredFile | undefined {
  return files.get(path);
}

/** True when some file lies under `dir`. */
export function isDirectory(dir: string): boolean {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  if (prefix === '/') return true;
  for (const p of files.keys()) if (p.startsWith(prefix)) return true;
  return false;
}

/** The names directly under `dir`, each marked as a directory or a file. */
export function entriesOf(dir: string): { name: string; directory: boolean }[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const seen = new Map<string, boolean>();
  for (const p of files.keys()) {
    if (!p.startsWith(prefix)) continue;
    const rest = p.slice(prefix.length);
    const slash = rest.indexOf('/');
    seen.set(slash < 0 ? rest : rest.slice(0, slash), slash >= 0);
  }
  return [...seen].sort().map(([name, directory]) => ({ name, directory }));
}

/** The path of every embedded model file, relative to models/. */
export function modelFileNames(): string[] {
  const prefix = `${PACKAGE_ROOT}/models/`;
  return [...files.keys()].filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
}
