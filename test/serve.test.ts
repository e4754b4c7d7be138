// `ordo serve`: a static server of the built playground, confined to its folder.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileForRequest } from '../src/cli/serve-command.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ordo = join(root, 'bin', 'ordo.js');

test('request paths map into the folder and never out of it', () => {
  const dir = '/srv/site';
  assert.equal(fileForRequest(dir, '/'), '/srv/site');
  assert.equal(fileForRequest(dir, '/assets/a.js?x=1'), '/srv/site/assets/a.js');
  assert.equal(fileForRequest(dir, '/a%20b.txt'), '/srv/site/a b.txt');
  // Dot segments are resolved by URL parsing, escaped ones by the folder check.
  assert.equal(fileForRequest(dir, '/../../etc/passwd'), '/srv/site/etc/passwd');
  assert.equal(fileForRequest(dir, '/..%2f..%2fetc%2fpasswd'), null);
  assert.equal(fileForRequest(dir, '/%2e%2e%2f%2e%2e%2fetc'), null);
  assert.equal(fileForRequest(dir, '/x%00'), null);
  assert.equal(fileForRequest(dir, '/%zz'), null);
});

test('a folder without a built page is refused, naming the build command', () => {
  const empty = mkdtempSync(join(tmpdir(), 'ordo-serve-'));
  try {
    const r = spawnSync(process.execPath, [ordo, 'serve', '--dir', empty], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no playground in .*npm run build:web/);
    const bad = spawnSync(process.execPath, [ordo, 'serve', '--port', 'eighty'], {
      encoding: 'utf8',
    });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--port: not a port number: eighty/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

function get(
  url: string,
  path: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((done, fail) => {
    const req = request(new URL(url), { path, method }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('serves the folder on loopback, GET and HEAD only, with a policy against eval', async () => {
  const site = mkdtempSync(join(tmpdir(), 'ordo-serve-'));
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>t</title>');
  const child = spawn(process.execPath, [ordo, 'serve', '--port', '0', '--dir', site], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((done, fail) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
        if (m) done(m[0]);
      });
      child.once('exit', (code) => fail(new Error(`ordo serve exited with ${code}`)));
    });
    const page = await get(url, '/');
    assert.equal(page.status, 200);
    assert.equal(page.body, '<!doctype html><title>t</title>');
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(
      String(page.headers['content-security-policy']),
      /script-src 'self' 'wasm-unsafe-eval'/,
    );
    assert.equal((await get(url, '/missing.js')).status, 404);
    assert.equal((await get(url, '/..%2f..%2fetc%2fpasswd')).status, 404);
    assert.equal((await get(url, '/', 'POST')).status, 405);
  } finally {
    child.kill();
    rmSync(site, { recursive: true, force: true });
  }
});
