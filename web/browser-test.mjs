// GraphiQL in a real browser (Debian's chromium, headless) with every host but this machine unreachable:
// `node browser-test.mjs [SCREENSHOT.png]`, against `aisettings serve --demo` at AISETTINGS_URL, whose
// printed token is AISETTINGS_TOKEN (.ci/with-demo-server sets both). The page must render with the token in its headers editor, run a typed query and show its
// result, without a single request to another host or an error in the console. Exits 1 on any failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, LOCAL_HOSTS } from './chromium.mjs';

const [screenshot] = process.argv.slice(2);
const { AISETTINGS_URL: url, AISETTINGS_TOKEN: token } = process.env;
if (!url || !token) {
  console.error('usage: AISETTINGS_URL=... AISETTINGS_TOKEN=... node browser-test.mjs [SCREENSHOT.png]');
  process.exit(2);
}

const QUERY = 'query Viewer { viewer { login organizations { nodes { slug name } } } }';
// What the demo organization's owner sees (app/demo.py).
const EXPECTED = ['"login": "demo-owner"', '"slug": "demo"', '"name": "Demo Inc."'];

const failures = [];
const requests = [];
const profile = mkdtempSync(join(tmpdir(), 'aisettings-chromium-'));
// A persistent context over a new, empty profile: nothing from an earlier run (stored tabs or headers).
const browser = await chromium.launchPersistentContext(profile, { ...CHROMIUM, viewport: { width: 1400, height: 900 } });

const page = await browser.newPage();
try {
  page.on('request', (request) => {
    requests.push(request.url());
    const { protocol, hostname } = new URL(request.url());
    if (protocol !== 'data:' && !LOCAL_HOSTS.has(hostname)) {
      failures.push(`request to another host: ${request.url()}`);
    }
  });
  page.on('requestfailed', (request) => failures.push(`failed: ${request.url()} (${request.failure()?.errorText})`));
  page.on('response', (response) => {
    if (response.status() >= 400) failures.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') failures.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => failures.push(`page error: ${error.message}`));

  const started = performance.now();
  await page.goto(url, { waitUntil: 'load' });
  const queryEditor = page.locator('.graphiql-query-editor .CodeMirror');
  await queryEditor.waitFor({ state: 'visible', timeout: 15_000 });
  const rendered = performance.now() - started;

  const tab = await page.locator('.graphiql-editor-tools button.active').innerText();
  const headers = await editorText(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');
  if (tab !== 'Headers' || !headers.includes(`"Bearer ${token}"`)) {
    failures.push(`the open editor tool, ${tab}, holds ${JSON.stringify(headers)}`);
  }

  // The panes that read the schema (introspection, with the token) render under the page's CSP too.
  await page.getByLabel('Show Documentation Explorer').click();
  const docs = page.locator('.graphiql-doc-explorer');
  await docs.getByRole('link', { name: 'Query', exact: true }).click({ timeout: 10_000 });
  await docs.getByText('Who is asking.').waitFor();
  await page.getByLabel('Show GraphiQL Explorer').click();
  await page.locator('.graphiql-explorer-root').getByText('viewer').first().waitFor({ timeout: 10_000 });

  await queryEditor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(QUERY);
  await page.keyboard.press('Shift+Control+P'); // Prettify: a readable screenshot
  await page.keyboard.press('Escape'); // closes the completion list that prettifying opens
  const typed = await editorText(page, '.graphiql-query-editor .CodeMirror');
  if (typed.replace(/\s+/g, ' ').trim() !== QUERY) failures.push(`the query editor holds ${JSON.stringify(typed)}`);

  const answered = page.waitForResponse((response) => response.request().method() === 'POST');
  await page.locator('.graphiql-execute-button').click();
  await answered;
  const result = page.locator('.result-window');
  await result.getByText('Demo Inc.').waitFor({ timeout: 10_000 });
  const shown = await editorText(page, '.result-window .CodeMirror');
  for (const expected of EXPECTED) {
    if (!shown.includes(expected)) failures.push(`the result pane lacks ${expected}: ${shown}`);
  }

  const [navigation] = await page.evaluate(() => performance.getEntriesByType('navigation').map((e) => e.toJSON()));
  const assets = await page.evaluate(() =>
    performance.getEntriesByType('resource').reduce((bytes, entry) => bytes + entry.encodedBodySize, 0),
  );
  console.log(
    `page loaded in ${Math.round(navigation.loadEventEnd)} ms, GraphiQL rendered in ${Math.round(rendered)} ms; ` +
      `${requests.length} requests, all to this machine, ${(assets / 1e6).toFixed(2)} MB of files and answers; ` +
      `the result pane: ${shown.replace(/\s+/g, ' ')}`,
  );
} catch (error) {
  failures.push(`${error}`);
} finally {
  if (screenshot) await page.screenshot({ path: screenshot });
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}

for (const failure of failures) console.log(`FAIL ${failure}`);
console.log(failures.length ? `${failures.length} failures` : 'ok');
process.exit(failures.length ? 1 : 0);

// The text of a CodeMirror 5 editor (GraphiQL 3's), whole, not only the lines on screen.
async function editorText(page, selector) {
  return page.locator(selector).first().evaluate((element) => element.CodeMirror.getValue());
}
