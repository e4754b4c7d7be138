#!/usr/bin/env node
// The `ordo` command. It loads the command line from one bundled file when the build
// made one (tools/bundle-cli.ts) and it is at least as new as the compiled modules, and
// from the modules otherwise: a process that checks one test then starts sooner.
import { statSync } from 'node:fs';
import { URL } from 'node:url';

const cli = new URL('../dist/src/cli/', import.meta.url);

function bundleIsCurrent() {
  try {
    return (
      statSync(new URL('main.bundle.js', cli)).mtimeMs >= statSync(new URL('main.js', cli)).mtimeMs
    );
  } catch {
    return false;
  }
}

const { main } = await import(
  bundleIsCurrent() ? '../dist/src/cli/main.bundle.js' : '../dist/src/cli/main.js'
);
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
