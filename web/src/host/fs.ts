// `node:fs` for the page: the calls the pipeline makes, over the in-memory files of
// files.ts. Reads behave as Node's do (ENOENT, EISDIR); writing is only for the page
// itself (files.ts), so the write calls here fail as on a read-only disk.

import { resolve } from 'pathe';
import { entriesOf, fileAt, isDirectory } from './files.js';

class FsError extends Error {
  constructor(
    readonly code: string,
    what: string,
    path: string,
  ) {
    super(`${code}: ${what}, '${path}'`);
  }
}

export const constants = { O_RDONLY: 0, O_NONBLOCK: 0o4000 };

interface Stats {
  isFile(): boolean;
  isDirectory(): boolean;
  size: number;
  mtimeMs: number;
}

export function statSync(path: string): Stats {
  const abs = resolve(path);
  const file = fileAt(abs);
  if (file)
    return {
      isFile: () => true,
      isDirectory: () => false,
      size: file.text.length,
      mtimeMs: file.mtimeMs,
    };
  if (isDirectory(abs))
    return { isFile: () => false, isDirectory: () => true, size: 0, mtimeMs: 0 };
  throw new FsError('ENOENT', 'no such file or directory', path);
}

export function existsSync(path: string): boolean {
  const abs = resolve(path);
  return fileAt(abs) !== undefined || isDirectory(abs);
}

// Descriptors are the paths they were opened with.
const open = new Map<number, string>();
let nextFd = 3;

export function openSync(path: string): number {
  statSync(path);
  open.set(nextFd, resolve(path));
  return nextFd++;
}

export function fstatSync(fd: number): Stats {
  return statSync(pathOf(fd));
}

export function closeSync(fd: number): void {
  open.delete(fd);
}

function pathOf(fd: number): string {
  const p = open.get(fd);
  if (p === undefined) throw new FsError('EBADF', 'bad file descriptor', String(fd));
  return p;
}

export function readFileSync(pathOrFd: string | number): string {
  const path = typeof pathOrFd === 'number' ? pathOf(pathOrFd) : resolve(pathOrFd);
  const file = fileAt(path);
  if (file) return file.text;
  if (isDirectory(path)) throw new FsError('EISDIR', 'illegal operation on a directory', path);
  throw new FsError('ENOENT', 'no such file or directory', path);
}

interface Dirent {
  name: string;
  isDirectory(): boolean;
  isFile(): boolean;
}

export function readdirSync(dir: string, opts?: { withFileTypes?: boolean }): string[] | Dirent[] {
  const abs = resolve(dir);
  if (!isDirectory(abs)) throw new FsError('ENOENT', 'no such file or directory', dir);
  const entries = entriesOf(abs);
  if (!opts?.withFileTypes) return entries.map((e) => e.name);
  return entries.map((e) => ({
    name: e.name,
    isDirectory: () => e.directory,
    isFile: () => !e.directory,
  }));
}

function readOnly(name: string): () => never {
  return () => {
    throw new FsError('EROFS', `read-only file system (${name})`, '');
  };
}

export const writeFileSync = readOnly('writeFileSync');
export const mkdirSync = readOnly('mkdirSync');
export const renameSync = readOnly('renameSync');
export const unlinkSync = readOnly('unlinkSync');
export const writeSync = readOnly('writeSync');
export const fsyncSync = readOnly('fsyncSync');
