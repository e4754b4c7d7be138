// Screenshots of the playground for the README (docs/playground-*.png): the built page
// served by `ordo serve`, in headless Chromium driven by playwright-core, as the
// end-to-end tests drive it.
//
//   npm run build:web && node dist/tools/web-screenshots.js [OUT_DIR]   (default docs/)

import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = resolve(process.argv[2] ?? join(root, 'docs'));
const gallery = (name: string) => readFileSync(join(root, 'web', 'gallery', name), 'utf8');

async function setTest(page: Page, text: string): Promise<void> {
  await page.locator('#test-editor .cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

async function runAndWait(page: Page, button: string): Promise<void> {
  await page.click(button);
  await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('#run')!.disabled);
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const server = spawn(process.execPath, [join(root, 'bin', 'ordo.js'), 'serve', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((done) => {
    let text = '';
    server.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /http:\/\/\S+\//.exec(text);
      if (m) done(m[0]);
    });
  });
  const browser = await chromium.launch({
    executablePath: process.env.ORDO_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.waitForSelector('body[data-ready=true]');
    await setTest(page, gallery('MP.litmus'));
    await runAndWait(page, '#run');
    await page.waitForSelector('#graph svg');
    await page.screenshot({ path: join(out, 'playground-witness.png') });
    await setTest(page, gallery('MP+release+acquire.litmus'));
    await runAndWait(page, '#run');
    await runAndWait(page, '#explain');
    await page.waitForSelector('#explain-graph svg');
    await page.locator('#explanation').scrollIntoViewIfNeeded();
    const right = page.locator('#right');
    await right.screenshot({ path: join(out, 'playground-explanation.png') });
    process.stdout.write(`wrote ${out}/playground-witness.png, playground-explanation.png\n`);
  } finally {
    await browser.close();
    server.kill();
  }
}

await main();
