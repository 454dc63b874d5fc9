// Shared helpers for the browser flows: start Debian's Chromium headless
// through playwright-core, keep a screenshot of each step, fail loudly.
//
// Environment (set by tests/e2e/browser.rs):
//   BASE_URL       the instance, e.g. http://127.0.0.1:40123
//   ARTIFACTS_DIR  where screenshots go (kept by CI as test artifacts)
//   CHROMIUM_PATH  the browser (default /usr/bin/chromium)
//   plus whatever the flow needs (e-mail sink directory, users, ...).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const baseUrl = required('BASE_URL').replace(/\/$/, '');
const artifacts = process.env.ARTIFACTS_DIR || 'browser-artifacts';
mkdirSync(artifacts, { recursive: true });

export function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

let step = 0;

/** Saves a full-page screenshot named after the step. */
export async function shot(page, name) {
  step += 1;
  const file = join(artifacts, `${String(step).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot ${file}`);
}

/** Throws unless `condition` holds. */
export function expect(condition, message) {
  if (!condition) throw new Error(`expectation failed: ${message}`);
}

/**
 * Runs `flow(browser)` in a fresh headless Chromium and exits non-zero on
 * any failure, with a screenshot of every open page at that moment.
 */
export async function run(name, flow) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  try {
    await flow(browser);
    console.log(`PASS ${name}`);
  } catch (error) {
    console.error(`FAIL ${name}: ${error.stack || error}`);
    for (const context of browser.contexts()) {
      for (const page of context.pages()) {
        try {
          await shot(page, 'failure');
          console.error(`at ${page.url()}`);
        } catch (_) { /* the page may be gone */ }
      }
    }
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}
