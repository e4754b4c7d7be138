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

// Litmus-test mutators aimed at one part of a test each: the header, the initial state,
// registers, locations, the thread table, the final condition. Each part is read by its
// own code in every front-end, with its own ways to go wrong.

/** Replace the first match of `pattern` (a part of the test) by `edit` of it. */
function editPart(t: string, pattern: RegExp, edit: (part: string) => string): string {
  const m = pattern.exec(t);
  if (!m) return t;
  return t.slice(0, m.index) + edit(m[0]) + t.slice(m.index + m[0].length);
}

/** The first line: `ARCH name`. */
const HEADER = /^[^\n]*/;
/** The initial state: the first `{ ... }` before any thread (no nested braces). */
const INIT = /\{[^{}]*\}/;
/** The final condition and what may come with it, to the end of the test. */
const CONDITION = /(^|\n)\s*(~\s*exists|exists|forall|filter|locations)\b[^]*$/;
/** Register names of the dialects, as tokens. */
const REGISTER = /(?<![\w%])(%?[re]?[a-d]x|%?r\d+|[XWxw]\d+|EAX|EBX|ECX|EDX)(?![\w])/g;

const ARCH_WORDS = [
  'C',
  'BPF',
  'AArch64',
  'ARM',
  'X86',
  'X86_64',
  'PPC',
  'RISCV',
  'LISA',
  'MIPS',
  'c',
  'Zork',
  '',
];

const INIT_ENTRIES = [
  'x=1;',
  '0:r0=1;',
  '9:r1=x;',
  '0:X1=zz;',
  'int *p = &x;',
  'x=y;',
  '0:r0=&x;',
  'int x[2];',
  'x[5]=1;',
  '0:r2=-99999999999999999999;',
  'uint64_t y = 1;',
  'atomic_t a = ATOMIC_INIT(1);',
  'spinlock_t s;',
  ';',
  '=1;',
  '0:=1;',
  ':r0=1;',
  '0:r0==1;',
  '0:r0=1',
  'x=',
  'int;',
  '0:r0=x; 0:r0=y;',
  '-1:r0=1;',
  '99999999999:r0=1;',
];

const ODD_REGISTERS = [
  'r99',
  'r-1',
  'X31',
  'XZR',
  'W0',
  'SP',
  'r10',
  'r11',
  'x0',
  '%rip',
  'EIP',
  '0:r0',
  'r',
  'R0',
  'r00',
  'r18446744073709551616',
];

const ODD_LOCATIONS = [
  'q',
  'x[0]',
  'x[99]',
  '*x',
  '&x',
  'x.y',
  'r0',
  '0:x',
  'exists',
  'P0',
  '[x]',
  'x+1',
];

const CONDITIONS = [
  'exists (0:r9=1)',
  'exists (5:r0=1)',
  'exists (x=y)',
  'exists (0:r0=x)',
  'exists ()',
  'exists',
  'exists (0:r0=1 /\\)',
  'exists (/\\ 0:r0=1)',
  `exists ${'('.repeat(2000)}0:r0=1${')'.repeat(2000)}`,
  'exists (true)',
  'exists (false \\/ true)',
  'exists (not (0:r0=1))',
  'exists (0:r0=99999999999999999999)',
  'exists (0:r0=-1)',
  'exists 0:r0=1',
  'exists (x[7]=1)',
  'exists ([x]=1 /\\ [q]=2)',
  'forall (0:r0=0 \\/ 0:r0=1)',
  'filter (0:r0=1) exists (x=1)',
  'filter (5:r0=1) exists (x=1)',
  'locations [q;] exists (x=1)',
  'locations [0:r9;] exists (x=1)',
  'locations [] exists (x=1)',
  'locations [x;x;0:r0;0:r0;] exists (x=1)',
  'exists (0:r0=1) exists (0:r0=2)',
  'exists (0:r0=1 \\/ ~x=1)',
  'exists (x=1 /\\ x=2)',
  '~exists (0:r0=1) forall (x=1)',
  'exists (0:r0=1',
  'exists 0:r0=1)',
  'exists (0:r0 1)',
  'exists (0:=1)',
  'exists (:r0=1)',
  'exists (-1:r0=1)',
  'exists (0:r0=1 -> x=1)',
  'exists (x=&y)',
  'exists (0:r0=x /\\ 0:r0=&x)',
  'exists (0:X0=1 /\\ 0:EAX=1 /\\ 0:r0=1)',
  '',
];

const LITMUS_MUTATORS: ReadonlyArray<[string, Mutator]> = [
  [
    'garble the header',
    (t, rng) =>
      editPart(t, HEADER, (line) => {
        const [arch = '', ...rest] = line.trim().split(/\s+/);
        const name = rest.join(' ');
        switch (rng.below(6)) {
          case 0:
            return `${rng.pick(ARCH_WORDS)} ${name}`;
          case 1:
            return arch;
          case 2:
            return `${arch} ${name}${rng.pick(ODD_CHARS)}${rng.pick(['', 'x'.repeat(5000)])}`;
          case 3:
            return `${line}\n${line}`;
          case 4:
            return `\n${line}`;
          default:
            return `${arch} ${rng.pick(['', '"quoted"', '(* c *)', '{', '|', ';', 'P0', 'exists'])}`;
        }
      }),
  ],
  [
    'edit the initial state',
    (t, rng) =>
      editPart(t, INIT, (block) => {
        const inner = block.slice(1, -1);
        const entries = inner.split(';').filter((e) => e.trim() !== '');
        switch (rng.below(5)) {
          case 0:
            return `{${inner} ${rng.pick(INIT_ENTRIES)}\n}`;
          case 1:
            return `{ ${rng.pick(INIT_ENTRIES)} ${inner}}`;
          case 2:
            return entries.length > 0 ? `{${inner} ${rng.pick(entries).trim()};\n}` : block;
          case 3:
            return rng.pick(['{', '', inner, `{${inner}`, `${inner}}`]);
          default:
            return `{${entries
              .map((e) => (rng.chance(0.3) ? e.replace(/=/, rng.pick(['==', ':', '=='])) : e))
              .join(';')};}`;
        }
      }),
  ],
  [
    'rename a register',
    (t, rng) => {
      const regs = [...t.matchAll(REGISTER)];
      if (regs.length === 0) return t;
      const m = rng.pick(regs);
      const by = rng.pick(ODD_REGISTERS);
      // One use, or every use of that register (the test stays consistent, with a name
      // the dialect may not allow).
      return rng.chance(0.5)
        ? replaceMatch(t, m, by)
        : t.replaceAll(new RegExp(`(?<![\\w%])${m[0].replace(/[%]/g, '\\$&')}(?!\\w)`, 'g'), by);
    },
  ],
  [
    'rename a location',
    (t, rng) => {
      const init = INIT.exec(t)?.[0] ?? '';
      const names = [
        ...new Set([
          ...[...init.matchAll(/(?<![\w:])([a-z]\w*)\s*=/g)].map((m) => m[1]!),
          ...[...init.matchAll(/=\s*&?([a-z]\w*)/g)].map((m) => m[1]!),
          ...[...t.matchAll(/\*\s*([a-z]\w*)\s*[,)]/g)].map((m) => m[1]!),
        ]),
      ].filter((n) => !/^(r\d+|int|u\d+|void|spinlock_t|atomic_t)$/.test(n));
      if (names.length === 0) return t;
      const name = rng.pick(names);
      const uses = [...t.matchAll(new RegExp(`(?<![\\w:%])${name}(?!\\w)`, 'g'))];
      const by = rng.pick(ODD_LOCATIONS);
      return rng.chance(0.5)
        ? replaceMatch(t, rng.pick(uses), by)
        : t.replace(new RegExp(`(?<![\\w:%])${name}(?!\\w)`, 'g'), by);
    },
  ],
  [
    'edit the thread names',
    (t, rng) => {
      const names = [...t.matchAll(/(?<![\w:])P(\d+)(?=\s*[|;(])/g)];
      if (names.length === 0) return t;
      const m = rng.pick(names);
      const by = rng.pick([
        'P0',
        'P1',
        'P5',
        'P-1',
        'P99999999999',
        'P',
        'Q0',
        'P0 | P0',
        '',
        'P0(',
        '|',
      ]);
      return replaceMatch(t, m, by);
    },
  ],
  [
    'replace the final condition',
    (t, rng) => {
      const by = rng.pick(CONDITIONS);
      const m = CONDITION.exec(t);
      if (!m) return `${t}\n${by}\n`;
      // Replaced, or added before or after the test's own.
      const own = m[0];
      const edited = rng.pick([`\n${by}\n`, `\n${by}\n${own}`, `${own}\n${by}\n`]);
      return t.slice(0, m.index) + edited;
    },
  ],
];

/** Names of the mutators, in the order `mutate` draws them from. */
export const mutatorNames = MUTATORS.map(([name]) => name);

/** Names of the litmus-test mutators aimed at one part (drawn for tests, half of the time). */
export const litmusMutatorNames = LITMUS_MUTATORS.map(([name]) => name);

// Model mutators: edits that keep a cat or bell file parseable more often than not, so the
// case reaches the evaluator, and that change what the checks decided over upper bounds of
// rf and FW rest on (cat/monotone.ts): which operand of `\` or complement a relation
// derived from rf sits in, closures and inverses, recursion, domain/range, calls of the
// model's functions with rf-dependent arguments, and the kind, sign and number of checks
// and flags.

/** Relations and sets that vary with a candidate's rf, co and final writes. */
const VARYING = [
  'rf',
  '(rf & ext)',
  '(rf & int)',
  'rf^-1',
  '(rf^-1 ; co)',
  'co',
  '[FW]',
  '[W \\ FW]',
  '((W * R) & loc \\ rf)',
];

const BINARY = /\s(\||;|&|\\)\s/g;

/** Identifiers used as operands (not keywords), with their positions. */
function operands(t: string): RegExpMatchArray[] {
  const keywords =
    /^(let|rec|and|in|as|acyclic|irreflexive|empty|flag|show|include|with|from|procedure|call|end|match|fun|if|then|else|undefined_unless|enum|instructions|unshow|try|forall|do)$/;
  const code = notCode(t);
  return [...t.matchAll(/(?<![\w'"-])[A-Za-z_][\w-]*(?![\w"(-])/g)].filter(
    (m) =>
      code[m.index!] === 0 &&
      !keywords.test(m[0]) &&
      // Not a name being bound, nor in a comment, a tag list or an include.
      !/\b(let|rec|and|as|with|fun|procedure|call|show|unshow)\s+$/.test(
        t.slice(Math.max(0, m.index! - 12), m.index),
      ) &&
      !/^\s*(=|,)/.test(t.slice(m.index! + m[0].length)) &&
      !/^\s*(\(\*|\*|enum|instructions|include)/.test(lineAt(t, m.index)),
  );
}

function lineAt(t: string, i: number | undefined): string {
  const from = t.lastIndexOf('\n', (i ?? 0) - 1) + 1;
  const to = t.indexOf('\n', i ?? 0);
  return t.slice(from, to < 0 ? t.length : to);
}

function replaceMatch(t: string, m: RegExpMatchArray, by: string): string {
  return t.slice(0, m.index) + by + t.slice(m.index! + m[0].length);
}

/** Names bound by `let` (or `let rec`) at the start of a line: top-level definitions. */
function letNames(t: string): string[] {
  return [...t.matchAll(/^let\s+(?:rec\s+)?([A-Za-z_][\w-]*)\s*=/gm)].map((m) => m[1]!);
}

/**
 * Fixed relations whose pairs rf may or may not cover: with a varying relation taken out
 * of them (`\`, `& ~`) they give checks that hold over the bounds of rf yet fail on some
 * candidates, exactly what a wrong polarity would decide wrongly.
 */
const COVERABLE = ['po', '(po & loc)', '((W * R) & loc)', '((R * W) & loc)', '(loc & ext)'];

/** A small relation expression over the file's names, fixed and varying relations. */
function expression(t: string, rng: Rng): string {
  const names = letNames(t);
  const term = (): string => {
    const roll = rng.next();
    const base =
      names.length > 0 && roll < 0.4
        ? rng.pick(names)
        : roll < 0.7
          ? rng.pick(VARYING)
          : rng.pick(COVERABLE);
    const post = rng.pick(['', '', '', '^-1', '+', '*', '?']);
    return rng.chance(0.15) ? `~${base}${post}` : `${base}${post}`;
  };
  const varying = rng.pick(VARYING);
  const covered = rng.pick(COVERABLE);
  switch (rng.below(5)) {
    case 0:
      return term();
    case 1:
      return `(${covered} \\ ${varying})`;
    case 2:
      return `(${covered} & ~${varying})`;
    case 3:
      return `(po | (${term()} \\ ${varying}))`;
    default:
      return `(${term()}${rng.pick([' | ', ' ; ', ' & ', ' \\ '])}${term()})`;
  }
}

/** Where the statement holding position `i` starts (a line opening a top-level statement). */
function statementStart(t: string, i: number): number {
  let at = t.lastIndexOf('\n', i - 1) + 1;
  while (
    at > 0 &&
    !/^(let|acyclic|irreflexive|empty|flag|show|with|include|undefined_unless|procedure|call)\b/.test(
      t.slice(at),
    )
  )
    at = t.lastIndexOf('\n', at - 2) + 1;
  return at;
}

/** All reads paired with the writes to their location: from-reads' superset. */
const READ_WRITE_PAIRS = '((R * W) & loc)';
/** A read's source and the writes co-before it: taken from READ_WRITE_PAIRS, from-reads. */
const frSources = (rf: string): string => `(${rf}^-1 ; (id | co^-1))`;

/**
 * A body of a function of `s` that reads `v`, a value varying with the candidate
 * (`rf` where the caller gives no other).
 */
type Body = (s: string, v: string) => string;

/**
 * The shapes in which a function made from `body` reaches a call: passed to a top-level
 * function (alone or in a tuple), returned by one, closing over a local bound to the
 * varying value, or defined with `let rec ... and` beside the function that calls it.
 * A run over bounds must apply such a closure itself: handed to the host's evaluator with
 * the call, it would be applied over the host's own input (ef1ea31 fixed such a bug).
 */
const SHAPES = ['passed', 'tuple', 'returned', 'curried', 'closure', 'rec'] as const;
type Shape = (typeof SHAPES)[number];

/**
 * `body` applied to `arg` (a fixed value) through functions of shape `shape`: the
 * definitions to place before the use (top-level lines) and the expression used.
 */
function throughFunctions(
  t: string,
  shape: Shape,
  body: Body,
  arg: string,
  varying: string,
  param = 'fuzz-s',
): { defs: string; use: string } {
  // The names defined here are the mutation's own (numbered by the `fuzz-` names the text
  // has already): a later mutation's `fuzz-app` must not take the place of this one's.
  const n = `-${(t.match(/fuzz-/g) ?? []).length}`;
  const [app, app2, compose, minus, closed, sub] = [
    'app',
    'app2',
    'compose',
    'minus',
    'closed',
    'sub',
  ].map((name) => `fuzz-${name}${n}`);
  const lambda = `(fun ${param} -> ${body(param, varying)})`;
  switch (shape) {
    case 'passed':
      return { defs: `let ${app}(h) = h(${arg})\n`, use: `${app}${lambda}` };
    case 'tuple':
      return { defs: `let ${app2}(h, x) = h(x)\n`, use: `${app2}(${lambda}, ${arg})` };
    case 'returned':
      return { defs: `let ${compose}(h) = fun y -> h(y)\n`, use: `${compose}${lambda}(${arg})` };
    case 'curried':
      return {
        defs: `let ${minus}(v) = fun fuzz-s -> ${body('fuzz-s', 'v')}\nlet ${app}(h) = h(${arg})\n`,
        use: `${app}(${minus}(${varying}))`,
      };
    case 'closure':
      return {
        defs:
          `let ${closed} = let fuzz-v = ${varying} in fun fuzz-s -> ${body('fuzz-s', 'fuzz-v')}\n` +
          `let ${app}(h) = h(${arg})\n`,
        use: `${app}(${closed})`,
      };
    case 'rec':
      return {
        defs: `let rec ${sub}(fuzz-s) = ${body('fuzz-s', varying)} and ${app}(h) = h(${arg})\n`,
        use: `${app}(${sub})`,
      };
  }
}

/**
 * Checks that hold on every candidate (each read reads from some write; each read shares
 * its source with itself): over the rf of a partial choice they fail, so a closure
 * applied over it rather than over the bounds makes whole subtrees rejected.
 */
const EVERY_CANDIDATE: ReadonlyArray<[Body, string]> = [
  [(s, v) => `${s} \\ range(${v})`, 'R'],
  [(s, v) => `${s} \\ (${v}^-1 ; ${v})`, '[R]'],
  [(s, v) => `${s} & ~range(${v})`, 'R'],
];

/** By position: 1 inside a comment (`(* *)`, nested, `//`, `#`), 2 in a string, else 0. */
function notCode(t: string): Uint8Array {
  const mask = new Uint8Array(t.length);
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const two = t.slice(i, i + 2);
    if (depth === 0 && (two === '//' || t[i] === '#')) {
      while (i < t.length && t[i] !== '\n') mask[i++] = 1;
    } else if (depth === 0 && t[i] === '"') {
      mask[i++] = 2;
      while (i < t.length && t[i] !== '"' && t[i] !== '\n') mask[i++] = 2;
      if (i < t.length) mask[i] = 2;
    } else if (two === '(*') {
      depth++;
      mask[i] = mask[++i] = 1;
    } else if (depth > 0 && two === '*)') {
      depth--;
      mask[i] = mask[++i] = 1;
    } else if (depth > 0) mask[i] = 1;
  }
  return mask;
}

/**
 * Where the model's statements begin: after its name (a string, which an architecture
 * may precede) when it has one, else at its first statement.
 */
function topOf(t: string): number {
  const mask = notCode(t);
  let i = 0;
  while (i < t.length && (mask[i] === 1 || /\s/.test(t[i]!))) i++;
  const title = /^(?!include\b)(?:[A-Za-z][\w-]*[ \t]+)?"[^"\n]*"[^\n]*(\n|$)/.exec(t.slice(i));
  return title ? i + title[0].length : t.lastIndexOf('\n', i - 1) + 1;
}

/** `lines` placed where the model's statements begin (topOf). */
function atTop(t: string, lines: string): string {
  const at = topOf(t);
  return t.slice(0, at) + (at > 0 && t[at - 1] !== '\n' ? '\n' : '') + lines + t.slice(at);
}

const MODEL_MUTATORS: ReadonlyArray<[string, Mutator]> = [
  [
    // From-reads written as what it is on every candidate (a read's writes to its location
    // other than its source and those co-before it): the model's own checks are then
    // shrinking in rf, so a polarity taken wrongly decides them over the bounds. Written
    // with `\`, complement, a function of rf and co, a (non-recursive) `let rec`, or a
    // function passed along (throughFunctions).
    'write from-reads as a difference',
    (t, rng) => {
      const code = notCode(t);
      const uses = [...t.matchAll(/(?<![\w'"-])(fr|fre|fri)(?![\w"(-])/g)].filter(
        (m) =>
          code[m.index!] === 0 &&
          !/\b(let|rec|and|as)\s+$/.test(t.slice(Math.max(0, m.index! - 8), m.index)),
      );
      if (uses.length === 0) return t;
      const sources = frSources('rf');
      const all = READ_WRITE_PAIRS;
      const pair = rng.chance(0.5);
      let fr: string;
      let def = '';
      switch (rng.below(5)) {
        case 0:
          fr = `(${all} \\ ${sources})`;
          break;
        case 1:
          fr = `(${all} & ~${sources})`;
          break;
        case 2:
          fr = `fuzz-fr(${pair ? 'rf, co' : 'rf'})`;
          def = `let fuzz-fr(${pair ? 'r, c' : 'r'}) = ${all} \\ (r^-1 ; (id | ${pair ? 'c' : 'co'}^-1))\n`;
          break;
        case 3:
          // Recursive in name only (the fixpoint is the difference): a `let rec` whose
          // body shrinks as rf grows.
          fr = 'fuzz-fr';
          def = `let rec fuzz-fr = (${all} \\ ${sources}) | (fuzz-fr & po)\n`;
          break;
        default: {
          const through = throughFunctions(
            t,
            rng.pick(SHAPES),
            (s, v) => `${s} \\ ${frSources(v)}`,
            all,
            'rf',
          );
          fr = through.use;
          def = through.defs;
        }
      }
      // Every use, so that each check reading from-reads reads the rewritten one.
      let out = t;
      for (const m of uses.reverse()) {
        const part = m[0] === 'fre' ? ' & ext' : m[0] === 'fri' ? ' & int' : '';
        out = replaceMatch(out, m, part === '' ? fr : `(${fr}${part})`);
      }
      const at = Math.max(statementStart(t, uses[uses.length - 1]!.index!), topOf(t));
      return out.slice(0, at) + def + out.slice(at);
    },
  ],
  [
    // The same value on every candidate, read through a function passed along: only a
    // shortcut that applies the function over the wrong input changes the answer.
    'route an operand through a function passed along',
    (t, rng) => {
      const ws = operands(t);
      if (ws.length === 0) return t;
      const m = rng.pick(ws);
      const shape = rng.pick(['passed', 'tuple', 'returned'] as const);
      // The function ignores its argument (named apart from every name the operand may
      // be) and returns the operand (a local it closes over, or a global).
      const { defs, use } = throughFunctions(t, shape, () => m[0], 'id', m[0], 'fuzz-unused');
      const at = Math.max(statementStart(t, m.index!), topOf(t));
      const out = replaceMatch(t, m, `(${use})`);
      return out.slice(0, at) + defs + out.slice(at);
    },
  ],
  [
    'add a check through a function passed along',
    (t, rng) => {
      const shape = rng.pick(SHAPES);
      if (rng.chance(0.7)) {
        // One that every candidate passes.
        const [body, arg] = rng.pick(EVERY_CANDIDATE);
        const { defs, use } = throughFunctions(t, shape, body, arg, 'rf');
        const check = rng.chance(0.8)
          ? `empty ${use} as fuzz-every`
          : `flag ~empty ${use} as fuzz-every`;
        // Mostly before the model's own statements: a run over bounds stops at a fork
        // whose set the reads left still change, so a check after one is seldom judged.
        return rng.chance(0.7)
          ? atTop(t, `${defs}${check}\n`)
          : `${t.replace(/\s*$/, '')}\n${defs}${check}\n`;
      }
      const op = rng.pick([' \\ ', ' & ', ' | ', ' ; ']);
      const { defs, use } = throughFunctions(
        t,
        shape,
        (s, v) => `${s}${op}${v}`,
        rng.pick(COVERABLE),
        rng.pick(VARYING),
      );
      const kind = rng.pick(['acyclic', 'irreflexive', 'empty']);
      const check = rng.pick([`${kind} ${use} as fuzz-ho`, `flag ~${kind} ${use} as fuzz-ho`]);
      return `${t.replace(/\s*$/, '')}\n${defs}${check}\n`;
    },
  ],
  [
    'swap a binary operator',
    (t, rng) => {
      const ops = [...t.matchAll(BINARY)];
      if (ops.length === 0) return t;
      const m = rng.pick(ops);
      return replaceMatch(t, m, ` ${rng.pick(['|', ';', '&', '\\'])} `);
    },
  ],
  [
    'swap the operands of a difference',
    (t, rng) => {
      const atom = String.raw`(~?(?:[A-Za-z_][\w-]*|\[[^\]\n]*\]|\([^()\n]*\))(?:\^-1|[+*?])?)`;
      const diffs = [...t.matchAll(new RegExp(`${atom}\\s*\\\\\\s*${atom}`, 'g'))];
      if (diffs.length === 0) return t;
      const m = rng.pick(diffs);
      return replaceMatch(t, m, `${m[2]} \\ ${m[1]}`);
    },
  ],
  [
    'complement an operand',
    (t, rng) => {
      const ws = operands(t);
      if (ws.length === 0) return t;
      const m = rng.pick(ws);
      return replaceMatch(t, m, `~${m[0]}`);
    },
  ],
  [
    'close or invert an operand',
    (t, rng) => {
      const ws = operands(t);
      if (ws.length === 0) return t;
      const m = rng.pick(ws);
      return replaceMatch(t, m, `${m[0]}${rng.pick(['^-1', '+', '*', '?'])}`);
    },
  ],
  [
    'combine an operand with a varying relation',
    (t, rng) => {
      const ws = operands(t);
      if (ws.length === 0) return t;
      const m = rng.pick(ws);
      const v = rng.pick(VARYING);
      const by = rng.pick([
        `(${m[0]} | ${v})`,
        `(${m[0]} \\ ${v})`,
        `(${v} \\ ${m[0]})`,
        `(${m[0]} & ${v})`,
        `(${m[0]} ; ${v})`,
        `(${v} ; ${m[0]})`,
        `(${m[0]} & ~${v})`,
      ]);
      return replaceMatch(t, m, by);
    },
  ],
  [
    'replace an operand by a varying relation',
    (t, rng) => {
      const ws = operands(t);
      if (ws.length === 0) return t;
      return replaceMatch(t, rng.pick(ws), rng.pick(VARYING));
    },
  ],
  [
    'take the domain or range of an operand',
    (t, rng) => {
      const ws = operands(t);
      if (ws.length === 0) return t;
      const m = rng.pick(ws);
      const f = rng.pick(['domain', 'range']);
      return replaceMatch(t, m, rng.chance(0.5) ? `[${f}(${m[0]})]` : `${f}(${m[0]})`);
    },
  ],
  [
    // A top-level `let` binding a tuple, alone or beside plain names with `and`: the same
    // values, bound the other way (a tuple's slots are filled when it is evaluated, a plain
    // name's may wait until it is read).
    'bind a definition in a tuple',
    (t, rng) => {
      const code = notCode(t);
      const defs = [
        ...t.matchAll(/^let[ \t]+(?!rec\b)([A-Za-z_][\w-]*)[ \t]*=[ \t]*([^\n]+)$/gm),
      ].filter((m) => code[m.index!] === 0 && !/\b(and|in)\b|\(\*|\/\//.test(m[2]!));
      if (defs.length === 0) return t;
      const m = rng.pick(defs);
      const [name, value] = [m[1]!, m[2]!.trim()];
      const other = rng.pick(VARYING);
      const by = rng.pick([
        `let ${name} = ${value} and (fuzz-t1, fuzz-t2) = (${other}, po)`,
        `let (fuzz-t1, fuzz-t2) = (${other}, po) and ${name} = ${value}`,
        `let (fuzz-t1, ${name}) = (${other}, ${value})`,
        `let ${name} = ${value} and fuzz-t1 = ${other}`,
      ]);
      return replaceMatch(t, m, by);
    },
  ],
  [
    // A fork of the model's own: each candidate is judged once per alternative, the
    // alternatives read rf or not, and the set may be empty (every candidate rejected),
    // hold one alternative, or repeat one. Half the time the set is a product made by
    // cross.cat's `cross` over groups drawn from the same few relations: groups that
    // overlap give the same union twice (the set must hold it once), an empty group none.
    'add a fork',
    (t, rng) => {
      const alternative = () =>
        rng.chance(0.5) ? rng.pick(VARYING) : rng.pick([...COVERABLE, '0', 'id']);
      const alternatives = Array.from({ length: rng.below(4) }, alternative);
      if (alternatives.length > 1 && rng.chance(0.2)) alternatives.push(alternatives[0]!);
      const kind = rng.pick(['acyclic', 'irreflexive', 'empty']);
      const use = rng.pick([
        `${kind} fuzz-w as fuzz-fork`,
        `${kind} fuzz-w & ${rng.pick(VARYING)} as fuzz-fork`,
        `flag ~${kind} fuzz-w as fuzz-fork`,
        `${kind} (fuzz-w ; ${rng.pick(VARYING)}) \\ ${rng.pick(COVERABLE)} as fuzz-fork`,
      ]);
      const top = rng.chance(0.5);
      if (rng.chance(0.5)) {
        // At the end, after the model's includes (cross.cat among them, directly or not).
        const groups: string[][] = [];
        for (let g = 1 + rng.below(3); g > 0; g--) {
          const group = [
            ...alternatives.splice(0, 1),
            ...Array.from({ length: rng.below(3) }, alternative),
          ];
          // A later group sharing a member with the first, or offering `0`: two choices
          // then make the same union.
          if (groups.length > 0 && rng.chance(0.5)) group.push(rng.pick([...groups[0]!, '0']));
          groups.push(group);
        }
        // Now and then the groups are bare relations (sets of pairs, not of relations):
        // an error, which must be the one herd's cross.cat gives.
        const argument = rng.chance(0.2)
          ? groups.map((g) => g[0] ?? '0').join(', ')
          : groups.map((g) => `{${g.join(', ')}}`).join(', ');
        const product = `with fuzz-w from cross({${argument}})\n${use}\n`;
        return `${t.replace(/\s*$/, '')}\n${product}`;
      }
      const lines = `with fuzz-w from {${alternatives.join(', ')}}\n${use}\n`;
      return top ? atTop(t, lines) : `${t.replace(/\s*$/, '')}\n${lines}`;
    },
  ],
  [
    // Empty values of each kind where a relation or set was: `0`, `{}`, `emptyset`, `[{}]`
    // (the evaluator and the value equalities must tell them apart where cat does).
    'replace an operand by an empty value',
    (t, rng) => {
      const ws = operands(t);
      if (ws.length === 0) return t;
      return replaceMatch(t, rng.pick(ws), rng.pick(['0', '{}', 'emptyset', '[{}]', '(0 | {})']));
    },
  ],
  [
    'make a definition recursive',
    (t, rng) => {
      const lets = [...t.matchAll(/^let(\s+)(?!rec\b)/gm)];
      if (lets.length === 0) return t;
      const m = rng.pick(lets);
      return replaceMatch(t, m, 'let rec ');
    },
  ],
  [
    'change a check',
    (t, rng) => {
      const checks = [
        ...t.matchAll(/^(\s*)(flag\s+)?(~\s*)?(acyclic|irreflexive|empty)\b/gm),
        ...t.matchAll(/^(\s*)(undefined_unless\s+)(~\s*)?(acyclic|irreflexive|empty)\b/gm),
      ];
      if (checks.length === 0) return t;
      const m = rng.pick(checks);
      const prefix = rng.pick(['', '', 'flag ', 'undefined_unless ']);
      const sign = rng.pick(['', '~']);
      return replaceMatch(
        t,
        m,
        `${m[1]}${prefix}${sign}${rng.pick(['acyclic', 'irreflexive', 'empty'])}`,
      );
    },
  ],
  [
    'pass a varying argument',
    (t, rng) => {
      const calls = [
        ...t.matchAll(
          /(?<![\w-])(?!(?:domain|range|if|fun|acyclic|empty)\b)([A-Za-z_][\w-]*)\(([^()\n]+)\)/g,
        ),
      ];
      if (calls.length === 0) return t;
      const m = rng.pick(calls);
      const v = rng.pick(VARYING);
      const arg = rng.pick([
        `(${m[2]}) | ${v}`,
        `(${m[2]}) \\ ${v}`,
        `~(${m[2]})`,
        v,
        `(${m[2]}) & ${v}`,
      ]);
      return replaceMatch(t, m, `${m[1]}(${arg})`);
    },
  ],
  [
    'add a check or flag',
    (t, rng) => {
      const e = expression(t, rng);
      const kind = rng.pick(['acyclic', 'irreflexive', 'empty']);
      const line = rng.pick([
        `${kind} ${e} as fuzz-check`,
        `flag ~${kind} ${e} as fuzz-flag`,
        `flag ${kind} ${e} as fuzz-flag`,
        `undefined_unless ${kind} ${e} as fuzz-undefined`,
        `~${kind} ${e} as fuzz-negated`,
      ]);
      return `${t.replace(/\s*$/, '')}\n${line}\n`;
    },
  ],
  [
    'add a recursive definition',
    (t, rng) => {
      const a = expression(t, rng);
      const line = `let rec fuzz-rec = ${a} | (fuzz-rec ; ${rng.pick(VARYING)})${rng.chance(0.3) ? ' \\ fuzz-rec' : ''}`;
      const kind = rng.pick(['acyclic', 'irreflexive', 'empty']);
      const check = rng.chance(0.5)
        ? `${kind} fuzz-rec as fuzz-rec`
        : `flag ~${kind} fuzz-rec as fuzz-rec`;
      return `${t.replace(/\s*$/, '')}\n${line}\n${check}\n`;
    },
  ],
  [
    'add a function called with a varying argument',
    (t, rng) => {
      const e = expression(t, rng);
      const body = rng.pick([
        `x ; ${e}`,
        `${e} \\ x`,
        `~x & ${e}`,
        `(x | ${e})+`,
        `[domain(x)] ; ${e}`,
      ]);
      const arg = rng.pick(VARYING);
      const kind = rng.pick(['acyclic', 'irreflexive', 'empty']);
      const neg = rng.pick(['', 'flag ~']);
      return `${t.replace(/\s*$/, '')}\nlet fuzz-f(x) = ${body}\n${neg}${kind} fuzz-f(${arg}) as fuzz-call\n`;
    },
  ],
];

/** Names of the model mutators (drawn for cat and bell files, 90 % of the time). */
export const modelMutatorNames = MODEL_MUTATORS.map(([name]) => name);

const ADD_A_FORK = MODEL_MUTATORS.find(([name]) => name === 'add a fork')!;

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
    const model = (dialect === 'cat' || dialect === 'bell') && rng.chance(0.9);
    // From-reads written as a difference turns the model's own checks shrinking in rf:
    // drawn 40 % of the time (it does nothing to files without `fr`); a check every
    // candidate passes, read through functions passed along, 15 %; a fork of the model's
    // own (half of them over a cross product), 5 %.
    const roll = rng.next();
    const test = dialect === 'C' || dialect === 'BPF' || dialect === 'asm';
    const [name, fn] = !model
      ? test && rng.chance(0.5)
        ? rng.pick(LITMUS_MUTATORS)
        : rng.pick(MUTATORS)
      : roll < 0.4
        ? MODEL_MUTATORS[0]!
        : roll < 0.55
          ? MODEL_MUTATORS[2]!
          : roll < 0.6
            ? ADD_A_FORK
            : rng.pick(MODEL_MUTATORS);
    text = fn(text, rng, dialect, donor);
    applied.push(name);
  }
  return { text, applied };
}
