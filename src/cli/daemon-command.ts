// `ordo daemon start|status|stop`: the warm processes that answer bin/ordo's native
// client (src/daemon). They start by themselves on first use and leave after 15 idle
// minutes; this command is for looking at them, starting them ahead of a timed run, and
// stopping them.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../arch/paths.js';
import {
  daemonDirectory,
  pidFile,
  readBuildId,
  socketAnswers,
  socketPath,
} from '../daemon/protocol.js';

const USAGE = `usage: ordo daemon start|status|stop
The native client (bin/ordo, built by npm run build) hands each command line to a warm
Ordo process kept by a daemon, which starts on first use and leaves after
ORDO_DAEMON_IDLE seconds (default 900) without a request.
  start   start the daemon of this build (if not running) and wait until it answers
  status  list the daemons of this installation
  stop    stop every daemon of this installation
Environment: ORDO_DAEMON=0 never uses the daemon; ORDO_DAEMON=require fails rather than
run without it; ORDO_DAEMON_DIR is the socket's directory (default $XDG_RUNTIME_DIR/ordo,
else /tmp/ordo-UID).`;

const EXIT_ERROR = 1;
const EXIT_USAGE = 2;

interface DaemonRecord {
  id: string;
  pid: number;
  root: string;
  alive: boolean;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The daemons recorded in `dir` that belong to this installation. */
function ourDaemons(dir: string): DaemonRecord[] {
  if (!existsSync(dir)) return [];
  const found: DaemonRecord[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.pid')) continue;
    try {
      const [pid, root] = readFileSync(join(dir, name), 'utf8').trim().split(' ');
      if (root !== packageRoot) continue;
      found.push({ id: name.slice(0, -4), pid: Number(pid), root, alive: isAlive(Number(pid)) });
    } catch {
      // removed while we looked
    }
  }
  return found;
}

async function start(dir: string, id: string): Promise<number> {
  const socket = socketPath(dir, id);
  if (await socketAnswers(socket)) {
    process.stdout.write(`ordo daemon: running (${socket})\n`);
    return 0;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const child = spawn(
    process.execPath,
    [join(packageRoot, 'dist', 'src', 'daemon', 'server.js'), dir, id],
    { detached: true, stdio: 'ignore', cwd: '/' },
  );
  child.unref();
  for (let waited = 0; waited < 20_000; waited += 50) {
    if (await socketAnswers(socket)) {
      process.stdout.write(`ordo daemon: started (${socket})\n`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  process.stderr.write(`ordo daemon: did not answer on ${socket} within 20 s\n`);
  return EXIT_ERROR;
}

export async function daemonCommand(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === '--help' || verb === '-help' || verb === '-h') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (rest.length > 0 || (verb !== 'start' && verb !== 'status' && verb !== 'stop')) {
    process.stderr.write(USAGE + '\n');
    return EXIT_USAGE;
  }
  const dir = daemonDirectory();
  const id = readBuildId(packageRoot);
  if (verb === 'start') {
    if (!id) {
      process.stderr.write(
        'ordo daemon: this build has no bundle (run npm run build): no daemon to start\n',
      );
      return EXIT_ERROR;
    }
    return start(dir, id);
  }
  const daemons = ourDaemons(dir);
  if (verb === 'status') {
    process.stdout.write(`directory ${dir}; this build ${id ?? '(no bundle)'}\n`);
    if (daemons.length === 0) process.stdout.write('no daemon\n');
    for (const d of daemons)
      process.stdout.write(
        `${d.id} pid ${d.pid} ${d.alive ? 'running' : 'gone'}${d.id === id ? ' (this build)' : ''}${d.alive ? ` since ${statSync(pidFile(dir, d.id)).mtime.toISOString()}` : ''}\n`,
      );
    return 0;
  }
  let stopped = 0;
  for (const d of daemons) {
    if (d.alive) {
      process.kill(d.pid, 'SIGTERM');
      stopped++;
    } else {
      rmSync(pidFile(dir, d.id), { force: true });
      rmSync(socketPath(dir, d.id), { force: true });
    }
  }
  // Gone when this command returns, so that a script may start another build's at once.
  for (let waited = 0; waited < 5_000 && daemons.some((d) => isAlive(d.pid)); waited += 20)
    await new Promise((r) => setTimeout(r, 20));
  process.stdout.write(`ordo daemon: stopped ${stopped}\n`);
  return 0;
}
