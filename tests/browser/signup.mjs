// Sign up in Chromium, confirm the address through the e-mailed link,
// sign in, and authorize an application that the test registered through
// the API; the app's redirect carries a code the test exchanges.
//
// Environment: SIGN_UP_USERNAME, SIGN_UP_EMAIL, SIGN_UP_PASSWORD;
// LINK_FILE (the test writes the confirmation link there once the e-mail
// arrives); AUTHORIZE_PATH (/oauth/authorize?... for the app);
// REDIRECT_PREFIX (the app's redirect URI); CODE_FILE (where this flow
// writes the redirect URL it reached).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { run, shot, expect, baseUrl, required } from './lib.mjs';

async function waitForFile(path, seconds) {
  for (let i = 0; i < seconds * 10; i += 1) {
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8').trim();
      if (text) return text;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing in ${path} after ${seconds} s`);
}

await run('sign up, confirm, sign in, authorize', async (browser) => {
  const username = required('SIGN_UP_USERNAME');
  const email = required('SIGN_UP_EMAIL');
  const password = required('SIGN_UP_PASSWORD');
  const redirectPrefix = required('REDIRECT_PREFIX');
  const context = await browser.newContext();
  // The app's callback lives nowhere: answer it here so the URL can be read.
  await context.route(`${redirectPrefix}**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>App callback</h1>' }));
  const page = await context.newPage();

  await page.goto(`${baseUrl}/auth/sign_up`);
  await shot(page, 'sign-up-form');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password').fill(password);
  const rules = page.getByRole('checkbox');
  for (let i = 0; i < await rules.count(); i += 1) await rules.nth(i).check();
  await shot(page, 'sign-up-filled');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForLoadState();
  expect(await page.getByRole('heading', { name: 'Check your e-mail' }).isVisible(), 'the check-your-e-mail page');
  await shot(page, 'check-your-email');

  const link = await waitForFile(required('LINK_FILE'), 20);
  expect(link.startsWith(baseUrl), `the link points here: ${link}`);
  await page.goto(link);
  expect(await page.getByRole('heading', { name: 'E-mail address confirmed' }).isVisible(), 'confirmed');
  await shot(page, 'confirmed');

  // Opening the app's authorize URL asks to sign in first, then comes back.
  await page.goto(`${baseUrl}${required('AUTHORIZE_PATH')}`);
  expect(page.url().includes('/auth/sign_in'), `sent to sign in: ${page.url()}`);
  await shot(page, 'sign-in-first');
  await page.getByLabel('E-mail address or username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState();
  expect(page.url().includes('/oauth/authorize'), `back at the consent page: ${page.url()}`);
  expect(await page.getByText('Browser Flow App').first().isVisible(), 'the app is named');
  expect(await page.getByText("Read all your account's data").isVisible(), 'scopes in words');
  await shot(page, 'consent');
  await page.getByRole('button', { name: 'Authorize' }).click();
  await page.waitForURL(`${redirectPrefix}**`);
  await shot(page, 'callback');
  const reached = page.url();
  expect(reached.includes('code='), `the redirect carries a code: ${reached}`);
  writeFileSync(required('CODE_FILE'), reached);
});
