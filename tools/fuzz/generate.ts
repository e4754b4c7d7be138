// Litmus tests made up from a seed, for the differential fuzzer. The corpus's small
// tests seldom have 8 candidates below a partial reads-from choice, the least the
// enumerator judges over bounds (src/executions/enumerate.ts, cat/candidate-bounds.ts):
// these have several threads whose reads each have several candidate writes (a few
// locations, each written more than once), fences, releases and acquires, read-modify-
// writes, a control dependency, and a final condition that asks for an outcome the
// model often forbids; in C also locks and RCU. A test is planned once (planTest) and
// printed in C or in BPF. They stay small enough to finish in well under a second: at
// most `reads` reads and `writes` writes of their Shape.
//
// The coherence shape (COHERENCE_SHAPE) is for the forks over coherence orders instead:
// many writes to one or two locations from several threads, most threads locked (some
// by spin_trylock), and few reads, so that cos-opt.cat's `with co from
// generate_cos(cobase)` fork has tens to thousands of alternatives while the reads-from
// candidates stay few; spin_is_locked() probes and failed trylocks are the reads lock.cat
// forks over (`with rf-ru from cross(...)`, `with rfe-lf from cross(...)`), one member of
// the cross per probe.

import type { Rng } from './mutate.js';

/** How big a planned test may get, and what it is made of. */
export interface Shape {
  /** At most this many reads: each multiplies the candidates by its writes. */
  reads: number;
  /** At most this many writes in all (an exchange is a read and a write). */
  writes: number;
  /** Locations used: the first 1 to `locations` of x, y, z. */
  locations: number;
  /** Chance that an access is a plain read or write is drawn as a write (else by roll). */
  writeBias: number;
  /** Chance that a C test takes the spinlock at all (each thread then with 0.7). */
  locks: number;
  /** Chance that a locked thread takes the lock with spin_trylock (then the rest if so). */
  trylocks: number;
  /** In a test with locks, chance that a thread probes it with spin_is_locked(). */
  probes: number;
  /** Chance that a test without locks uses RCU (readers and grace periods): 0.15. */
  rcu?: number;
  /** In a test using RCU, chance that a thread is a reader or updater: 0.5. */
  rcuThreads?: number;
  /** Chance that such a thread uses SRCU (one srcu_struct) rather than RCU: 0 (none drawn). */
  srcu?: number;
}

/** The default shape: reads-from choices, for partial choices judged over bounds. */
export const READS_SHAPE: Shape = {
  reads: 5,
  writes: 5,
  locations: 3,
  writeBias: 0,
  locks: 0.2,
  trylocks: 0,
  probes: 0,
};

/**
 * RCU and SRCU: most threads readers (a critical section around their accesses) or
 * updaters (a grace period among them), no locks: the rules Ordo's own LKMM writes its
 * own way (rcu-order, SRCU's per-struct matching), compared with the kernel's files.
 */
export const RCU_SHAPE: Shape = {
  reads: 4,
  writes: 5,
  locations: 3,
  writeBias: 0,
  locks: 0,
  trylocks: 0,
  probes: 0,
  rcu: 1,
  rcuThreads: 0.85,
  srcu: 0.4,
};

/** Many writes per location and locks: big coherence-order forks, few reads. */
export const COHERENCE_SHAPE: Shape = {
  reads: 2,
  writes: 8,
  locations: 2,
  writeBias: 0.5,
  locks: 0.6,
  trylocks: 0.3,
  probes: 0.5,
};

const LOCATIONS = ['x', 'y', 'z'] as const;

/**
 * What a thread does. A register is named by its number in the test (`r3`); `value` is
 * what a write stores (each write to a location stores a value of its own).
 */
type Access =
  | { kind: 'read'; how: 'once' | 'acquire' | 'plain'; loc: string; reg: number }
  | { kind: 'write'; how: 'once' | 'release' | 'plain'; loc: string; value: number }
  | {
      kind: 'xchg';
      how: '' | '_relaxed' | '_acquire' | '_release';
      loc: string;
      reg: number;
      value: number;
    }
  | { kind: 'cmpxchg'; loc: string; reg: number; expected: number; value: number }
  | { kind: 'fence'; name: string }
  /** C: `rN = spin_is_locked(s)`, before the thread's lock, within it, or after it. */
  | { kind: 'probe'; reg: number; where: 'before' | 'within' | 'after' }
  /**
   * C, on the srcu_struct ssp: `rN = srcu_read_lock(ssp)` (reg), `srcu_read_unlock(ssp,
   * rN)` (index: the lock's register), `synchronize_srcu(ssp)`.
   */
  | { kind: 'srcu'; op: 'lock'; reg: number }
  | { kind: 'srcu'; op: 'unlock'; index: number }
  | { kind: 'srcu'; op: 'sync' };

/** How a C thread holds the lock s around its steps: not, spin_lock, or spin_trylock. */
type Locking = { kind: 'none' } | { kind: 'lock' } | { kind: 'trylock'; reg: number };

/** An access, made only when register `reg` holds `value` (a control dependency). */
type Step = Access | { kind: 'guarded'; reg: number; value: number; access: Access };

/** One term of the final condition: a register's or a location's final value. */
type Term = { thread: number; reg: number; value: number } | { loc: string; value: number };

interface Plan {
  locations: readonly string[];
  threads: Step[][];
  /**
   * C: a thread's steps within spin_lock(s) ... spin_unlock(s), or within `if (rN) {`
   * ... `}` after `rN = spin_trylock(s)`, unlocked before `}`.
   */
  locking: Locking[];
  quantifier: 'exists' | '~exists' | 'forall';
  terms: Term[];
  join: '/\\' | '\\/';
}

const FENCES = ['smp_mb()', 'smp_rmb()', 'smp_wmb()', 'smp_mb__after_atomic()'];

/**
 * A test of 2 to 4 threads over 1 to 3 locations; the same generator state and shape, the
 * same plan. The default shape draws exactly what it drew before shapes existed.
 */
function planTest(rng: Rng, shape: Shape): Plan {
  const locations = LOCATIONS.slice(0, 1 + rng.below(shape.locations));
  const threadCount = 2 + rng.below(3);
  // The values written to each location so far: a condition asks for one of them, a
  // compare-and-exchange expects one.
  const written = new Map<string, number[]>(locations.map((l) => [l, [0]]));
  let reads = 0;
  let writes = 0;
  let registers = 0;
  const regsRead: Array<[number, number, string]> = []; // thread, register, location
  const threads: Step[][] = [];
  const anyLocks = rng.chance(shape.locks);
  const rcu = !anyLocks && rng.chance(shape.rcu ?? 0.15);
  for (let t = 0; t < threadCount; t++) {
    const steps: Step[] = [];
    const reg = (loc: string): number => {
      regsRead.push([t, registers, loc]);
      return registers++;
    };
    const write = (loc: string): number => {
      const value = written.get(loc)!.length;
      written.get(loc)!.push(value);
      return value;
    };
    const accesses = 2 + rng.below(3);
    for (let i = 0; i < accesses; i++) {
      const loc = rng.pick(locations);
      // A biased shape turns some accesses into plain writes before the usual roll.
      const roll = shape.writeBias > 0 && rng.chance(shape.writeBias) ? 0.6 : rng.next();
      let a: Access | undefined;
      if (roll < 0.12) a = { kind: 'fence', name: rng.pick(FENCES) };
      else if (roll < 0.5 && reads < shape.reads) {
        reads++;
        const how = rng.pick(['once', 'once', 'acquire', 'plain'] as const);
        a = { kind: 'read', how, loc, reg: reg(loc) };
      } else if (roll < 0.85 && writes < shape.writes) {
        writes++;
        const how = rng.pick(['once', 'once', 'release', 'plain'] as const);
        a = { kind: 'write', how, loc, value: write(loc) };
      } else if (reads < shape.reads && writes < shape.writes) {
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
      if (a.kind === 'write' && last !== undefined && last[0] === t && rng.chance(0.25))
        steps.push({
          kind: 'guarded',
          reg: last[1],
          value: rng.pick(written.get(last[2])!),
          access: a,
        });
      else steps.push(a);
    }
    // A probe of the lock (drawn only by shapes that probe: the others draw as before).
    if (shape.probes > 0 && anyLocks && rng.chance(shape.probes)) {
      const where = rng.pick(['before', 'within', 'after'] as const);
      const probe: Step = { kind: 'probe', reg: registers++, where };
      if (where === 'before') steps.unshift(probe);
      else if (where === 'after') steps.push(probe);
      else steps.splice(rng.below(steps.length + 1), 0, probe);
    }
    if (rcu && rng.chance(shape.rcuThreads ?? 0.5)) {
      // SRCU drawn only by shapes that use it: the others draw as before.
      const srcu = (shape.srcu ?? 0) > 0 && rng.chance(shape.srcu!);
      if (rng.chance(0.5)) {
        if (srcu) {
          const reg = registers++;
          steps.unshift({ kind: 'srcu', op: 'lock', reg });
          steps.push({ kind: 'srcu', op: 'unlock', index: reg });
        } else {
          steps.unshift({ kind: 'fence', name: 'rcu_read_lock()' });
          steps.push({ kind: 'fence', name: 'rcu_read_unlock()' });
        }
      } else {
        const sync: Access = srcu
          ? { kind: 'srcu', op: 'sync' }
          : { kind: 'fence', name: 'synchronize_rcu()' };
        steps.splice(rng.below(steps.length + 1), 0, sync);
      }
    }
    threads.push(steps);
  }
  const locking = threads.map((): Locking => {
    if (!(anyLocks && rng.chance(0.7))) return { kind: 'none' };
    return shape.trylocks > 0 && rng.chance(shape.trylocks)
      ? { kind: 'trylock', reg: registers++ }
      : { kind: 'lock' };
  });
  // 1 to 3 terms over the registers read (or a location's last value), each equal to a
  // value written to its location, or 0.
  const terms: Term[] = [];
  const count = 1 + rng.below(3);
  for (let i = 0; i < count; i++) {
    if (regsRead.length === 0 || rng.chance(0.2)) {
      const loc = rng.pick(locations);
      terms.push({ loc, value: rng.pick(written.get(loc)!) });
    } else {
      const [thread, reg, loc] = rng.pick(regsRead);
      terms.push({ thread, reg, value: rng.pick(written.get(loc)!) });
    }
  }
  const quantifier = rng.pick(['exists', 'exists', 'exists', '~exists', 'forall'] as const);
  return { locations, threads, locking, quantifier, terms, join: rng.chance(0.8) ? '/\\' : '\\/' };
}

function conditionText(plan: Plan, term: (t: Term) => string): string {
  const terms = [...new Set(plan.terms.map(term))];
  return `${plan.quantifier} (${terms.join(` ${plan.join} `)})`;
}

/** A C test (LKMM), named `name`. */
export function generateCTest(rng: Rng, name: string, shape: Shape = READS_SHAPE): string {
  const plan = planTest(rng, shape);
  const access = (a: Access): string => {
    switch (a.kind) {
      case 'read':
        return a.how === 'once'
          ? `r${a.reg} = READ_ONCE(*${a.loc});`
          : a.how === 'acquire'
            ? `r${a.reg} = smp_load_acquire(${a.loc});`
            : `r${a.reg} = *${a.loc};`;
      case 'write':
        return a.how === 'once'
          ? `WRITE_ONCE(*${a.loc}, ${a.value});`
          : a.how === 'release'
            ? `smp_store_release(${a.loc}, ${a.value});`
            : `*${a.loc} = ${a.value};`;
      case 'xchg':
        return `r${a.reg} = xchg${a.how}(${a.loc}, ${a.value});`;
      case 'cmpxchg':
        return `r${a.reg} = cmpxchg(${a.loc}, ${a.expected}, ${a.value});`;
      case 'fence':
        return `${a.name};`;
      case 'probe':
        return `r${a.reg} = spin_is_locked(s);`;
      case 'srcu':
        return a.op === 'lock'
          ? `r${a.reg} = srcu_read_lock(ssp);`
          : a.op === 'unlock'
            ? `srcu_read_unlock(ssp, r${a.index});`
            : 'synchronize_srcu(ssp);';
    }
  };
  const params = [...plan.locations.map((l) => `int *${l}`)];
  const probed = plan.threads.some((steps) => steps.some((s) => s.kind === 'probe'));
  if (probed || plan.locking.some((l) => l.kind !== 'none')) params.push('spinlock_t *s');
  if (plan.threads.some((steps) => steps.some((s) => s.kind === 'srcu')))
    params.push('struct srcu_struct *ssp');
  const threads = plan.threads.map((steps, t) => {
    const locking = plan.locking[t]!;
    const declared = steps.flatMap((s) => {
      const a = s.kind === 'guarded' ? s.access : s;
      return 'reg' in a ? [`r${a.reg}`] : [];
    });
    if (locking.kind === 'trylock') declared.push(`r${locking.reg}`);
    const line = (s: Step): string =>
      s.kind === 'guarded' ? `if (r${s.reg} == ${s.value}) ${access(s.access)}` : access(s);
    const outside = (where: 'before' | 'after') =>
      steps.filter((s) => s.kind === 'probe' && s.where === where).map(line);
    let body: string[];
    switch (locking.kind) {
      case 'none':
        body = steps.map(line);
        break;
      case 'lock':
      case 'trylock': {
        // Probes before or after the lock stay outside the critical section.
        const within = steps
          .filter((s) => s.kind !== 'probe' || s.where === 'within')
          .map(line)
          .concat('spin_unlock(s);');
        body =
          locking.kind === 'lock'
            ? ['spin_lock(s);', ...within]
            : [
                `r${locking.reg} = spin_trylock(s);`,
                `if (r${locking.reg}) {`,
                ...within.map((l) => `\t${l}`),
                '}',
              ];
        body = [...outside('before'), ...body, ...outside('after')];
        break;
      }
    }
    const lines = [...(declared.length > 0 ? [`int ${declared.join(', ')};`] : []), ...body];
    return `P${t}(${params.join(', ')})\n{\n${lines.map((l) => `\t${l}`).join('\n')}\n}\n`;
  });
  const condition = conditionText(plan, (term) =>
    'loc' in term ? `${term.loc}=${term.value}` : `${term.thread}:r${term.reg}=${term.value}`,
  );
  return `C ${name}\n\n{}\n\n${threads.join('\n')}\n${condition}\n`;
}

/**
 * A BPF test, named `name`: the same plan, with u32 accesses through r6-r8 (x, y, z),
 * results in r1-r5 (at most four a thread), values staged in r9 and cmpxchg's expected
 * value in r0. C's fences, locks and RCU have no BPF form here and are left out; plain
 * accesses are BPF's only ones.
 */
export function generateBpfTest(rng: Rng, name: string): string {
  const plan = planTest(rng, READS_SHAPE);
  const base = (loc: string): string =>
    `r${6 + LOCATIONS.indexOf(loc as (typeof LOCATIONS)[number])}`;
  const names = new Map<number, string>(); // a test register, as its thread's BPF register
  const columns = plan.threads.map((steps) => {
    let next = 1;
    let labels = 0;
    const mine = (reg: number): string => {
      if (!names.has(reg)) names.set(reg, `r${next++}`);
      return names.get(reg)!;
    };
    const rows = (a: Access): string[] => {
      const at = (a: { loc: string }) => `(u32 *)(${base(a.loc)} + 0)`;
      switch (a.kind) {
        case 'read':
          return a.how === 'acquire'
            ? [`${mine(a.reg)} = load_acquire(${at(a)})`]
            : [`${mine(a.reg)} = *${at(a)}`];
        case 'write':
          return a.how === 'release'
            ? [`r9 = ${a.value}`, `store_release(${at(a)}, r9)`]
            : [`*${at(a)} = ${a.value}`];
        case 'xchg': {
          const r = mine(a.reg);
          return [`${r} = ${a.value}`, `${r} = xchg_32_32(${base(a.loc)} + 0, ${r})`];
        }
        case 'cmpxchg':
          return [
            `r0 = ${a.expected}`,
            `r9 = ${a.value}`,
            `r0 = cmpxchg32_32(${base(a.loc)} + 0, r0, r9)`,
            `${mine(a.reg)} = r0`,
          ];
        case 'fence':
        case 'probe':
        case 'srcu':
          return [];
      }
    };
    return steps.flatMap((s) => {
      if (s.kind !== 'guarded') return rows(s);
      const label = `L${labels++}`;
      return [`if ${mine(s.reg)} != ${s.value} goto ${label}`, ...rows(s.access), `${label}:`];
    });
  });
  const init = plan.threads
    .map((_, t) => plan.locations.map((l) => `${t}:${base(l)}=${l};`).join(' '))
    .join('\n');
  const height = Math.max(1, ...columns.map((c) => c.length));
  const table = [
    plan.threads.map((_, t) => `P${t}`),
    ...Array.from({ length: height }, (_, i) => columns.map((c) => c[i] ?? '')),
  ];
  const condition = conditionText(plan, (term) =>
    'loc' in term
      ? `[${term.loc}]=${term.value}`
      : `${term.thread}:${names.get(term.reg)}=${term.value}`,
  );
  return `BPF ${name}\n{\n${init}\n}\n${table.map((r) => ` ${r.join(' | ')} ;`).join('\n')}\n${condition}\n`;
}
