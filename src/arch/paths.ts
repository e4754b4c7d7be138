// Where Ordo's shipped models are: models/ at the package root (this file is
// <root>/dist/src/arch/paths.js once built).

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const modelsDir = join(packageRoot, 'models');
