import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Running } from '../../../src/main.ts';
import { eventually } from '../../harness/testEnv.ts';
import { appendAll } from '../../projections/support/appendAll.ts';
import { customerEvents } from '../../rebuild/support/customerEvents.ts';
import { chromiumPath } from '../support/chromiumPath.ts';
import { startOperated } from '../support/startOperated.ts';

const token = 'admin-token-for-the-dashboard-0123456789';
const name = 'customer-directory';
const outputDir = join(import.meta.dirname, '../../../test-output');

describe('the dashboard, in headless Chromium', () => {
  let r: Running;
  let base: string;
  let browser: Browser;
  // Started and stopped around the test: the leak check counts the connections a rebuild opens.
  beforeEach(async () => {
    // Small batches, so the build has progress to show before its first flush waits (below).
    ({ running: r, base } = await startOperated({ token, maxEvents: 1_000 }));
    await appendAll(r.log, customerEvents({ count: 100_000, customers: 5_000, seed: 8 }));
    // v1 serves reads before the page opens (the first version takes over by itself)
    const auth = { authorization: `Bearer ${token}` };
    await r.app!.inject({
      method: 'POST',
      url: `/admin/projections/${name}/versions/1/rebuild`,
      headers: auth,
    });
    await eventually(
      async () => {
        const res = await r.app!.inject({ method: 'GET', url: '/admin/projections', headers: auth });
        const { projections } = res.json<{ projections: { name: string; activeVersion: number }[] }>();
        return projections.find((p) => p.name === name)?.activeVersion === 1 ? true : undefined;
      },
      60_000,
      'v1 to serve',
    );
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
  });
  afterEach(async () => {
    if (browser?.isConnected()) await browser.close();
    await r?.stop();
  });

  it('shows a rebuild moving, cuts over through the page after confirmation, and shows the new state', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${base}/dashboard`);

    // the shell holds no data: it asks for the token first, and refuses a wrong one
    await page.fill('#token', 'not-the-token-at-all');
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#login-error:has-text("bearer token")');
    await page.fill('#token', token);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#connection:has-text("live")');
    const v2 = page.locator(`tr[data-version-row="${name} v2"]`);
    const bar = page.locator(`progress[data-progress="${name} v2"]`);
    const valueOf = async (): Promise<number | undefined> => {
      const value = await bar.getAttribute('value', { timeout: 100 }).catch(() => null);
      return value === null ? undefined : Number(value);
    };

    // The build's flushes wait while this session holds a SHARE lock on the checkpoints (reads
    // go on): the bar is seen short of the end however fast the build runs, then moves on.
    const holder = await r.pool.connect();
    const seen: number[] = [];
    try {
      await holder.query('begin');
      await holder.query('lock table projectionist.checkpoints in share mode');
      await v2.locator('button[data-verb="rebuild"]').click();
      seen.push(await eventually(valueOf, 30_000, 'the bar of the build'));
    } finally {
      await holder.query('rollback').catch(() => undefined);
      holder.release();
    }
    // the bar advances once the flushes go through
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(await v2.locator('button[data-verb="cutover"]').isVisible())) {
      const value = await valueOf();
      if (value !== undefined) seen.push(value);
      await page.waitForTimeout(50);
    }
    seen.push((await valueOf()) ?? Number.NaN);
    expect(seen.at(-1), `progress values seen: ${seen.join(', ')}`).toBeGreaterThan(seen[0]!);

    // cutover asks first; cancel changes nothing, confirm switches
    await v2.locator('button[data-verb="cutover"]').click();
    await page.waitForSelector('dialog#confirm[open]');
    expect(await page.textContent('#confirm-text')).toContain('v2');
    await page.click('dialog#confirm button[value="cancel"]');
    expect(await v2.locator('td').nth(1).textContent()).toBe('v2');
    await v2.locator('button[data-verb="cutover"]').click();
    await page.click('dialog#confirm button[value="ok"]');
    await page.waitForSelector(`tr[data-version-row="${name} v2"] [data-state]:has-text("live")`);
    expect(await v2.locator('td').nth(1).textContent()).toBe('v2 ★');
    await page.waitForSelector(`tr[data-version-row="${name} v1"] [data-state]:has-text("standby")`);
    // what the checks said: v2's passed at its cutover; v1 declares none and no longer serves
    await page.waitForSelector(`[data-checks="${name} v2"]:has-text("passed")`);
    expect(await page.textContent(`[data-checks="${name} v1"]`)).toBe('unverified');
    await page.waitForSelector('#audit td:has-text("http:")');
    await page.waitForSelector('#activity li[data-event="cutover:done"]');
    // the chart has drawn from the lag snapshots
    await page.waitForSelector('#chart canvas');

    await mkdir(outputDir, { recursive: true });
    await page.screenshot({ path: join(outputDir, 'dashboard.png'), fullPage: true });
    expect(problems).toEqual([]);
    // the browser's connections to the server go with it (the leak check counts them)
    await browser.close();
  });
});
