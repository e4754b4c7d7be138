// Where the shared conformance material lives, for every test and tool that reads it.
//
// One place, one environment variable: ORDO_SHARED names the `shared/` folder (default:
// `../shared` beside the checkout, as CI lays it out). A missing corpus is an error with
// instructions, never a silent skip: a test that skips where the corpus is absent would
// pass everywhere and check nothing.

import './private-cache.js';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is compiled to dist/test/support/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The shared folder: $ORDO_SHARED, or ../shared beside the checkout. */
export function sharedDir(): string {
  const dir = process.env.ORDO_SHARED ?? resolve(repoRoot, '..', 'shared');
  if (!existsSync(join(dir, 'corpus'))) {
    throw new Error(
      `the shared corpus is missing: no ${join(dir, 'corpus')}. Place the shared/ folder ` +
        `beside the checkout (as CI does) or set ORDO_SHARED to its path.`,
    );
  }
  return dir;
}

/** A path inside shared/corpus, e.g. corpusPath('tests', 'kernel', 'MP+poonceonces.litmus'). */
export function corpusPath(...parts: string[]): string {
  return join(sharedDir(), 'corpus', ...parts);
}

/** The kernel's LKMM configuration file (run with its folder as the include directory). */
export function kernelCfg(): string {
  return corpusPath('models', 'lkmm', 'linux-kernel.cfg');
}

/**
 * Options that run the kernel's LKMM files as herd7 is run on them: `-conf
 * linux-kernel.cfg` with their folder on the search path (herd7 does not look beside the
 * cfg for the files it names).
 */
export function kernelOptions(): { conf: string; includeDirs: string[] } {
  return { conf: kernelCfg(), includeDirs: [corpusPath('models', 'lkmm')] };
}

/** herd7's BPF model. */
export function herdBpfCat(): string {
  return corpusPath('models', 'bpf', 'bpf.cat');
}
