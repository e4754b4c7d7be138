// Compiles the native client (native/ordo-client.c) into native/ordo-client, which
// bin/ordo runs when it exists. Without a C compiler nothing is built and bin/ordo starts
// Node for each run: slower to start, same answers.
//
// Plain JavaScript beside the C source, because it ships in the package: npm runs it as
// the `install` script on a user's machine (where a failed compile must not fail the
// install: the Node fallback still works), and `npm run build`/`npm test` run it with
// --strict, where a failed compile is an error.
//
// On install it also marks the bundle as current. The client serves a build only when its
// id file (dist/src/cli/main.bundle.id) is not older than dist/src/cli/main.js, which in a
// checkout means the bundle was made after the last tsc run; npm unpacks a package's files
// in no particular order, so an installed main.js may come out a moment younger.

import { spawnSync } from 'node:child_process';
import { existsSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeDir = dirname(fileURLToPath(import.meta.url));
const source = join(nativeDir, 'ordo-client.c');
const output = join(nativeDir, 'ordo-client');
const strict = process.argv.includes('--strict');

if (!strict) {
  const buildId = join(nativeDir, '..', 'dist', 'src', 'cli', 'main.bundle.id');
  if (existsSync(buildId)) utimesSync(buildId, new Date(), new Date());
}

const compilers = [process.env.CC, 'cc', 'gcc', 'clang'].filter((c) => !!c);
const flags = ['-O2', '-std=c11', '-Wall', '-Wextra', '-o', output, source];
let built = false;
for (const cc of compilers) {
  const r = spawnSync(cc, flags, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error && r.error.code === 'ENOENT') continue;
  if (r.status !== 0) {
    console.error(`build-client: ${cc} failed on ${source}`);
    if (strict) process.exit(1);
    console.error('build-client: bin/ordo will start Node for each run');
    process.exit(0);
  }
  built = true;
  break;
}
if (!built)
  console.error(
    'build-client: no C compiler (cc, gcc, clang) found: bin/ordo will start Node for each run',
  );
