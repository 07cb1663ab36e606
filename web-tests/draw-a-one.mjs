// Draws a stroke shaped like a one on the page of `etalon serve`, waits for the update, and checks that ten etalon
// images rendered and that the page predicts 1. Usage: node draw-a-one.mjs URL SCREENSHOT.png
import { answered, answers, checkServePage } from './serve-page.mjs';

const [url, screenshot] = process.argv.slice(2);
await checkServePage({ url, viewport: { width: 1300, height: 1000 }, screenshot }, async page => {
  const pad = await page.locator('#pad').boundingBox();
  const x = pad.x + pad.width * 0.52;
  await page.mouse.move(x - 10, pad.y + pad.height * 0.18);
  await page.mouse.down();
  for (let step = 1; step <= 20; step++) {
    await page.mouse.move(x - 10 + step * 0.6, pad.y + pad.height * (0.18 + 0.64 * step / 20));
    await page.waitForTimeout(15);
  }
  const before = await answers(page, 'updates');
  await page.mouse.up();
  // wait until the update for the finished stroke has landed and nothing is queued
  await answered(page, 'updates', before, 30000);
  const prediction = (await page.textContent('#prediction')).trim();
  const etalons = await page.locator('#etalons canvas').count();
  const problems = prediction !== '1' || etalons !== 10
    ? [`expected prediction 1 and 10 etalons, got prediction ${prediction} and ${etalons} etalons`] : [];
  return { measured: { prediction, etalons }, problems };
});
