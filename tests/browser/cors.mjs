// A web client served from another origin (a page on its own port, as Elk
// or Phanpy would be on their own domain) calls the API with a token: the
// preflight passes, JSON and the exposed headers are readable, a post is
// made. The same page cannot read the server's HTML pages.
//
// Environment: API_TOKEN (a read/write token).
import { createServer } from 'node:http';
import { run, shot, expect, baseUrl, required } from './lib.mjs';

const server = createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end('<!DOCTYPE html><title>Another client</title><h1>Another client</h1>');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const clientOrigin = `http://127.0.0.1:${server.address().port}`;

try {
  await run('cross-origin API calls', async (browser) => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${clientOrigin}/`);
    expect(clientOrigin !== baseUrl, 'the client is on another origin');
    const result = await page.evaluate(async ({ base, token }) => {
      const auth = { Authorization: `Bearer ${token}` };
      const me = await fetch(`${base}/api/v1/accounts/verify_credentials`, { headers: auth });
      const account = await me.json();
      const posted = await fetch(`${base}/api/v1/statuses`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json', 'Idempotency-Key': 'cors-1' },
        body: JSON.stringify({ status: 'posted from another origin' }),
      });
      const status = await posted.json();
      const timeline = await fetch(`${base}/api/v1/timelines/home?limit=1`, { headers: auth });
      let pageReadable = true;
      try {
        await (await fetch(`${base}/auth/sign_in`)).text();
      } catch (_) {
        pageReadable = false;
      }
      return {
        username: account.username,
        postedStatus: posted.status,
        content: status.content,
        link: timeline.headers.get('Link'),
        remaining: timeline.headers.get('X-RateLimit-Remaining'),
        pageReadable,
      };
    }, { base: baseUrl, token: required('API_TOKEN') });
    console.log(JSON.stringify(result));
    expect(result.username === 'alice', `verify_credentials read cross-origin: ${result.username}`);
    expect(result.postedStatus === 200, `posted through a preflighted request: ${result.postedStatus}`);
    expect(result.content.includes('posted from another origin'), 'the status came back');
    expect(result.link && result.link.includes('max_id='), `Link is exposed: ${result.link}`);
    expect(result.remaining !== null, 'X-RateLimit-Remaining is exposed');
    expect(!result.pageReadable, 'HTML pages are not readable from another origin');
    await shot(page, 'other-origin');
  });
} finally {
  server.close();
}
