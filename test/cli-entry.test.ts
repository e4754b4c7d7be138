// bin/ordo.js loads the bundled command line (tools/bundle-cli.ts) when it is current,
// the compiled modules otherwise; both must behave the same.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusPath, repoRoot } from './support/corpus.js';

const cliDir = join(repoRoot, 'dist', 'src', 'cli');

test('bin/ordo.js runs the bundle when it is at least as new as main.js, else the modules', () => {
  const root = mkdtempSync(join(tmpdir(), 'ordo-entry-'));
  writeFileSync(join(root, 'package.json'), '{"type":"module"}');
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(repoRoot, 'bin', 'ordo.js'), join(root, 'bin', 'ordo.js'));
  const fakeCli = join(root, 'dist', 'src', 'cli');
  mkdirSync(fakeCli, { recursive: true });
  const fake = (file: string, word: string) =>
    writeFileSync(
      join(fakeCli, file),
      `export async function main(args) { console.log('${word} ' + args.join(' ')); return 7; }\n`,
    );
  const run = () =>
    spawnSync(process.execPath, [join(root, 'bin', 'ordo.js'), 'a', 'b'], { encoding: 'utf8' });
  fake('main.js', 'modules');
  assert.equal(run().stdout, 'modules a b\n', 'no bundle');
  fake('main.bundle.js', 'bundle');
  const at = (file: string, seconds: number) => utimesSync(join(fakeCli, file), seconds, seconds);
  at('main.js', 1000);
  at('main.bundle.js', 2000);
  const r = run();
  assert.equal(r.stdout, 'bundle a b\n', 'bundle newer');
  assert.equal(r.status, 7, 'the exit status is what main returns');
  at('main.bundle.js', 1000);
  assert.equal(run().stdout, 'bundle a b\n', 'same time, as in a packed package');
  at('main.js', 3000);
  assert.equal(run().stdout, 'modules a b\n', 'tsc ran after the bundle was made');
});

/** Runs main() of one entry file in a fresh process. */
function runEntry(entry: string, args: string[], cwd: string) {
  const script = `import(${JSON.stringify(join(cliDir, entry))}).then((m) => m.main(${JSON.stringify(args)})).then((c) => { process.exitCode = c; });`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd,
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout.replace(/^Time .*$/gm, 'Time'), stderr: r.stderr };
}

test('the build made a current bundle, and it answers as the modules do', () => {
  const bundle = join(cliDir, 'main.bundle.js');
  assert.ok(existsSync(bundle), 'dist/src/cli/main.bundle.js is missing: run npm run build');
  assert.ok(
    statSync(bundle).mtimeMs >= statSync(join(cliDir, 'main.js')).mtimeMs,
    'the bundle is older than main.js: run npm run build',
  );
  const work = mkdtempSync(join(tmpdir(), 'ordo-entry-same-'));
  writeFileSync(join(work, 'bad.litmus'), 'C bad\n{}\nP0(int *x) { frob(x); }\nexists (x=1)\n');
  const lkmm = corpusPath('models', 'lkmm');
  const cases: string[][] = [
    [
      '-conf',
      join(lkmm, 'linux-kernel.cfg'),
      '-I',
      lkmm,
      corpusPath('tests', 'kernel', 'MP+polocks.litmus'),
    ],
    [corpusPath('tests', 'kernel', 'SB+fencembonceonces.litmus')],
    [corpusPath('tests', 'herd-bpf', 'MP+fcas-addr-fcas+scas-scas.litmus')],
    ['-speedcheck', 'fast', corpusPath('tests', 'kernel', 'SB+poonceonces.litmus')],
    ['bad.litmus'],
    ['-frobnicate', 'bad.litmus'],
    ['-version'],
    ['run', '-q', corpusPath('tests', 'kernel', 'SB+poonceonces.litmus')],
  ];
  for (const args of cases) {
    const modules = runEntry('main.js', args, work);
    assert.deepEqual(runEntry('main.bundle.js', args, work), modules, args.join(' '));
  }
});
