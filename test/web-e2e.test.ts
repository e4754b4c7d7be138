// The playground end to end, in a real browser: the built page (web/dist, `npm run
// build:web`) served by `ordo serve`, driven headless by playwright-core in Debian's
// Chromium (/usr/bin/chromium, or $ORDO_CHROMIUM). A missing browser or build is a
// failure that says what to install, never a skipped test: .ci/run installs Chromium.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runTestText } from '../src/api/run.js';
import { formatHerdReport, formatLimitLine } from '../src/report/herd-text.js';
import { OrdoError } from '../src/diagnostics.js';
import { defaultShape, rcuCycleTest } from '../tools/rcu-family.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const built = join(root, 'web', 'dist');
const chromiumPath = process.env.ORDO_CHROMIUM ?? '/usr/bin/chromium';

// Written for this test: the classic store-buffering shape, without and with full barriers.
const SB_ONCE = `C SB+poonceonces

{}

P0(int *x, int *y)
{
	int r0;

	WRITE_ONCE(*x, 1);
	r0 = READ_ONCE(*y);
}

P1(int *x, int *y)
{
	int r0;

	WRITE_ONCE(*y, 1);
	r0 = READ_ONCE(*x);
}

exists (0:r0=0 /\\ 1:r0=0)
`;
const SB_MB = SB_ONCE.replace('SB+poonceonces', 'SB+fencembonceonces').replace(
  /(WRITE_ONCE\(\*[xy], 1\);)/g,
  '$1\n\tsmp_mb();',
);
// A call with a missing comma, on line 9.
const SB_BROKEN = SB_ONCE.replace('SB+poonceonces', 'SB+broken').replace(
  'WRITE_ONCE(*x, 1);',
  'WRITE_ONCE(*x 1);',
);

/** herd7's report without its Time line, which differs from run to run. */
function timeless(report: string): string {
  return report
    .split('\n')
    .filter((l) => !l.startsWith('Time '))
    .join('\n');
}

function cliReport(name: string, text: string): string {
  return timeless(formatHerdReport(runTestText(name, text)));
}

function cliError(name: string, text: string): string {
  try {
    runTestText(name, text);
  } catch (err) {
    if (err instanceof OrdoError) return err.format();
    throw err;
  }
  throw new Error(`${name} has no error`);
}

/** `ordo serve --port 0`, and the address it prints. */
async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(root, 'bin', 'ordo.js'), 'serve', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((done, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/\S+\//.exec(out);
      if (m) done(m[0]);
    });
    child.once('exit', (code) => fail(new Error(`ordo serve exited (${code}): ${err}`)));
  });
  return { child, url };
}

async function setTest(page: Page, text: string): Promise<void> {
  await page.click('#tab-test');
  await page.locator('#test-editor .cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** Click Run and wait for the run to end; the status line it ends with. */
async function run(page: Page): Promise<string> {
  await page.click('#run');
  await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('#run')!.disabled);
  return (await page.textContent('#status')) ?? '';
}

describe('the playground in Chromium', () => {
  let server: { child: ChildProcess; url: string };
  let browser: Browser;
  let page: Page;

  before(async () => {
    assert.ok(
      existsSync(join(built, 'index.html')),
      `no built playground in ${built}: run npm run build:web (npm test does)`,
    );
    assert.ok(
      existsSync(chromiumPath),
      `Chromium not found at ${chromiumPath}: install it (apt-get install -y chromium; .ci/run does) or set ORDO_CHROMIUM`,
    );
    server = await startServer();
    browser = await chromium.launch({
      executablePath: chromiumPath,
      // As root in CI, without the sandbox; no background traffic on a closed network.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (e) => assert.fail(`error in the page: ${e.message}`));
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready=true]', { timeout: 20_000 });
  });

  after(async () => {
    await browser?.close();
    server?.child.kill();
  });

  test('the page bundles no Node built-in', () => {
    const assets = join(built, 'assets');
    for (const f of readdirSync(assets).filter((n) => n.endsWith('.js'))) {
      const code = readFileSync(join(assets, f), 'utf8');
      assert.ok(!code.includes('__vite-browser-external'), `${f} refers to a Node built-in`);
      assert.doesNotMatch(code, /from\s*["']node:/, `${f} imports a Node built-in`);
    }
  });

  test('SB+poonceonces: Sometimes, the report is the command line`s, states with witness counts', async () => {
    await setTest(page, SB_ONCE);
    assert.match(await run(page), /^Sometimes/);
    const report = (await page.textContent('#report')) ?? '';
    assert.equal(timeless(report), cliReport('SB+poonceonces.litmus', SB_ONCE));
    const rows = await page.$$eval('#states tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    assert.deepEqual(rows, [
      ['0:r0=0; 1:r0=0;', '1', 'holds'],
      ['0:r0=0; 1:r0=1;', '1', ''],
      ['0:r0=1; 1:r0=0;', '1', ''],
      ['0:r0=1; 1:r0=1;', '1', ''],
    ]);
  });

  test('the witness graph is drawn, and another execution one click away', async () => {
    // The witness: both reads see the initial value.
    await page.waitForSelector('#graph svg');
    const witness = (await page.textContent('#graph svg')) ?? '';
    assert.match(witness, /R\[once\] y=0/);
    assert.match(witness, /R\[once\] x=0/);
    const buttons = page.locator('#graph-list button');
    assert.equal(await buttons.count(), 4);
    await buttons.nth(3).click();
    await page.waitForFunction(() =>
      /R\[once\] y=1/.test(document.querySelector('#graph svg')?.textContent ?? ''),
    );
    assert.match((await page.textContent('#graph svg')) ?? '', /R\[once\] x=1/);
  });

  test('SB+fencembonceonces: Never, and the explanation highlights the cycle', async () => {
    await setTest(page, SB_MB);
    assert.match(await run(page), /^Never/);
    const report = (await page.textContent('#report')) ?? '';
    assert.equal(timeless(report), cliReport('SB+fencembonceonces.litmus', SB_MB));
    await page.click('#explain');
    await page.waitForSelector('#explain-graph svg');
    const text = (await page.textContent('#explanation')) ?? '';
    assert.match(text, /^Explain SB\+fencembonceonces: exists \(0:r0=0 \/\\ 1:r0=0\)/);
    assert.match(text, /Forbidden: 1 candidate execution gives this outcome/);
    assert.match(text, /rejected by \S+ \(acyclic\): a cycle of \d+ edges/);
    // The cycle's edges are drawn thick and crimson.
    const crimson = await page.$$eval(
      '#explain-graph svg g.edge path[stroke="crimson"]',
      (paths) => paths.length,
    );
    assert.ok(crimson >= 2, `expected the cycle highlighted, found ${crimson} crimson edges`);
  });

  test('Cancel stops a long run at once and the page stays responsive', async () => {
    // The 16-process member of the RCU scaling family: far more than seconds of work.
    await setTest(page, rcuCycleTest(defaultShape(16)));
    await page.fill('#timeout', '0');
    await page.click('#run');
    await page.waitForFunction(() =>
      /^Running/.test(document.querySelector('#status')!.textContent!),
    );
    await page.waitForTimeout(1000);
    // The page answers while Ordo works in its worker: the status clock keeps ticking.
    const before = Date.now();
    await page.click('#tab-custom');
    await page.click('#tab-test');
    assert.ok(Date.now() - before < 1000, 'the page did not answer within a second');
    assert.equal(await page.isDisabled('#run'), true, 'the run ended by itself: not a long run');
    const cancelled = Date.now();
    await page.click('#cancel');
    await page.waitForFunction(
      () => document.querySelector('#status')!.textContent === 'Cancelled.',
      null,
      {
        timeout: 1000,
      },
    );
    assert.ok(Date.now() - cancelled < 1000);
    assert.equal(await page.isDisabled('#run'), false);
    await page.fill('#timeout', '60');
    // A fresh worker runs the next test.
    await setTest(page, SB_ONCE);
    assert.match(await run(page), /^Sometimes/);
  });

  test('a share link reproduces the run', async () => {
    await setTest(page, SB_MB);
    await run(page);
    const expected = timeless((await page.textContent('#report')) ?? '');
    await page.click('#share');
    const link = page.url();
    assert.match(link, /#.*test=/);
    const other = await browser.newPage();
    try {
      await other.goto(link);
      await other.waitForFunction(
        () => /^Never/.test(document.querySelector('#status')?.textContent ?? ''),
        null,
        {
          timeout: 20_000,
        },
      );
      assert.equal(timeless((await other.textContent('#report')) ?? ''), expected);
    } finally {
      await other.close();
    }
  });

  test('a syntax error is shown as the command line shows it, at its line', async () => {
    await setTest(page, SB_BROKEN);
    assert.equal(await run(page), 'Error.');
    const message = cliError('SB+broken.litmus', SB_BROKEN);
    assert.match(message, /^SB\+broken\.litmus:9:\d+: /);
    assert.equal(await page.textContent('#error'), message);
    assert.equal(await page.textContent('#test-editor .ordo-error-message'), message);
    const markedLine = await page.$$eval('#test-editor .cm-line', (lines) =>
      lines.findIndex((l) => l.classList.contains('ordo-error-line')),
    );
    assert.equal(markedLine + 1, 9);
  });

  test('a limit stops a run as on the command line: the Limit line, no verdict', async () => {
    await setTest(page, SB_ONCE);
    await page.fill('#max-executions', '2');
    try {
      assert.match(await run(page), /^Stopped by a limit/);
      const expected = formatLimitLine(
        runTestText('SB+poonceonces.litmus', SB_ONCE, { maxExecutions: 2 }),
      );
      assert.equal(await page.textContent('#report'), expected);
    } finally {
      await page.fill('#max-executions', '0');
    }
  });

  test('a custom model from the second tab', async () => {
    // Sequential consistency forbids store buffering.
    await page.selectOption('#model', 'custom');
    await setTest(page, SB_ONCE);
    assert.match(await run(page), /^Never/, (await page.textContent('#error')) ?? '');
    assert.match(
      (await page.textContent('#report')) ?? '',
      /Observation SB\+poonceonces Never 0 3/,
    );
    await page.selectOption('#model', 'own');
  });
});
