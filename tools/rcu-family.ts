// The RCU scaling family of the kernel's litmus-test documentation ("Performance"): N
// processes in a cycle over locations x0..x(N-1), process i reading x(i) and writing
// x(i+1 mod N). A reader (`R`) does both inside one RCU read-side critical section; an
// updater (`G`) separates them with synchronize_rcu(). The `exists` clause asks for the
// whole cycle (every r1 = 1), which LKMM allows exactly when the cycle has more readers
// than grace periods. The family grows the candidate space exponentially with N, which
// makes it the benchmark for the enumerator.
//
//   node dist/tools/rcu-family.js 10            > C-RW-R+RW-R+RW-G+...litmus (RRGGGGRRRR)
//   node dist/tools/rcu-family.js RRGGGGRRRRRR  (an explicit shape)

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

/** The litmus test (C, LKMM) for a shape such as "RRGGGGRRRR". */
export function rcuCycleTest(shape: string): string {
  if (!/^[RG]{2,}$/.test(shape)) throw new Error(`shape "${shape}" is not a word of R and G`);
  const n = shape.length;
  const name = 'C-' + [...shape].map((k) => `RW-${k}`).join('+');
  const lines: string[] = [`C ${name}`, '', '{', '}', ''];
  for (let i = 0; i < n; i++) {
    const from = `x${i}`;
    const to = `x${(i + 1) % n}`;
    lines.push(`P${i}(int *${from}, int *${to})`, '{', '\tint r1;', '');
    if (shape[i] === 'R') {
      lines.push(
        '\trcu_read_lock();',
        `\tr1 = READ_ONCE(*${from});`,
        `\tWRITE_ONCE(*${to}, 1);`,
        '\trcu_read_unlock();',
      );
    } else {
      lines.push(`\tr1 = READ_ONCE(*${from});`, '\tsynchronize_rcu();', `\tWRITE_ONCE(*${to}, 1);`);
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
