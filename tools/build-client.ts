// Compiles the native client (native/ordo-client.c) into native/ordo-client, which
// bin/ordo runs when it exists. Without a C compiler, nothing is built and bin/ordo runs
// Node directly, as before: slower to start, same answers. Run by npm run build, prepare
// and npm test, after the bundle.

import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'native');
const source = join(nativeDir, 'ordo-client.c');
const output = join(nativeDir, 'ordo-client');

const compilers = [process.env.CC, 'cc', 'gcc', 'clang'].filter((c): c is string => !!c);
const flags = ['-O2', '-std=c11', '-Wall', '-Wextra', '-o', output, source];
let built = false;
for (const cc of compilers) {
  const r = spawnSync(cc, flags, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') continue;
  if (r.status !== 0) {
    console.error(`build-client: ${cc} failed on ${source}`);
    process.exit(1);
  }
  built = true;
  break;
}
if (!built)
  console.error(
    'build-client: no C compiler (cc, gcc, clang) found: bin/ordo will start Node for each run',
  );
