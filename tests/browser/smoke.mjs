// Smallest flow: the sign-in page renders, a wrong password is refused
// with an alert, the right one gives the browser a session cookie that
// scripts cannot read. Users: SIGN_IN_LOGIN / SIGN_IN_PASSWORD.
import { run, shot, expect, baseUrl, required } from './lib.mjs';

await run('sign in', async (browser) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${baseUrl}/auth/sign_in`);
  await shot(page, 'sign-in-form');
  await page.getByLabel('E-mail address or username').fill(required('SIGN_IN_LOGIN'));
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  expect(await page.getByRole('alert').isVisible(), 'an error is shown for a wrong password');
  await shot(page, 'wrong-password');
  await page.getByLabel('Password').fill(required('SIGN_IN_PASSWORD'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState();
  const session = (await context.cookies()).find((c) => c.name === '_ferrodon_session');
  expect(session, 'a session cookie is set');
  expect(session.httpOnly, 'the session cookie is HttpOnly');
  expect(session.sameSite === 'Lax', 'the session cookie is SameSite=Lax');
});
