// The RCU scaling family of the kernel's litmus-test documentation ("Performance"): N
// processes in a cycle over locations x0..x(N-1), process i reading x(i) and writing
// x(i+1 mod N). A reader (`R`) does both inside one RCU read-side critical section; an
// updater (`G`) separates them with synchronize_rcu(). The `exists` clause asks for the
// whole cycle (every r1 = 1), which LKMM allows exactly when the cycle has more readers
// than grace periods. The family grows the candidate space exponentially with N, which
// makes it the benchmark for the enumerator. Two more letters give SRCU's members: an
// SRCU reader (`S`, srcu_read_lock/unlock on one srcu_struct) and an SRCU updater (`Y`,
// synchronize_srcu on it): shapes mixing them reach the model's SRCU rules and the way
// it counts grace periods against critical sections of both kinds. Three more are
// updaters of Ordo's own LKMM only (sys_membarrier(), which the kernel's files do not
// know): `M` smp_memb(), `P` membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) after the
// thread's own registration, `U` the same call unregistered (flagged). `O` is a thread
// with neither (its read and write in program order only): smp_memb() waits for it.
//
//   node dist/tools/rcu-family.js 10            > C-RW-R+RW-R+RW-G+...litmus (RRGGGGRRRR)
//   node dist/tools/rcu-family.js RRGGGGRRRRRR  (an explicit shape)
//   node dist/tools/rcu-family.js SSYRGR        (SRCU readers and updaters among RCU's)

/**
 * The shape of the N-process member: two readers, then 2N/5 updaters (rounded down), then
 * readers, so 10 processes give R R G G G G R R R R as in the documentation.
 */
export function defaultShape(processes: number): string {
  if (!Number.isInteger(processes) || processes < 2)
    throw new Error(`a cycle needs at least 2 processes, not ${processes}`);
  const updaters = Math.floor((2 * processes) / 5);
  const leading = Math.min(2, processes - updaters);
  return 'R'.repeat(leading) + 'G'.repeat(updaters) + 'R'.repeat(processes - leading - updaters);
}

/** What an updater does between its read and its write, by letter (Y: on its srcu_struct). */
const UPDATES: Record<string, string> = {
  G: '\tsynchronize_rcu();',
  M: '\tsmp_memb();',
  P: '\tmembarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);',
  U: '\tmembarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);',
};

/** The litmus test (C, LKMM) for a shape such as "RRGGGGRRRR" (or with S and Y: SRCU). */
export function rcuCycleTest(shape: string): string {
  if (!/^[RGSYMPUO]{2,}$/.test(shape))
    throw new Error(
      `shape "${shape}" is not a word of R and G (RCU), S and Y (SRCU), M, P and U (membarrier), O`,
    );
  const n = shape.length;
  const name = 'C-' + [...shape].map((k) => `RW-${k}`).join('+');
  const lines: string[] = [`C ${name}`, '', '{', '}', ''];
  for (let i = 0; i < n; i++) {
    const from = `x${i}`;
    const to = `x${(i + 1) % n}`;
    const kind = shape[i]!;
    const srcu = kind === 'S' || kind === 'Y';
    const params = `int *${from}, int *${to}${srcu ? ', struct srcu_struct *ssp' : ''}`;
    lines.push(`P${i}(${params})`, '{', '\tint r1;', ...(kind === 'S' ? ['\tint r0;'] : []), '');
    const body = [`\tr1 = READ_ONCE(*${from});`, `\tWRITE_ONCE(*${to}, 1);`];
    if (kind === 'R') lines.push('\trcu_read_lock();', ...body, '\trcu_read_unlock();');
    else if (kind === 'O') lines.push(...body);
    else if (kind === 'S')
      lines.push('\tr0 = srcu_read_lock(ssp);', ...body, '\tsrcu_read_unlock(ssp, r0);');
    else {
      // P registers first, in its own thread (a registration program-order before the call).
      if (kind === 'P') lines.push('\tmembarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED);');
      lines.push(body[0]!, UPDATES[kind] ?? '\tsynchronize_srcu(ssp);', body[1]!);
    }
    lines.push('}', '');
  }
  const cycle = [...shape].map((_, i) => `${i}:r1=1`).join(' /\\ ');
  lines.push('exists', `(${cycle})`, '');
  return lines.join('\n');
}

function main(): void {
  const arg = process.argv[2];
  if (!arg) {
    process.stderr.write('usage: rcu-family N|SHAPE   (e.g. 10, or RRGGGGRRRR)\n');
    process.exit(2);
  }
  try {
    const shape = /^\d+$/.test(arg) ? defaultShape(Number(arg)) : arg;
    process.stdout.write(rcuCycleTest(shape));
  } catch (err) {
    // A bad argument is the user's to fix: say what is wrong, without a stack trace.
    process.stderr.write(`rcu-family: ${(err as Error).message}\n`);
    process.exit(2);
  }
}

if (process.argv[1]?.endsWith('rcu-family.js')) main();
