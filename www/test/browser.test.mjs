// End-to-end tests in headless Chromium (Debian's /usr/bin/chromium, driven
// by playwright-core; no browser download): the demo page with no bundler,
// and a small page built with Vite. Every test fails if the page requests
// anything outside 127.0.0.1. Screenshots go to test-output/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = join(ROOT, 'test-output');
mkdirSync(OUT, { recursive: true });

let context;
let server;
let viteServer;
let base;
let viteBase;
const outside = [];
const profile = mkdtempSync(join(tmpdir(), 'trialsieve-chromium-'));
const viteOut = mkdtempSync(join(tmpdir(), 'trialsieve-vite-'));

before(async () => {
  server = await serve({ root: ROOT, port: 0 });
  base = `http://127.0.0.1:${server.address().port}`;
  const vite = spawnSync(join(ROOT, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn', '--outDir', viteOut, '--emptyOutDir'], {
    cwd: join(ROOT, 'pkg/test/vite-app'),
    encoding: 'utf8',
  });
  assert.equal(vite.status, 0, `vite build failed:\n${vite.stdout}\n${vite.stderr}`);
  viteServer = await serve({ root: viteOut, port: 0, index: '/index.html' });
  viteBase = `http://127.0.0.1:${viteServer.address().port}`;
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.on('request', (req) => {
    const url = req.url();
    if (!/^http:\/\/127\.0\.0\.1(:\d+)?\//.test(url) && !url.startsWith('data:') && !url.startsWith('blob:')) outside.push(url);
  });
});

after(async () => {
  await context?.close();
  server?.close();
  viteServer?.close();
  rmSync(profile, { recursive: true, force: true });
  rmSync(viteOut, { recursive: true, force: true });
  assert.deepEqual(outside, [], 'requests outside 127.0.0.1');
});

async function openPage(url) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}

test('the demo page checks a bundled trial against a patient, with no bundler', async () => {
  const { page, errors } = await openPage(`${base}/www/`);
  await page.waitForSelector('#check:not([disabled])');
  await page.selectOption('#sample', '001_b9cf3ad41ca6d1e4.txt');
  await page.fill('#patient', JSON.stringify({ age: 12, sex: 'female' }));
  await page.click('#check');
  await page.waitForSelector('#verdict[data-verdict]');
  const verdict = await page.getAttribute('#verdict', 'data-verdict');
  assert.equal(verdict, 'ineligible', 'a 12-year-old against an adults-only trial');
  assert.ok((await page.locator('#criteria li[data-status="fail"]').count()) >= 1);
  await page.screenshot({ path: join(OUT, 'demo-desktop.png'), fullPage: true });
  assert.deepEqual(errors, []);
  assert.deepEqual(outside, []);
  await page.close();
});

test('the package works in a page built with Vite', async () => {
  const { page, errors } = await openPage(`${viteBase}/index.html`);
  await page.waitForFunction(() => document.getElementById('out').textContent.startsWith('verdict'));
  assert.equal(await page.textContent('#out'), 'verdict: ineligible');
  assert.deepEqual(errors, []);
  assert.deepEqual(outside, []);
  await page.close();
});
