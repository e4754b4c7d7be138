// A warm process: started by the daemon (server.ts), it loads the command line, runs a
// warm-up test, and then answers the requests the daemon hands it, one at a time, each on
// the client's own socket: the command line runs here, in the client's directory and
// environment, and what it writes goes back as frames (protocol.ts).
//
// A process serves many requests, so whatever a run leaves behind must not change the
// next run's answer: the pipeline keeps no state between runs beyond caches that check
// their files (as batch workers already rely on), and everything that differs per
// request (directory, environment, the terminal) is set from the request.

import { Writable } from 'node:stream';
import { type Socket } from 'node:net';
import {
  FRAME_DIRECT,
  FRAME_EXIT,
  FRAME_PID,
  FRAME_REQUEST,
  FRAME_STDERR,
  FRAME_STDOUT,
  FrameReader,
  encodeFrame,
  parseRequest,
  type DaemonRequest,
} from './protocol.js';

interface CommandLine {
  main(args: string[]): Promise<number>;
  runsInWarmProcess(args: string[]): boolean;
  warmUp(): number;
}

/** After a request that left the process this big, it retires: the next one starts fresh. */
const RETIRE_RESIDENT_BYTES = 768 * 1024 * 1024;
const EXIT_INTERNAL = 4;

/** The command line's stdout or stderr while a request runs: frames on the client's socket. */
class ClientOutput extends Writable {
  socket: Socket | undefined;
  isTTY = false;
  columns = 0;

  constructor(private readonly kind: number) {
    super({ decodeStrings: true });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error) => void): void {
    // Between requests (the warm-up) there is no one to tell.
    if (this.socket && !this.socket.destroyed) this.socket.write(encodeFrame(this.kind, chunk));
    done();
  }
}

const stdout = new ClientOutput(FRAME_STDOUT);
const stderr = new ClientOutput(FRAME_STDERR);
Object.defineProperty(process, 'stdout', { configurable: true, get: () => stdout });
Object.defineProperty(process, 'stderr', { configurable: true, get: () => stderr });

function useEnvironment(env: Record<string, string>): void {
  for (const name of Object.keys(process.env))
    if (!Object.hasOwn(env, name)) delete process.env[name];
  Object.assign(process.env, env);
}

let current: Socket | undefined;

async function answer(cli: CommandLine, socket: Socket, request: DaemonRequest | undefined) {
  if (!request || !cli.runsInWarmProcess(request.args)) return direct(socket);
  try {
    process.chdir(request.cwd);
  } catch {
    return direct(socket);
  }
  useEnvironment(request.env);
  process.umask(request.umask);
  // The daemon stops this process if the client dies while the test runs (see server.ts).
  process.send?.({ type: 'running', clientPid: request.clientPid });
  current = socket;
  socket.write(encodeFrame(FRAME_PID, String(process.pid)));
  stdout.socket = stderr.socket = socket;
  stdout.isTTY = request.isTTY[1];
  stderr.isTTY = request.isTTY[2];
  stdout.columns = stderr.columns = request.columns;
  let status: number;
  try {
    status = await cli.main(request.args);
  } catch (err) {
    process.stderr.write(`ordo: internal error: ${(err as Error).message}\n`);
    status = EXIT_INTERNAL;
  }
  stdout.socket = stderr.socket = undefined;
  current = undefined;
  socket.end(encodeFrame(FRAME_EXIT, String(status)), () => finished());
}

function direct(socket: Socket): void {
  socket.end(encodeFrame(FRAME_DIRECT, ''), () => finished());
}

/** Tell the daemon this process is free again, or retire. */
function finished(): void {
  if (process.memoryUsage.rss() > RETIRE_RESIDENT_BYTES) process.exit(0);
  process.send?.({ type: 'idle' });
}

function serve(cli: CommandLine, socket: Socket): void {
  const reader = new FrameReader();
  let answered = false;
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    // The client went away before its request was complete: free again.
    if (!answered) finished();
  });
  socket.on('data', (chunk: Buffer) => {
    if (answered) return;
    const request = reader.push(chunk).find((f) => f.kind === FRAME_REQUEST);
    if (!request) return;
    answered = true;
    void answer(cli, socket, parseRequest(request.payload));
  });
  socket.resume();
}

// A failure outside the command line's own error handling: report it to the client whose
// request was running, then leave (the daemon starts a fresh process).
process.on('uncaughtException', (err) => {
  const socket = current;
  if (socket && !socket.destroyed) {
    socket.write(encodeFrame(FRAME_STDERR, `ordo: internal error: ${err.message}\n`));
    socket.end(encodeFrame(FRAME_EXIT, String(EXIT_INTERNAL)), () => process.exit(1));
  } else process.exit(1);
});

// The bundle, always: the daemon serves only a build whose id is current, and the id is
// written just after the bundle (tools/bundle-cli.ts), so the bundle is the code that
// bin/ordo.js would load for that build.
const cli = (await import(new URL('../cli/main.bundle.js', import.meta.url).href)) as CommandLine;
cli.warmUp();
process.on('message', (message: { type?: string }, handle?: unknown) => {
  if (message.type === 'request' && handle) serve(cli, handle as Socket);
});
// The daemon is gone: so is the reason to wait.
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
