// The published package, as a user gets it: `npm pack`, installed into an empty folder,
// imported from plain ESM and type-checked from TypeScript. A broken entry point
// (package.json naming a file that is not packed, a missing declaration file) fails here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const SB = `C SB
{}
P0(int *x, int *y) { int r0; WRITE_ONCE(*x, 1); r0 = READ_ONCE(*y); }
P1(int *x, int *y) { int r1; WRITE_ONCE(*y, 1); r1 = READ_ONCE(*x); }
exists (0:r0=0 /\\ 1:r1=0)
`;

const esmCheck = `
import { runTest, runTestText, explain, formatHerdReport, OrdoError } from 'ordo';
import { writeFileSync } from 'node:fs';
const sb = ${JSON.stringify(SB)};
const r = await runTestText('SB.litmus', sb);
if (r.observation !== 'Sometimes' || r.positive !== 1 || r.negative !== 3) throw new Error('wrong result ' + JSON.stringify(r));
if (!formatHerdReport(r).startsWith('Test SB Allowed\\nStates 4\\n')) throw new Error('wrong report');
writeFileSync('SB.litmus', sb);
const fromFile = await runTest('SB.litmus', { speedcheck: 'true', limits: { maxExecutions: 100 } });
if (fromFile.positive !== 1) throw new Error('runTest from a file: ' + fromFile.positive);
const bad = await runTestText('bad.litmus', 'C bad\\n{}\\nP0() { frob(); }\\nexists (x=1)\\n').then(() => null, (e) => e);
if (!(bad instanceof OrdoError) || !/^bad\\.litmus:\\d+:\\d+: /.test(bad.format())) throw new Error('bad input: ' + bad);
const ac = new AbortController();
ac.abort();
const aborted = await runTestText('SB.litmus', sb, { signal: ac.signal }).then(() => null, (e) => e);
if (!aborted || aborted.name !== 'AbortError') throw new Error('abort: ' + aborted);
const viaWorker = await runTestText('SB.litmus', sb, { signal: new AbortController().signal });
if (viaWorker.positive !== 1) throw new Error('worker run: ' + viaWorker.positive);
const badViaWorker = await runTestText('bad.litmus', 'C bad\\n{}\\nP0() { frob(); }\\nexists (x=1)\\n', { signal: new AbortController().signal }).then(() => null, (e) => e);
if (!(badViaWorker instanceof OrdoError) || !badViaWorker.where) throw new Error('worker error: ' + badViaWorker);
const why = await explain('SB.litmus');
if (why.verdict !== 'allowed' || why.executions.length !== 1) throw new Error('explain: ' + why.verdict);
console.log('ok');
`;

const tsCheck = `
import { runTestText, formatHerdReport, OrdoError, type RunOptions, type TestResult } from 'ordo';
const opts: RunOptions = { speedcheck: 'fast', limits: { timeoutSeconds: 5 }, signal: AbortSignal.timeout(60_000) };
const result: TestResult = await runTestText('SB.litmus', '', opts);
const text: string = formatHerdReport(result);
const err: OrdoError = new OrdoError(text);
export { err };
`;

test('the packed package installs into an empty folder and imports from ESM and TypeScript', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ordo-pack-'));
  try {
    const packed = JSON.parse(
      run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = packed[0].files.map((f) => f.path);
    for (const f of ['bin/ordo.js', 'dist/src/cli/main.js', 'dist/src/cli/main.bundle.js'])
      assert.ok(files.includes(f), `${f} is packed`);
    const tarball = join(dir, packed[0].filename);
    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'app', private: true, type: 'module' }),
    );
    run(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', tarball],
      app,
    );
    writeFileSync(join(app, 'check.mjs'), esmCheck);
    assert.equal(run(process.execPath, ['check.mjs'], app).trim(), 'ok');
    // The command, as npm installed it (SB.litmus was written by check.mjs). Its daemon, if
    // it starts one, lives in this test's folder and is stopped at the end.
    const ordo = (args: string[], extra: Record<string, string> = {}) =>
      spawnSync(join(app, 'node_modules', '.bin', 'ordo'), args, {
        cwd: app,
        encoding: 'utf8',
        env: { ...process.env, ORDO_DAEMON_DIR: join(dir, 'daemon'), ...extra },
      });
    try {
      const first = ordo(['SB.litmus']);
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /^Test SB Allowed\n[^]*^Observation SB Sometimes 1 3$/m);

      // npm ran the package's install script, which compiled the native client wherever
      // this checkout could compile it; the installed command then answers from a warm
      // process, with the same report.
      if (existsSync(join(root, 'native', 'ordo-client'))) {
        const client = join(app, 'node_modules', 'ordo', 'native', 'ordo-client');
        assert.ok(existsSync(client), 'the client was built on install');
        assert.equal(ordo(['daemon', 'start']).status, 0);
        const warm = ordo(['SB.litmus'], { ORDO_DAEMON: 'require' });
        assert.equal(warm.status, 0, warm.stderr);
        const withoutTime = (t: string) => t.replace(/^Time .*\n/m, '');
        assert.equal(withoutTime(warm.stdout), withoutTime(first.stdout));
      }
    } finally {
      ordo(['daemon', 'stop']);
    }

    writeFileSync(join(app, 'check.ts'), tsCheck);
    run(
      process.execPath,
      [
        join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--target',
        'es2022',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--typeRoots',
        join(root, 'node_modules', '@types'),
        '--types',
        'node',
        'check.ts',
      ],
      app,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
