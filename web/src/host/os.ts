// `node:os` for the page: no home directory (so no cache directory), one core.

export function homedir(): string {
  return '';
}

export function availableParallelism(): number {
  return 1;
}

export function totalmem(): number {
  return 0;
}

export const constants = { signals: {} };
