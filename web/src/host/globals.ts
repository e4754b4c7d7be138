// The globals the pipeline reads besides its imports: `process` (environment, working
// directory) and `Buffer` (herd7's digest). Imported first by the worker, before any
// module of the pipeline is evaluated.

import { Buffer } from 'buffer';
import { processObject } from './process.js';

const scope = globalThis as Record<string, unknown>;
scope.process ??= processObject;
scope.Buffer ??= Buffer;
