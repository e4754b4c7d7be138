// Bundles the single-test command line (dist/src/cli/main.js and what it imports
// statically) into one file, dist/src/cli/main.bundle.js, which bin/ordo.js loads when
// it is up to date. The kernel's scripts start one process per test; as separate
// modules, a fifth of that process's CPU time went to Node resolving, reading and
// compiling some hundred ES modules (see `npm run bench -- --startup`).
//
// The bundle sits beside main.js, so every path a bundled module derives from its own
// location (the package root two levels up, models/) comes out the same. What main.js
// loads with import() (the subcommands, the graph renderer) stays a separate module,
// loaded from dist/ as before: those start worker threads from files beside them, and a
// one-test process never needs them.
//
// Run after tsc (npm run build, prepare and npm test do): bin/ordo.js uses the bundle only
// if it is at least as new as main.js, so a tsc run without this step cannot leave a
// stale bundle in use.

import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli');

export const bundleFile = join(cliDir, 'main.bundle.js');

await build({
  entryPoints: [join(cliDir, 'main.js')],
  outfile: bundleFile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  plugins: [
    {
      name: 'dynamic-imports-stay-modules',
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) => {
          if (args.kind !== 'dynamic-import') return undefined;
          if (!args.path.startsWith('.')) return { path: args.path, external: true };
          // A relative import() is written relative to the bundle, wherever its module was.
          const target = relative(cliDir, resolve(args.resolveDir, args.path)).split(sep);
          return { path: ['.', ...target].join('/'), external: true };
        });
      },
    },
  ],
});

// The build's identity, which names the daemon's socket (src/daemon): a digest of the
// installation's place and of every compiled module, so that a warm process never answers
// for other code than bin/ordo.js would run. Written after the bundle, so that it is the
// newer file (the client ignores an id older than main.js: tsc ran, this step did not).
const srcDir = dirname(cliDir);
const digest = createHash('sha256')
  .update(resolve(srcDir, '..', '..'))
  .update('\0');
for (const entry of readdirSync(srcDir, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.js'))
  .map((e) => join(e.parentPath, e.name))
  .sort())
  digest.update(relative(srcDir, entry)).update('\0').update(readFileSync(entry)).update('\0');
writeFileSync(join(cliDir, 'main.bundle.id'), digest.digest('hex').slice(0, 24) + '\n');
