// C litmus tests made up from a seed, for the differential fuzzer. The corpus's small
// tests seldom have 8 candidates below a partial reads-from choice, the least the
// enumerator judges over bounds (src/executions/enumerate.ts, cat/candidate-bounds.ts):
// these have several threads whose reads each have several candidate writes (a few
// locations, each written more than once), fences, releases and acquires, read-modify-
// writes, locks, RCU, a control dependency, and a final condition that asks for an
// outcome the model often forbids. They stay small enough to finish in well under a
// second: at most MAX_READS reads and MAX_WRITES writes.

import type { Rng } from './mutate.js';

/** At most this many reads: each multiplies the candidates by its writes. */
const MAX_READS = 5;
/** At most this many writes in all (an exchange is a read and a write). */
const MAX_WRITES = 5;

const LOCATIONS = ['x', 'y', 'z'] as const;

/** What a thread does to one location; `value` is the one it writes. */
type Access =
  | { kind: 'read'; how: 'once' | 'acquire' | 'plain'; loc: string; reg: string }
  | { kind: 'write'; how: 'once' | 'release' | 'plain'; loc: string; value: number }
  | {
      kind: 'xchg';
      how: '' | '_relaxed' | '_acquire' | '_release';
      loc: string;
      reg: string;
      value: number;
    }
  | { kind: 'cmpxchg'; loc: string; reg: string; expected: number; value: number }
  | { kind: 'fence'; name: string };

function accessText(a: Access): string {
  switch (a.kind) {
    case 'read':
      return a.how === 'once'
        ? `${a.reg} = READ_ONCE(*${a.loc});`
        : a.how === 'acquire'
          ? `${a.reg} = smp_load_acquire(${a.loc});`
          : `${a.reg} = *${a.loc};`;
    case 'write':
      return a.how === 'once'
        ? `WRITE_ONCE(*${a.loc}, ${a.value});`
        : a.how === 'release'
          ? `smp_store_release(${a.loc}, ${a.value});`
          : `*${a.loc} = ${a.value};`;
    case 'xchg':
      return `${a.reg} = xchg${a.how}(${a.loc}, ${a.value});`;
    case 'cmpxchg':
      return `${a.reg} = cmpxchg(${a.loc}, ${a.expected}, ${a.value});`;
    case 'fence':
      return `${a.name};`;
  }
}

const FENCES = ['smp_mb()', 'smp_rmb()', 'smp_wmb()', 'smp_mb__after_atomic()'];

/**
 * A C test of 2 to 4 threads over 1 to 3 locations, named `name`. The same generator
 * state gives the same test.
 */
export function generateCTest(rng: Rng, name: string): string {
  const locations = LOCATIONS.slice(0, 1 + rng.below(LOCATIONS.length));
  const threads = 2 + rng.below(3);
  // The values written to each location so far: a condition asks for one of them, a
  // compare-and-exchange expects one.
  const written = new Map<string, number[]>(locations.map((l) => [l, [0]]));
  let reads = 0;
  let writes = 0;
  let registers = 0;
  const regsRead: Array<[number, string, string]> = []; // thread, register, location
  const bodies: string[][] = [];
  const locked = rng.chance(0.2);
  const rcu = !locked && rng.chance(0.15);
  for (let t = 0; t < threads; t++) {
    const body: string[] = [];
    const declared: string[] = [];
    const reg = (loc: string): string => {
      const r = `r${registers++}`;
      declared.push(r);
      regsRead.push([t, r, loc]);
      return r;
    };
    const write = (loc: string): number => {
      const value = written.get(loc)!.length;
      written.get(loc)!.push(value);
      return value;
    };
    const accesses = 2 + rng.below(3);
    for (let i = 0; i < accesses; i++) {
      const loc = rng.pick(locations);
      const roll = rng.next();
      let a: Access | undefined;
      if (roll < 0.12) a = { kind: 'fence', name: rng.pick(FENCES) };
      else if (roll < 0.5 && reads < MAX_READS) {
        reads++;
        const how = rng.pick(['once', 'once', 'acquire', 'plain'] as const);
        a = { kind: 'read', how, loc, reg: reg(loc) };
      } else if (roll < 0.85 && writes < MAX_WRITES) {
        writes++;
        const how = rng.pick(['once', 'once', 'release', 'plain'] as const);
        a = { kind: 'write', how, loc, value: write(loc) };
      } else if (reads < MAX_READS && writes < MAX_WRITES) {
        reads++;
        writes++;
        if (rng.chance(0.6)) {
          const how = rng.pick(['', '_relaxed', '_acquire', '_release'] as const);
          a = { kind: 'xchg', how, loc, reg: reg(loc), value: write(loc) };
        } else {
          const expected = rng.pick(written.get(loc)!);
          a = { kind: 'cmpxchg', loc, reg: reg(loc), expected, value: write(loc) };
        }
      }
      if (a === undefined) continue;
      // Now and then a write only when the last register read a given value: a control
      // dependency, and a second path of the thread.
      const last = regsRead[regsRead.length - 1];
      if (a.kind === 'write' && last !== undefined && last[0] === t && rng.chance(0.25)) {
        const wanted = rng.pick(written.get(last[2])!);
        body.push(`if (${last[1]} == ${wanted}) ${accessText(a)}`);
      } else body.push(accessText(a));
    }
    if (rcu && rng.chance(0.5)) {
      if (rng.chance(0.5)) body.unshift('rcu_read_lock();');
      if (body[0] === 'rcu_read_lock();') body.push('rcu_read_unlock();');
      else body.splice(rng.below(body.length + 1), 0, 'synchronize_rcu();');
    }
    if (locked && rng.chance(0.7)) {
      body.unshift('spin_lock(s);');
      body.push('spin_unlock(s);');
    }
    const decl = declared.length > 0 ? [`int ${declared.join(', ')};`] : [];
    bodies.push([...decl, ...body]);
  }
  const params = [...locations.map((l) => `int *${l}`), ...(locked ? ['spinlock_t *s'] : [])];
  const threadText = bodies.map(
    (b, t) => `P${t}(${params.join(', ')})\n{\n${b.map((l) => `\t${l}`).join('\n')}\n}\n`,
  );
  return `C ${name}\n\n{}\n\n${threadText.join('\n')}\n${condition(rng, regsRead, written)}\n`;
}

/**
 * A final condition over 1 to 3 of the registers read (or a location's last value): each
 * equal to a value written to its location, or 0, joined mostly by `/\`.
 */
function condition(
  rng: Rng,
  regsRead: Array<[number, string, string]>,
  written: Map<string, number[]>,
): string {
  const terms: string[] = [];
  const count = 1 + rng.below(3);
  for (let i = 0; i < count; i++) {
    if (regsRead.length === 0 || rng.chance(0.2)) {
      const loc = rng.pick([...written.keys()]);
      terms.push(`${loc}=${rng.pick(written.get(loc)!)}`);
    } else {
      const [t, r, loc] = rng.pick(regsRead);
      terms.push(`${t}:${r}=${rng.pick(written.get(loc)!)}`);
    }
  }
  const quantifier = rng.pick(['exists', 'exists', 'exists', '~exists', 'forall']);
  const join = rng.chance(0.8) ? ' /\\ ' : ' \\/ ';
  return `${quantifier} (${[...new Set(terms)].join(join)})`;
}
