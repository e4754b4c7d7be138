// `node:crypto` for the page: the two digests the pipeline takes, MD5 (herd7's Hash=
// line) and SHA-256 (cache keys), with Node's createHash(...).update(...).digest('hex').

import { md5 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

const ALGORITHMS = { md5, sha256 } as const;

/** One byte per character, its low eight bits, as Node's 'latin1' encoding does. */
function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

class Hash {
  private readonly parts: Uint8Array[] = [];
  constructor(private readonly algorithm: (data: Uint8Array) => Uint8Array) {}

  update(data: string | Uint8Array, encoding: 'utf8' | 'latin1' = 'utf8'): this {
    if (typeof data !== 'string') this.parts.push(data);
    else if (encoding === 'latin1') this.parts.push(latin1Bytes(data));
    else this.parts.push(utf8ToBytes(data));
    return this;
  }

  digest(encoding: 'hex'): string {
    if (encoding !== 'hex') throw new Error(`digest encoding ${String(encoding)} not supported`);
    const total = this.parts.reduce((n, p) => n + p.length, 0);
    const all = new Uint8Array(total);
    let at = 0;
    for (const p of this.parts) {
      all.set(p, at);
      at += p.length;
    }
    return bytesToHex(this.algorithm(all));
  }
}

export function createHash(name: string): Hash {
  if (name !== 'md5' && name !== 'sha256') throw new Error(`hash ${name} not supported`);
  return new Hash(ALGORITHMS[name]);
}
