// What every real-browser check of the page of `etalon serve` shares: Debian's Chromium started headless, the page
// opened and ready, the page's way of saying an answer has landed, and the end of a check (a full-page screenshot,
// the measurements as one line of JSON, exit code 1 with the problems on stderr when there are any).
import { chromium } from 'playwright-core';

/**
 * Opens `url` in a `viewport` ({ width, height }), waits until the page says it is ready, and runs `check(page)`,
 * which acts on the page and returns { measured, problems }: what it saw (printed as JSON) and what is wrong (a list
 * of sentences, empty when all is well). A screenshot of the whole page goes to `screenshot`; the browser is closed
 * however the check ends.
 */
export async function checkServePage({ url, viewport, screenshot }, check) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  try {
    const page = await browser.newPage({ viewport });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
    const { measured, problems } = await check(page);
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(JSON.stringify(measured));
    if (problems.length) {
      console.error(problems.join('; '));
      process.exitCode = 1;
    }
  } finally {
    await browser.close();
  }
}

/** The count of answers the page has shown so far of one kind: `data-<counter>` of its body (updates, photos). */
export async function answers(page, counter) {
  return Number(await page.evaluate(name => document.body.dataset[name] || 0, counter));
}

/**
 * Waits until the page has shown more than `seen` answers of one kind (`data-<counter>` of its body) and has nothing
 * queued (`data-busy` false): the answer to the last request has landed.
 */
export async function answered(page, counter, seen, timeout) {
  await page.waitForFunction(([name, n]) => Number(document.body.dataset[name] || 0) > n && document.body.dataset.busy === 'false',
    [counter, seen], { timeout });
}
