// axe-core (4.14) over the web client's main pages, signed in, with a post
// carrying a content warning, an image with alt text and a poll, a reply
// and a notification: no serious or critical violation is allowed.
// Scripts are blocked by the pages' CSP, so this context bypasses it to
// inject axe; the pages themselves never run a script.
//
// Environment: SIGN_IN_LOGIN, SIGN_IN_PASSWORD, STATUS_ID, USERNAME.
import { createRequire } from 'node:module';
import { run, shot, expect, baseUrl, required } from './lib.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

await run('accessibility of the web client', async (browser) => {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/auth/sign_in`);
  await page.getByLabel('E-mail address or username').fill(required('SIGN_IN_LOGIN'));
  await page.getByLabel('Password').fill(required('SIGN_IN_PASSWORD'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseUrl}/home`);
  const id = required('STATUS_ID');
  const pages = [
    '/home',
    '/public/local',
    `/statuses/${id}`,
    `/compose?in_reply_to=${id}`,
    '/notifications',
    `/@${required('USERNAME')}`,
    '/tags/accessible',
  ];
  const problems = [];
  for (const path of pages) {
    await page.goto(`${baseUrl}${path}`);
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    for (const v of bad) {
      problems.push(`${path}: ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }
    console.log(`${path}: ${result.violations.length} violations, ${bad.length} serious or critical`);
    await shot(page, path.replace(/[^a-z0-9]+/gi, '-'));
  }
  expect(problems.length === 0, `accessibility violations:\n${problems.join('\n')}`);
});
