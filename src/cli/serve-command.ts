// `ordo serve [--port N] [--host ADDR]`: serve the playground (web/dist, built by
// `npm run build:web`) over plain HTTP. The page does all the work in the browser, so
// this is a static file server: GET and HEAD only, nothing outside the folder, on the
// loopback interface unless another address is asked for.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { packageRoot } from '../arch/paths.js';

const USAGE = `usage: ordo serve [--port N] [--host ADDR] [--dir DIR]
Serves Ordo's playground (built by npm run build:web) at http://ADDR:N/.
  --port N     port to listen on (default 8080; 0: any free port)
  --host ADDR  address to listen on (default 127.0.0.1, loopback only)
  --dir DIR    serve this folder instead of the built playground (web/dist)`;

const EXIT_ERROR = 1;
const EXIT_USAGE = 2;

/** The built playground, beside the package's other folders. */
export const PLAYGROUND_DIR = join(packageRoot, 'web', 'dist');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.litmus': 'text/plain; charset=utf-8',
};

/**
 * The page runs no code it did not ship: no eval, no inline scripts, no other origins
 * (WebAssembly compilation is allowed for Graphviz). The page carries the same policy
 * in a meta tag, for static hosts that send none.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; worker-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

interface ServeOptions {
  port: number;
  host: string;
  dir: string;
}

function parseServeArgs(args: string[]): ServeOptions | string {
  const opts: ServeOptions = { port: 8080, host: '127.0.0.1', dir: PLAYGROUND_DIR };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = args[i + 1];
    if (a === '--help' || a === '-help' || a === '-h') return USAGE;
    if (value === undefined) return `${a}: needs a value, or is not an option of ordo serve`;
    if (a === '--port' || a === '-port') {
      const port = Number(value);
      if (!/^\d+$/.test(value) || port > 65535) return `--port: not a port number: ${value}`;
      opts.port = port;
    } else if (a === '--host' || a === '-host') opts.host = value;
    else if (a === '--dir' || a === '-dir') opts.dir = resolve(value);
    else return `unknown option ${a}`;
    i++;
  }
  return opts;
}

/** The file a request path names inside `root`, or null when it would leave it. */
export function fileForRequest(root: string, url: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url, 'http://host').pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const file = resolve(root, '.' + path);
  if (file !== root && !file.startsWith(root + sep)) return null;
  return file;
}

async function respond(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
    res.end('method not allowed\n');
    return;
  }
  let file = fileForRequest(root, req.url ?? '/');
  if (file !== null) {
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Length': body.length,
        // Built assets carry a content hash in their names; the page itself must be fresh.
        'Cache-Control': file.includes(`${sep}assets${sep}`)
          ? 'max-age=31536000, immutable'
          : 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    } catch {
      // not found: below
    }
  }
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('not found\n');
}

export async function serveCommand(args: string[]): Promise<number> {
  const parsed = parseServeArgs(args);
  if (typeof parsed === 'string') {
    const isHelp = parsed === USAGE;
    (isHelp ? process.stdout : process.stderr).write(
      isHelp ? `${USAGE}\n` : `ordo serve: ${parsed}\n${USAGE}\n`,
    );
    return isHelp ? 0 : EXIT_USAGE;
  }
  try {
    await stat(join(parsed.dir, 'index.html'));
  } catch {
    process.stderr.write(
      `ordo serve: no playground in ${parsed.dir} (build it with: npm run build:web)\n`,
    );
    return EXIT_ERROR;
  }
  const server = createServer((req, res) => {
    respond(parsed.dir, req, res).catch(() => res.destroy());
  });
  return new Promise((done) => {
    server.once('error', (err) => {
      process.stderr.write(
        `ordo serve: cannot listen on ${parsed.host}:${parsed.port}: ${err.message}\n`,
      );
      done(EXIT_ERROR);
    });
    server.listen(parsed.port, parsed.host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : parsed.port;
      const host = parsed.host.includes(':') ? `[${parsed.host}]` : parsed.host;
      process.stdout.write(`Serving Ordo's playground at http://${host}:${port}/ (Ctrl-C stops)\n`);
      const stop = () => {
        server.close(() => done(0));
        server.closeAllConnections();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  });
}
