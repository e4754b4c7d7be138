// Reading an input file (litmus test, macro file) with a user-facing error when it cannot
// be read, shared by every entry point.

import { readFileSync } from 'node:fs';
import { OrdoError } from './diagnostics.js';

export function readSourceFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const why =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new OrdoError(`cannot read this file (${why})`, { file: path, line: 0, col: 0 });
  }
}
