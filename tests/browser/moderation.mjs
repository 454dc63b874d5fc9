// A moderator signs in, opens the report queue and the report, suspends
// the reported account with a warning, sees the report resolved and the
// suspension in the audit log. Users: MODERATOR_LOGIN / MODERATOR_PASSWORD;
// the report: REPORT_ID about TARGET_USERNAME.
import { run, shot, expect, baseUrl, required } from './lib.mjs';

await run('moderation', async (browser) => {
  const reportId = required('REPORT_ID');
  const target = required('TARGET_USERNAME');
  const context = await browser.newContext();
  const page = await context.newPage();

  await page.goto(`${baseUrl}/auth/sign_in?return_to=/admin/reports`);
  await page.getByLabel('E-mail address or username').fill(required('MODERATOR_LOGIN'));
  await page.getByLabel('Password').fill(required('MODERATOR_PASSWORD'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseUrl}/admin/reports`);
  await shot(page, 'reports-queue');
  expect(await page.getByRole('heading', { name: 'Reports' }).isVisible(), 'the queue is shown');
  expect(await page.getByRole('navigation', { name: 'Moderation' }).isVisible(), 'the moderation tabs are shown');

  await page.getByRole('link', { name: `#${reportId}` }).click();
  await page.waitForURL(`${baseUrl}/admin/reports/${reportId}`);
  expect(await page.getByText('Open', { exact: true }).isVisible(), 'the report is open');
  await shot(page, 'report');

  await page.getByLabel(`Action against ${target}`).selectOption('suspend');
  await page.getByLabel('Warning sent to the account').fill('Harassment is not welcome here.');
  await shot(page, 'suspend-with-warning');
  await page.getByRole('button', { name: 'Take action' }).click();
  await page.waitForURL(`${baseUrl}/admin/reports/${reportId}`);
  expect(await page.getByRole('status').isVisible(), 'a notice confirms the action');
  expect(await page.getByText('Resolved', { exact: true }).isVisible(), 'the report shows resolved');
  expect(await page.getByText('Suspended', { exact: true }).isVisible(), 'the account shows suspended');
  await shot(page, 'report-resolved');

  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.waitForURL(`${baseUrl}/admin/action_logs`);
  const suspendRow = page.getByRole('row').filter({ hasText: 'suspend' }).filter({ hasText: `Account ${target}` });
  expect(await suspendRow.count() === 1, 'the audit log lists the suspension');
  const resolveRow = page.getByRole('row').filter({ hasText: 'resolve' }).filter({ hasText: `Report ${reportId}` });
  expect(await resolveRow.count() === 1, 'the audit log lists the resolved report');
  await shot(page, 'audit-log');
});
