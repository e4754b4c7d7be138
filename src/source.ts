// Reading an input file (litmus test, cat, bell, macro, configuration file) for every
// reader of Ordo. One place decides what a line is, so that every lexer and every
// FILE:LINE:COL agrees: CR LF, a lone CR (old Mac files), and the Unicode line and paragraph
// separators (U+2028, U+2029) and NEL (U+0085) all become LF. Without this, a lexer that
// only knows LF runs a `//` comment of a CR-only file to the end of the file and silently
// changes a model's meaning.
//
// Only regular files are read, and only up to a size no litmus test or model comes near:
// a FIFO would block the reader forever and a device such as /dev/zero never ends.

import { closeSync, constants, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { OrdoError } from './diagnostics.js';

/** Largest input file Ordo reads (bytes): far above any real test or model. */
export const MAX_SOURCE_BYTES = 64 * 2 ** 20;

const LINE_BREAK = /\r\n?|[\u2028\u2029\u0085]/g;

/** The text with every kind of line break written as LF. */
export function normaliseLineBreaks(text: string): string {
  return text.replace(LINE_BREAK, '\n');
}

function unreadable(path: string, why: string): OrdoError {
  return new OrdoError(`cannot read this file (${why})`, { file: path, line: 0, col: 0 });
}

function describeError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return err.message;
  }
}

/**
 * The contents of a regular file, line breaks normalised. Any other kind of file
 * (directory, FIFO, socket, device) or an unreadable or oversized one is an OrdoError
 * naming the file. The file is opened non-blocking, so a FIFO cannot stall the check.
 */
export function readSourceFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw unreadable(path, describeError(err as NodeJS.ErrnoException));
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw unreadable(path, 'it is a directory');
    if (!st.isFile()) throw unreadable(path, 'not a regular file');
    if (st.size > MAX_SOURCE_BYTES)
      throw unreadable(path, `larger than ${MAX_SOURCE_BYTES / 2 ** 20} MiB`);
    return normaliseLineBreaks(readFileSync(fd, 'utf8'));
  } catch (err) {
    if (err instanceof OrdoError) throw err;
    throw unreadable(path, describeError(err as NodeJS.ErrnoException));
  } finally {
    closeSync(fd);
  }
}

/** True when path names a regular file (following symbolic links); never blocks. */
export function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
