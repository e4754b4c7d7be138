// Ordo's version: the one package.json declares, read once from the package root.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The `version` of Ordo's package.json ('unknown' when it cannot be read). */
export function ordoVersion(): string {
  if (cached !== undefined) return cached;
  cached = 'unknown';
  // This file is <root>/src/version.ts or <root>/dist/src/version.js.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'ordo' && typeof pkg.version === 'string') {
        cached = pkg.version;
        break;
      }
    } catch {
      // not the package root: look higher
    }
  }
  return cached;
}

/** The herd7 release whose output Ordo reproduces. */
export const HERD7_REFERENCE = '7.58+1';
