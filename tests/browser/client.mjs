// The web client with JavaScript turned off: Alice signs in and lands on
// her home timeline, posts from its form; Bob follows her from her
// profile, finds the post on his home timeline and favourites it.
//
// Environment: ALICE_LOGIN, BOB_LOGIN, PASSWORD.
import { run, shot, expect, baseUrl, required } from './lib.mjs';

async function signIn(browser, login) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/auth/sign_in`);
  await page.getByLabel('E-mail address or username').fill(login);
  await page.getByLabel('Password').fill(required('PASSWORD'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseUrl}/home`);
  return page;
}

await run('web client without JavaScript', async (browser) => {
  const text = `Hello from a browser without scripts ${Date.now()}`;

  const alice = await signIn(browser, required('ALICE_LOGIN'));
  expect(await alice.getByRole('heading', { name: 'Home', exact: true }).isVisible(), 'the home timeline');
  await shot(alice, 'alice-home');
  await alice.getByLabel("What's on your mind?").fill(text);
  await alice.getByLabel('Visibility').selectOption('public');
  await alice.getByRole('button', { name: 'Publish' }).click();
  await alice.waitForURL(`${baseUrl}/home`);
  expect(await alice.getByText('Your post has been published.').isVisible(), 'a notice after posting');
  expect(await alice.getByText(text).isVisible(), 'the post on her home timeline');
  await shot(alice, 'alice-posted');

  const bob = await signIn(browser, required('BOB_LOGIN'));
  await bob.goto(`${baseUrl}/@${required('ALICE_LOGIN')}`);
  await bob.getByRole('button', { name: 'Follow', exact: true }).click();
  await bob.waitForLoadState();
  expect(await bob.getByRole('button', { name: 'Unfollow', exact: true }).isVisible(), 'following now');
  await shot(bob, 'bob-follows');

  await bob.goto(`${baseUrl}/home`);
  const post = bob.locator('article', { hasText: text });
  expect(await post.isVisible(), "Alice's post on Bob's home timeline");
  await shot(bob, 'bob-home');
  await post.getByRole('button', { name: 'Favourite', exact: true }).click();
  await bob.waitForURL(`${baseUrl}/home`);
  const after = bob.locator('article', { hasText: text });
  expect(await after.getByRole('button', { name: 'Unfavourite', exact: true }).isVisible(), 'favourited');
  await shot(bob, 'bob-favourited');
});
