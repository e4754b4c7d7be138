// bin/ordo's fast path (native/ordo-client.c + src/daemon): a command line answered by a
// warm process must be indistinguishable from one run by a fresh Node process: same
// stdout, stderr and exit status, files read afresh, the caller's directory and
// environment, signals reaching the run.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusPath, repoRoot } from './support/corpus.js';
import {
  FRAME_EXIT,
  FRAME_STDOUT,
  FrameReader,
  PROTOCOL_VERSION,
  encodeFrame,
  parseRequest,
} from '../src/daemon/protocol.js';
import { runsInWarmProcess } from '../src/cli/main.js';

const ordoBin = join(repoRoot, 'bin', 'ordo');
const client = join(repoRoot, 'native', 'ordo-client');
const noClient = existsSync(client) ? false : 'no native client (no C compiler at build time)';

const daemonDir = mkdtempSync(join(tmpdir(), 'ordo-daemon-'));
const work = mkdtempSync(join(tmpdir(), 'ordo-daemon-work-'));
const lkmm = corpusPath('models', 'lkmm');
const sb = corpusPath('tests', 'kernel', 'SB+poonceonces.litmus');
/**
 * A test no run finishes within seconds (herd7 did not finish it in 600 s, Ordo needs
 * minutes), so that it is still running when interrupted or timed out. L1G2lock, used
 * before, now ends in about a second, sometimes before the interrupt.
 */
const slow = corpusPath('tests', 'lkmm-dev', 'kernel', 'C-ManfredSpraul-L1G2xchg.litmus');

function ordo(
  args: string[],
  how: 'warm' | 'fresh',
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
) {
  return spawnSync(ordoBin, args, {
    encoding: 'utf8',
    cwd: options.cwd ?? work,
    env: {
      ...process.env,
      ORDO_DAEMON_DIR: daemonDir,
      ORDO_DAEMON: how === 'warm' ? 'require' : '0',
      ...options.env,
    },
  });
}

const withoutTime = (t: string) => t.replace(/^Time .*\n/gm, '');
/** How far a stopped run got depends on the machine's speed, not on how it was started. */
const withoutProgress = (t: string) => t.replace(/partial figures .*/g, 'partial figures');

before(() => {
  if (noClient) return;
  const r = ordo(['daemon', 'start'], 'fresh');
  assert.equal(r.status, 0, r.stderr);
});

after(() => {
  if (!noClient) ordo(['daemon', 'stop'], 'fresh');
  rmSync(daemonDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

test(
  'a warm process answers as a fresh one: report, error, usage, -version, limit',
  { skip: noClient },
  () => {
    writeFileSync(
      join(work, 'bad.litmus'),
      'C bad\n{}\nP0(int *x) { WRITE_ONCE(*x, 1) }\nexists (x=1)\n',
    );
    const cases: [string[], number][] = [
      [['-conf', join(lkmm, 'linux-kernel.cfg'), '-I', lkmm, sb], 0],
      [[sb], 0],
      [['bad.litmus'], 1],
      [['missing.litmus'], 1],
      [['-bogus', sb], 2],
      [['-version'], 0],
      [['-help'], 0],
      [['-timeout', '0.3', '-conf', join(lkmm, 'linux-kernel.cfg'), '-I', lkmm, slow], 124],
    ];
    for (const [args, status] of cases) {
      const warm = ordo(args, 'warm');
      const fresh = ordo(args, 'fresh');
      const what = args.join(' ');
      assert.equal(warm.status, status, `${what}: ${warm.stderr}`);
      assert.equal(fresh.status, status, what);
      assert.equal(withoutTime(warm.stdout), withoutTime(fresh.stdout), what);
      assert.equal(withoutProgress(warm.stderr), withoutProgress(fresh.stderr), what);
    }
  },
);

test('a model file changed between two requests is read again', { skip: noClient }, () => {
  const model = join(work, 'changing.cat');
  const args = ['-I', corpusPath('models', 'herd-lib'), '-model', model, sb];
  writeFileSync(model, '"changing"\ninclude "cos.cat"\n');
  assert.match(ordo(args, 'warm').stdout, /^Observation \S+ Sometimes 1 3$/m);
  writeFileSync(model, '"changing"\ninclude "cos.cat"\nacyclic po | rf | fr | co as sc\n');
  // A later modification time, whatever the file system's clock granularity.
  const later = new Date(Date.now() + 5000);
  utimesSync(model, later, later);
  assert.match(ordo(args, 'warm').stdout, /^Observation \S+ Never 0 3$/m);
});

test("a request runs in the caller's directory and environment", { skip: noClient }, () => {
  const args = ['-conf', 'linux-kernel.cfg', sb];
  // Found through $HERDLIB in one request, not found without it in the next.
  const found = ordo(args, 'warm', { env: { HERDLIB: lkmm } });
  assert.equal(found.status, 0, found.stderr);
  const missing = ordo(args, 'warm', { env: { HERDLIB: undefined } });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /linux-kernel\.cfg/);
  // A relative test name is the caller's.
  const relative = ordo(['-conf', 'linux-kernel.cfg', 'SB+poonceonces.litmus'], 'warm', {
    cwd: corpusPath('tests', 'kernel'),
    env: { HERDLIB: lkmm },
  });
  assert.match(relative.stdout, /^Observation SB\+poonceonces Sometimes 1 3$/m);
});

test(
  'Ctrl-C stops the run in the warm process; the next request is answered',
  { skip: noClient },
  async () => {
    const child = spawn(ordoBin, ['-conf', join(lkmm, 'linux-kernel.cfg'), '-I', lkmm, slow], {
      cwd: work,
      env: { ...process.env, ORDO_DAEMON_DIR: daemonDir, ORDO_DAEMON: 'require' },
    });
    const ended = new Promise<[number | null, NodeJS.Signals | null]>((done) =>
      child.on('exit', (code, sig) => done([code, sig])),
    );
    let over = false;
    void ended.then(() => (over = true));
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(over, false, 'the run ended before it could be interrupted');
    const stopped = Date.now();
    child.kill('SIGINT');
    const [status, signal] = await ended;
    assert.deepEqual([status, signal], [null, 'SIGINT']);
    assert.ok(Date.now() - stopped < 10_000, 'the run went on after SIGINT');
    const next = ordo([sb], 'warm');
    assert.equal(next.status, 0, next.stderr);
    assert.match(next.stdout, /^Observation SB\+poonceonces Sometimes 1 3$/m);
  },
);

test(
  'more requests at once than warm processes: every one is answered',
  { skip: noClient },
  async () => {
    const args = ['-timeout', '1', '-conf', join(lkmm, 'linux-kernel.cfg'), '-I', lkmm, slow];
    const runs = Array.from(
      { length: 5 },
      () =>
        new Promise<{ status: number | null; stderr: string }>((done) => {
          const child = spawn(ordoBin, args, {
            cwd: work,
            stdio: ['ignore', 'ignore', 'pipe'],
            env: { ...process.env, ORDO_DAEMON_DIR: daemonDir, ORDO_DAEMON: 'require' },
          });
          let stderr = '';
          child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          child.on('close', (status) => done({ status, stderr }));
        }),
    );
    const answers = await Promise.all(runs);
    // The messages say why a request was not answered by a warm process, if one was not.
    assert.deepEqual(
      answers.map((a) => a.status),
      [124, 124, 124, 124, 124],
      answers.map((a) => a.stderr).join(''),
    );
  },
);

test(
  'without a daemon the client runs the command itself and starts one for the next',
  { skip: noClient },
  async () => {
    const own = mkdtempSync(join(tmpdir(), 'ordo-daemon-'));
    const env = { ORDO_DAEMON_DIR: own, ORDO_DAEMON: undefined };
    try {
      const first = ordo([sb], 'warm', { env });
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /^Observation SB\+poonceonces Sometimes 1 3$/m);
      let up = false;
      for (let i = 0; i < 200 && !up; i++) {
        up = /running \(this build\)/.test(ordo(['daemon', 'status'], 'fresh', { env }).stdout);
        if (!up) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(up, 'no daemon started');
      const warm = ordo([sb], 'warm', { env: { ORDO_DAEMON_DIR: own } });
      assert.equal(warm.status, 0, warm.stderr);
    } finally {
      ordo(['daemon', 'stop'], 'fresh', { env });
      rmSync(own, { recursive: true, force: true });
    }
  },
);

test('subcommands and a whole-process memory cap run in a process of their own', () => {
  assert.equal(runsInWarmProcess(['SB.litmus']), true);
  assert.equal(
    runsInWarmProcess(['-conf', 'linux-kernel.cfg', '-timeout', '2', 'SB.litmus']),
    true,
  );
  assert.equal(runsInWarmProcess(['-version']), true);
  assert.equal(runsInWarmProcess(['run', 'tests/']), false);
  assert.equal(runsInWarmProcess(['-max-memory', '64', 'SB.litmus']), false);
});

test('frames are split the same whatever chunks the stream arrives in', () => {
  const stream = Buffer.concat([
    encodeFrame(FRAME_STDOUT, 'héllo\n'),
    encodeFrame(FRAME_EXIT, '0'),
  ]);
  for (let cut = 0; cut <= stream.length; cut++) {
    const reader = new FrameReader();
    const frames = [...reader.push(stream.subarray(0, cut)), ...reader.push(stream.subarray(cut))];
    assert.deepEqual(
      frames.map((f) => [f.kind, f.payload.toString('utf8')]),
      [
        [FRAME_STDOUT, 'héllo\n'],
        [FRAME_EXIT, '0'],
      ],
    );
  }
});

test('a request is read back as sent; another protocol version is refused', () => {
  const payload = (version: string) =>
    Buffer.from(
      [
        version,
        '/tmp',
        '011',
        '80',
        '22',
        '4242',
        '2',
        '-q',
        'a b.litmus',
        'A=1',
        'B=x=y',
        '',
      ].join('\0'),
    );
  assert.deepEqual(parseRequest(payload(PROTOCOL_VERSION)), {
    version: PROTOCOL_VERSION,
    cwd: '/tmp',
    isTTY: [false, true, true],
    columns: 80,
    umask: 0o22,
    clientPid: 4242,
    args: ['-q', 'a b.litmus'],
    env: { A: '1', B: 'x=y' },
  });
  assert.equal(parseRequest(payload('0')), undefined);
});
