// Draws a stroke shaped like a one on the page of `etalon serve`, waits for the update, and checks that ten etalon
// images rendered and that the page predicts 1. Usage: node draw-a-one.mjs URL SCREENSHOT.png
import { chromium } from 'playwright-core';

const [url, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--no-first-run', '--disable-sync', '--disable-quic'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  const pad = await page.locator('#pad').boundingBox();
  const x = pad.x + pad.width * 0.52;
  await page.mouse.move(x - 10, pad.y + pad.height * 0.18);
  await page.mouse.down();
  for (let step = 1; step <= 20; step++) {
    await page.mouse.move(x - 10 + step * 0.6, pad.y + pad.height * (0.18 + 0.64 * step / 20));
    await page.waitForTimeout(15);
  }
  const before = Number(await page.evaluate(() => document.body.dataset.updates || 0));
  await page.mouse.up();
  // wait until the update for the finished stroke has landed and nothing is queued
  await page.waitForFunction(n => Number(document.body.dataset.updates || 0) > n && document.body.dataset.busy === 'false',
    before, { timeout: 30000 });
  const prediction = (await page.textContent('#prediction')).trim();
  const etalons = await page.locator('#etalons canvas').count();
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ prediction, etalons }));
  if (prediction !== '1' || etalons !== 10) {
    console.error(`expected prediction 1 and 10 etalons, got prediction ${prediction} and ${etalons} etalons`);
    process.exitCode = 1;
  }
} finally {
  await browser.close();
}
