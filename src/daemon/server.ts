// Ordo's daemon: `node server.js DIR ID`, started in the background by the native client
// (native/ordo-client.c) the first time it finds no daemon for build ID. It listens on
// DIR/ID.sock and keeps warm processes (runner.ts) ready: each connection is handed, as
// a socket, to an idle warm process, which answers the client directly. The daemon reads
// nothing from the connections itself.
//
// It leaves when no client came for ORDO_DAEMON_IDLE seconds (default 900), on SIGTERM
// (`ordo daemon stop`), or when a newer build of the same installation starts its own.

import { fork, type ChildProcess } from 'node:child_process';
import { chmodSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FRAME_DIRECT,
  encodeFrame,
  pidFile,
  readBuildId,
  socketAnswers,
  socketPath,
} from './protocol.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const [dir, id] = process.argv.slice(2);
if (!dir || !id || readBuildId(root) !== id) process.exit(2);

const idleSeconds = Number(process.env.ORDO_DAEMON_IDLE) || 900;
/** Warm processes at most: more requests than this at once wait for one to be free. */
const maxRunners = Math.max(2, availableParallelism());
/** A warm process beyond the first leaves after this long without a request. */
const SPARE_IDLE_MS = 60_000;

interface Runner {
  child: ChildProcess;
  ready: boolean;
  busy: boolean;
  idleTimer?: NodeJS.Timeout;
  /** The client whose test it runs (0: none yet). */
  clientPid: number;
}

const runners = new Set<Runner>();
const waiting: Socket[] = [];
let stopping = false;

function startRunner(): void {
  const child = fork(join(dirname(fileURLToPath(import.meta.url)), 'runner.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const runner: Runner = { child, ready: false, busy: false, clientPid: 0 };
  runners.add(runner);
  child.on('message', (message: { type?: string; clientPid?: number }) => {
    if (message.type === 'ready') runner.ready = true;
    if (message.type === 'running') runner.clientPid = message.clientPid ?? 0;
    if (message.type === 'idle') {
      runner.busy = false;
      runner.clientPid = 0;
    }
    if (!runner.busy) retireLater(runner);
    dispatch();
  });
  child.on('exit', () => {
    runners.delete(runner);
    clearTimeout(runner.idleTimer);
    // One that could not even start will not start next time either: rather than start
    // it again and again, leave (clients then run their commands themselves).
    if (!runner.ready) stop();
    if (!stopping) {
      if (runners.size === 0) startRunner();
      dispatch();
    }
  });
}

function retireLater(runner: Runner): void {
  clearTimeout(runner.idleTimer);
  runner.idleTimer = setTimeout(() => {
    if (!runner.busy && runners.size > 1) runner.child.kill();
  }, SPARE_IDLE_MS);
  runner.idleTimer.unref();
}

/**
 * A connection no warm process took within this long is answered `direct`: the client
 * runs the command itself, in parallel, as a fresh process would (rather than waiting
 * behind long runs).
 */
const MAX_WAIT_MS = 1500;

/** Hand waiting connections to idle warm processes; start more when all are busy. */
function dispatch(): void {
  while (waiting.length > 0) {
    const free = [...runners].find((r) => r.ready && !r.busy);
    if (!free) {
      const starting = [...runners].some((r) => !r.ready);
      if (starting) return;
      if (runners.size < maxRunners) startRunner();
      else while (waiting.length > 0) sendDirect(waiting.shift()!);
      return;
    }
    const socket = waiting.shift()!;
    if (socket.destroyed) continue;
    free.busy = true;
    clearTimeout(free.idleTimer);
    free.child.send({ type: 'request' }, socket);
  }
  // Keep one warm process ready for the next client.
  if (![...runners].some((r) => !r.busy) && runners.size < maxRunners && !stopping) startRunner();
}

/**
 * A test runs without looking at its socket, so a client killed outright (SIGKILL) would
 * leave it running for nobody, as a fresh process would not: look for such runs and stop
 * them (the process is replaced).
 */
const ABANDONED_CHECK_MS = 500;
setInterval(() => {
  for (const r of runners) {
    if (!r.busy || r.clientPid === 0) continue;
    try {
      process.kill(r.clientPid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') r.child.kill('SIGKILL');
    }
  }
}, ABANDONED_CHECK_MS).unref();

let idleTimer: NodeJS.Timeout | undefined;
function stayAwake(): void {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(stop, idleSeconds * 1000);
}

const socketFile = socketPath(dir, id);
const ownPidFile = pidFile(dir, id);

function stop(): void {
  if (stopping) return;
  stopping = true;
  server.close();
  for (const r of runners) r.child.kill();
  try {
    if (readFileSync(ownPidFile, 'utf8').startsWith(`${process.pid} `)) unlinkSync(ownPidFile);
  } catch {
    // already gone
  }
  rmSync(socketFile, { force: true });
  process.exit(0);
}

/** Daemons of older builds of this same installation have no clients left: stop them. */
function stopOlderBuilds(): void {
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.pid') || name === `${id}.pid`) continue;
    try {
      const [pid, theirRoot] = readFileSync(join(dir, name), 'utf8').trim().split(' ');
      if (theirRoot === root) process.kill(Number(pid), 'SIGTERM');
    } catch {
      // gone already, or not ours to stop
    }
  }
}

/** Tell the client to run the command itself (the request stays unread). */
function sendDirect(socket: Socket): void {
  if (!socket.destroyed) socket.end(encodeFrame(FRAME_DIRECT, ''));
}

const server = createServer({ pauseOnConnect: true }, (socket) => {
  stayAwake();
  socket.on('error', () => socket.destroy());
  waiting.push(socket);
  setTimeout(() => {
    const at = waiting.indexOf(socket);
    if (at >= 0) sendDirect(waiting.splice(at, 1)[0]!);
  }, MAX_WAIT_MS).unref();
  dispatch();
});

function listen(retried: boolean): void {
  server.once('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE' || retried) process.exit(1);
    // A socket file is there: another daemon's (then it serves; leave), or a dead one's.
    void socketAnswers(socketFile).then((alive) => {
      if (alive) process.exit(0);
      rmSync(socketFile, { force: true });
      listen(true);
    });
  });
  server.listen(socketFile, () => {
    chmodSync(socketFile, 0o600);
    writeFileSync(ownPidFile, `${process.pid} ${root}\n`, { mode: 0o600 });
    rmSync(join(dir, `${id}.starting`), { force: true });
    stopOlderBuilds();
    startRunner();
    stayAwake();
  });
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('SIGHUP', stop);
listen(false);
