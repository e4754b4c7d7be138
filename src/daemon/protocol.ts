// What the native client (native/ordo-client.c) and the warm processes (server.ts,
// runner.ts) say to each other over the daemon's Unix socket, and where that socket is.
//
// Every message is a frame: one kind byte, the payload's length as 4 bytes little-endian,
// the payload. The client sends one `request` frame; the runner answers with `direct`
// (nothing was run: run the command the ordinary way), or with `pid`, then any number of
// `stdout`/`stderr` frames in the order they were written, then `exit`.

import { readFileSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { getuid } from 'node:process';

export const FRAME_REQUEST = 0x51; // 'Q'
export const FRAME_PID = 0x50; // 'P'
export const FRAME_STDOUT = 0x4f; // 'O'
export const FRAME_STDERR = 0x45; // 'E'
export const FRAME_EXIT = 0x58; // 'X'
export const FRAME_DIRECT = 0x46; // 'F'

/** Bumped when the request's layout changes; a client of another version is sent `direct`. */
export const PROTOCOL_VERSION = '1';

const HEADER = 5;

export function encodeFrame(kind: number, payload: string | Uint8Array): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const frame = Buffer.allocUnsafe(HEADER + body.length);
  frame[0] = kind;
  frame.writeUInt32LE(body.length, 1);
  frame.set(body, HEADER);
  return frame;
}

export interface Frame {
  kind: number;
  payload: Buffer;
}

/** Splits a byte stream into frames, whatever the chunks it arrives in. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Frame[] = [];
    let at = 0;
    while (this.pending.length - at >= HEADER) {
      const length = this.pending.readUInt32LE(at + 1);
      if (this.pending.length - at - HEADER < length) break;
      frames.push({
        kind: this.pending[at]!,
        payload: this.pending.subarray(at + HEADER, at + HEADER + length),
      });
      at += HEADER + length;
    }
    this.pending = this.pending.subarray(at);
    return frames;
  }
}

/** One command line, as the client saw it. */
export interface DaemonRequest {
  version: string;
  cwd: string;
  /** isatty of the client's stdin, stdout and stderr. */
  isTTY: [boolean, boolean, boolean];
  /** The terminal's width (0 when stderr is not a terminal). */
  columns: number;
  /** The client's file-creation mask (graph files are created with it). */
  umask: number;
  /** The client's process id: a run whose client is gone is stopped (server.ts). */
  clientPid: number;
  args: string[];
  env: Record<string, string>;
}

/**
 * The request payload is NUL-terminated strings: protocol version, current directory,
 * three '0'/'1' for isatty(0..2), terminal columns, umask in octal, the client's
 * process id, the argument count, the arguments, then every environment entry NAME=VALUE. Undefined when it is not that
 * shape.
 */
const FIXED = 7;

export function parseRequest(payload: Buffer): DaemonRequest | undefined {
  const parts = payload.toString('utf8').split('\0');
  if (parts.pop() !== '') return undefined;
  const [version, cwd, tty, columns, umask, pid, count] = parts;
  if (version !== PROTOCOL_VERSION || cwd === undefined || !/^[01]{3}$/.test(tty ?? ''))
    return undefined;
  if (!/^[0-7]{1,4}$/.test(umask ?? '') || !/^[1-9][0-9]*$/.test(pid ?? '')) return undefined;
  const argc = Number(count);
  if (!Number.isInteger(argc) || argc < 0 || FIXED + argc > parts.length) return undefined;
  const env: Record<string, string> = {};
  for (const entry of parts.slice(FIXED + argc)) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return {
    version,
    cwd,
    isTTY: [tty![0] === '1', tty![1] === '1', tty![2] === '1'],
    columns: Number(columns) || 0,
    umask: parseInt(umask!, 8),
    clientPid: Number(pid),
    args: parts.slice(FIXED, FIXED + argc),
    env,
  };
}

/** The directory of the daemon's socket (the client computes the same). */
export function daemonDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ORDO_DAEMON_DIR) return env.ORDO_DAEMON_DIR;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'ordo');
  return `/tmp/ordo-${getuid?.() ?? 0}`;
}

/** The file beside the bundle that names this build (tools/bundle-cli.ts writes it). */
export function buildIdFile(root: string): string {
  return join(root, 'dist', 'src', 'cli', 'main.bundle.id');
}

/** This build's identity, or undefined when there is no bundle or it is stale (see the client). */
export function readBuildId(root: string): string | undefined {
  try {
    const file = buildIdFile(root);
    if (statSync(join(root, 'dist', 'src', 'cli', 'main.js')).mtimeMs > statSync(file).mtimeMs)
      return undefined;
    const id = readFileSync(file, 'utf8').trim();
    return /^[0-9a-f]+$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

export function socketPath(dir: string, id: string): string {
  return join(dir, `${id}.sock`);
}

/** `PID ROOT` of the daemon serving build `id`. */
export function pidFile(dir: string, id: string): string {
  return join(dir, `${id}.pid`);
}

/** Whether a daemon answers on `socket` (a connection is accepted, then closed unused). */
export function socketAnswers(socket: string): Promise<boolean> {
  return new Promise((done) => {
    const probe = createConnection(socket);
    probe.on('connect', () => {
      probe.destroy();
      done(true);
    });
    probe.on('error', () => done(false));
  });
}
