// Share links: the test, the model choice and a custom model's files, compressed into the
// URL's fragment, so a link reproduces a run with no server keeping anything (the
// fragment never even reaches the server).

import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';

export interface SharedState {
  test: string;
  /** The model picker's value. */
  model: string;
  cat: string;
  bell: string;
  def: string;
}

const FIELDS = ['test', 'model', 'cat', 'bell', 'def'] as const;

export function encodeShared(state: SharedState): string {
  const params = new URLSearchParams();
  for (const field of FIELDS) {
    const value = state[field];
    if (value !== '') params.set(field, compressToEncodedURIComponent(value));
  }
  return params.toString();
}

/** The state a fragment (without `#`) carries, or null when it carries no test. */
export function decodeShared(fragment: string): SharedState | null {
  const params = new URLSearchParams(fragment);
  const read = (field: (typeof FIELDS)[number]): string => {
    const packed = params.get(field);
    return packed === null ? '' : (decompressFromEncodedURIComponent(packed) ?? '');
  };
  const test = read('test');
  if (test === '') return null;
  return { test, model: read('model'), cat: read('cat'), bell: read('bell'), def: read('def') };
}
