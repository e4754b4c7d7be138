// The page's `process`: the global (installed by globals.ts) and `node:process`. Runs
// start in WORKING_DIR with no environment but the one setting that matters here: no
// cache on disk (there is no disk).

import { WORKING_DIR } from './files.js';

export const env: Record<string, string | undefined> = { ORDO_CACHE_DIR: 'off' };

export function cwd(): string {
  return WORKING_DIR;
}

/** CPU time is not observable in a page; Ordo runs in a worker, where limits use elapsed time. */
export function cpuUsage(): { user: number; system: number } {
  const micro = Math.round(performance.now() * 1000);
  return { user: micro, system: 0 };
}

/** Resident memory is not observable in a page: -max-memory is not offered there. */
export const memoryUsage = Object.assign(() => ({ rss: 0, heapUsed: 0 }), { rss: () => 0 });

export const pid = 1;
export const platform = 'browser';

export const processObject = { env, cwd, cpuUsage, memoryUsage, pid, platform };
