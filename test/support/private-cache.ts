// Tests never touch the user's model cache. Loading this module points ORDO_CACHE_DIR at a
// fresh temporary directory for this process and for every process it starts (they
// inherit the environment), and removes the directory when the process exits.
//
// `npm test` and `npm run unit` load it before every test file (node --import), and
// support/corpus.ts imports it, so a test file run on its own is covered too (a module is
// evaluated once per process however often it is imported). A test that needs other
// cache settings sets ORDO_CACHE_DIR itself and restores this value afterwards.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The temporary cache directory of this test process. */
export const testCacheDir: string = mkdtempSync(join(tmpdir(), 'ordo-test-cache-'));

process.env.ORDO_CACHE_DIR = testCacheDir;
process.on('exit', () => rmSync(testCacheDir, { recursive: true, force: true }));
