// `node:v8` for the page: heap figures are not observable there, so the heap check of
// src/limits.ts never fires (the browser ends a worker that runs out of memory, and the
// page reports that).

export function getHeapStatistics(): {
  heap_size_limit: number;
  used_heap_size: number;
  external_memory: number;
} {
  return { heap_size_limit: Number.POSITIVE_INFINITY, used_heap_size: 0, external_memory: 0 };
}

/** The cache on disk (src/disk-cache.ts) is off in the page: nothing is ever stored. */
export function serialize(): never {
  throw new Error('v8.serialize is not available in the page');
}

export function deserialize(): never {
  throw new Error('v8.deserialize is not available in the page');
}
