// Mutators for the fuzzer: small, seeded edits of litmus tests (C, BPF and the hardware
// assembly dialects: AArch64, PPC, RISC-V, X86, X86_64) and of model
// files (cat, bell, def), aimed at what has broken readers before: line breaks, stray
// characters, truncation, extreme numbers, size (one statement repeated thousands of
// times), depth (blocks and parentheses nested thousands deep), and tokens of the
// dialect in the wrong places. Every choice comes from one seeded generator, so a case
// is reproduced from its seed alone.

/** A small, fast, seedable generator (mulberry32): the same seed gives the same cases. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** `asm`: any of the hardware dialects; their words are mixed, as a wrong paste would. */
export type Dialect = 'C' | 'BPF' | 'asm' | 'cat' | 'bell' | 'def';

const WORDS: Record<Dialect, readonly string[]> = {
  C: [
    'READ_ONCE(*x)',
    'WRITE_ONCE(*y, 1);',
    'smp_mb();',
    'smp_rmb();',
    'smp_wmb();',
    'smp_load_acquire(x)',
    'smp_store_release(y, 2);',
    'xchg(x, 1)',
    'cmpxchg(x, 0, 1)',
    'atomic_add(1, x);',
    'atomic_inc_return(x)',
    'spin_lock(l);',
    'spin_unlock(l);',
    'rcu_read_lock();',
    'synchronize_rcu();',
    'if (r0) {',
    '} else {',
    'while (r1 == 0) {',
    'int r0;',
    'int *r2;',
    'r0',
    'r1',
    '*x',
    '&y',
    'exists',
    '~exists',
    'forall',
    'filter',
    'locations [x;]',
    '/\\',
    '\\/',
    '~',
    '0:r0=1',
    '1:r1=0',
    'x=2',
    'P0(int *x)',
    'P7(int *x, int *y)',
    '{',
    '}',
    '(*',
    '*)',
    '/*',
    '//',
  ],
  BPF: [
    'r0',
    'r1',
    'r2',
    'r10',
    'r11',
    'r1 = *(u32 *)(r2 + 0)',
    '*(u32 *)(r4 + 0) = r1',
    'r3 = load_acquire((u64 *)(r2 + 0))',
    'store_release((u32 *)(r4 + 0), r1)',
    'lock *(u32 *)(r2 + 0) += r1',
    'r1 = atomic_fetch_add((u64 *)(r2 + 0), r1)',
    'r1 = xchg_64(r2 + 0, r1)',
    'r0 = cmpxchg_64(r2 + 0, r0, r1)',
    'goto L1',
    'if r1 == 0 goto L1',
    'L1:',
    '|',
    ';',
    'P0',
    'P3',
    'exists',
    '0:r1=x',
    '1:r3=0',
  ],
  asm: [
    'LDR W0,[X1]',
    'STR W2,[X3]',
    'LDAR X0,[X1]',
    'STLR W2,[X3]',
    'LDXR W0,[X1]',
    'STXR W4,W2,[X1]',
    'CAS W0,W2,[X1]',
    'DMB ISH',
    'DMB ISHLD',
    'CBNZ W0,L1',
    'B .+8',
    'lwz r1,0(r2)',
    'stw r3,0(r4)',
    'lwarx r1,0,r2',
    'stwcx. r3,0,r2',
    'sync',
    'lwsync',
    'isync',
    'cmpw r1,r3',
    'bne L1',
    'lw x5,0(x6)',
    'sw x7,0(x8)',
    'lr.w.aq x5,0(x6)',
    'sc.w.rl x9,x7,0(x6)',
    'fence rw,rw',
    'fence.tso',
    'amoswap.w x5,x7,(x6)',
    'bnez x5,L1',
    'MOV [x],$1',
    'MOV EAX,[y]',
    'MFENCE',
    'XCHG [x],EAX',
    'LOCK ADD [x],$1',
    'movl $1,(%rax)',
    'movq (%rbx),%rcx',
    'cmp %eax,%ebx',
    'jne L1',
    'L1:',
    '|',
    ';',
    'P0',
    'P5',
    '0:X1=x',
    '0:r2=y',
    '1:x6=x',
    '0:EAX',
    'exists',
    'forall',
    '0:X0=1',
    '[x]=2',
    'x=1',
  ],
  cat: [
    'let',
    'let rec',
    'and',
    'in',
    'acyclic',
    'irreflexive',
    'empty',
    'as',
    'flag',
    'show',
    'include "stdlib.cat"',
    'include "/dev/zero"',
    'include "."',
    'include "missing.cat"',
    'with x from',
    'procedure p(x) =',
    'call p(po)',
    'end',
    'match',
    'fun x ->',
    'if',
    'then',
    'else',
    '|',
    ';',
    '&',
    '\\',
    '++',
    '*',
    '+',
    '?',
    '^-1',
    '~',
    'po',
    'rf',
    'co',
    'fr',
    'loc',
    'ext',
    'int',
    '[R]',
    '[W]',
    'domain(po)',
    'range(rf)',
    '_',
    '0',
    'undefined_name',
    '(',
    ')',
    '{',
    '}',
    '"x"',
    '(*',
    '*)',
    '//',
  ],
  bell: ['enum', 'Accesses =', "'once", "'acquire", 'instructions R[', ']', '||', 'let', 'include'],
  def: [
    'READ_ONCE(X) __load{once}(X)',
    'WRITE_ONCE(X,V) { __store{once}(X,V); }',
    '__fence{mb}',
    '__xchg{mb}',
    '__cmpxchg{mb}',
    '(',
    ')',
    '{',
    '}',
    ';',
    'X',
    'V',
  ],
};

/** Characters that have upset lexers: line breaks of every kind, NUL, BOM, quotes. */
const ODD_CHARS = [
  '\r',
  '\r\n',
  '\u2028',
  '\u2029',
  '\u0085',
  '\0',
  '\uFEFF',
  '\t',
  '\f',
  '\v',
  '"',
  "'",
  '\\',
  '(*',
  '*)',
  'é',
  '😀',
  '\uD800',
];

const ODD_NUMBERS = [
  '0',
  '-1',
  '1',
  '2',
  '255',
  '65536',
  '2147483647',
  '-2147483648',
  '4294967296',
  '9007199254740993',
  '99999999999999999999999',
  '0x10',
  '1e9',
];

type Mutator = (text: string, rng: Rng, dialect: Dialect, donor: string) => string;

const lines = (t: string): string[] => t.split('\n');

function at(t: string, rng: Rng): number {
  return rng.below(t.length + 1);
}

const MUTATORS: ReadonlyArray<[string, Mutator]> = [
  [
    'delete a line',
    (t, rng) => {
      const ls = lines(t);
      ls.splice(rng.below(ls.length), 1);
      return ls.join('\n');
    },
  ],
  [
    'duplicate a line',
    (t, rng) => {
      const ls = lines(t);
      const i = rng.below(ls.length);
      ls.splice(i, 0, ls[i]!);
      return ls.join('\n');
    },
  ],
  [
    'swap two lines',
    (t, rng) => {
      const ls = lines(t);
      const i = rng.below(ls.length);
      const j = rng.below(ls.length);
      [ls[i], ls[j]] = [ls[j]!, ls[i]!];
      return ls.join('\n');
    },
  ],
  ['truncate', (t, rng) => t.slice(0, at(t, rng))],
  [
    'delete a span',
    (t, rng) => {
      const i = at(t, rng);
      return t.slice(0, i) + t.slice(i + 1 + rng.below(40));
    },
  ],
  [
    'insert an odd character',
    (t, rng) => {
      const i = at(t, rng);
      return t.slice(0, i) + rng.pick(ODD_CHARS) + t.slice(i);
    },
  ],
  [
    'insert a dialect word',
    (t, rng, d) => {
      const i = at(t, rng);
      return `${t.slice(0, i)} ${rng.pick(WORDS[d])} ${t.slice(i)}`;
    },
  ],
  [
    'replace a word',
    (t, rng, d) => {
      const words = [...t.matchAll(/[A-Za-z_][\w.-]*/g)];
      if (words.length === 0) return t;
      const w = rng.pick(words);
      const by = rng.chance(0.5) ? rng.pick(WORDS[d]) : rng.pick(words)[0];
      return t.slice(0, w.index) + by + t.slice(w.index + w[0].length);
    },
  ],
  [
    'replace a number',
    (t, rng) => {
      const nums = [...t.matchAll(/\d+/g)];
      if (nums.length === 0) return t;
      const m = rng.pick(nums);
      return t.slice(0, m.index) + rng.pick(ODD_NUMBERS) + t.slice(m.index + m[0].length);
    },
  ],
  [
    'replace an operator',
    (t, rng) => {
      const ops = [...t.matchAll(/[|;&\\*+?~=<>!^-]+/g)];
      if (ops.length === 0) return t;
      const m = rng.pick(ops);
      const by = rng.pick(['|', ';', '&', '\\', '*', '+', '?', '^-1', '~', '=', '==', '->', '']);
      return t.slice(0, m.index) + by + t.slice(m.index + m[0].length);
    },
  ],
  [
    'change every line break',
    (t, rng) => t.replace(/\n/g, rng.pick(['\r', '\r\n', '\u2028', '\u2029', '\n\n'])),
  ],
  [
    'repeat a line many times',
    (t, rng) => {
      const ls = lines(t);
      const i = rng.below(ls.length);
      const n = rng.pick([10, 100, 1000, 5000]);
      ls.splice(i, 0, ...Array<string>(n).fill(ls[i]!));
      return ls.join('\n');
    },
  ],
  [
    'nest deeply',
    (t, rng, d) => {
      const n = rng.pick([10, 100, 1000, 3000]);
      const ls = lines(t);
      const i = rng.below(ls.length);
      const [open, close] = d === 'C' ? ['if (1) {', '}'] : d === 'BPF' ? ['(', ')'] : ['(', ')'];
      ls[i] = open.repeat(n) + ls[i] + close.repeat(n);
      return ls.join('\n');
    },
  ],
  [
    'splice lines from another seed',
    (t, rng, _d, donor) => {
      const ls = lines(t);
      const ds = lines(donor);
      const from = rng.below(ds.length);
      ls.splice(rng.below(ls.length), 0, ...ds.slice(from, from + 1 + rng.below(6)));
      return ls.join('\n');
    },
  ],
];

/** Names of the mutators, in the order `mutate` draws them from. */
export const mutatorNames = MUTATORS.map(([name]) => name);

/**
 * Apply 1 to 3 mutations to `text` (a file of `dialect`); `donor` is another file of the
 * same dialect to splice from. Returns the new text and the mutations applied.
 */
export function mutate(
  text: string,
  dialect: Dialect,
  donor: string,
  rng: Rng,
): { text: string; applied: string[] } {
  const applied: string[] = [];
  const count = 1 + rng.below(3);
  for (let i = 0; i < count; i++) {
    const [name, fn] = rng.pick(MUTATORS);
    text = fn(text, rng, dialect, donor);
    applied.push(name);
  }
  return { text, applied };
}
