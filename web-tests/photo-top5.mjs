// Gives a photo to the page of `etalon serve` for a colour model through its file chooser, waits for the answer, and
// checks that five classes with names, scores and pictures rendered, that the pictures have structure (not one flat
// colour), and that the legend says what the colours mean. Usage: node photo-top5.mjs URL PHOTO SCREENSHOT.png
import { answered, checkServePage } from './serve-page.mjs';

const [url, photo, screenshot] = process.argv.slice(2);
await checkServePage({ url, viewport: { width: 1300, height: 900 }, screenshot }, async page => {
  const drawing = await page.locator('#digit-page').isVisible();
  await page.setInputFiles('#file', photo);
  await answered(page, 'photos', 0, 120000);
  // every picture decoded; per picture, the spread of its pixels' levels (a flat or grey-mush picture has almost none)
  const pictures = await page.evaluate(async () => {
    const images = [...document.querySelectorAll('#classes img'), document.getElementById('seen')];
    await Promise.all(images.map(image => image.decode()));
    return images.map(image => {
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
      let sum = 0, squares = 0, coloured = 0;
      const n = data.length / 4;
      for (let i = 0; i < data.length; i += 4) {
        const level = (data[i] + data[i + 1] + data[i + 2]) / 3;
        sum += level; squares += level * level;
        if (Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 60) coloured++;
      }
      const mean = sum / n;
      return { width: canvas.width, height: canvas.height, spread: Math.sqrt(squares / n - mean * mean), coloured: coloured / n };
    });
  });
  const names = await page.locator('#classes .name').allTextContents();
  const numbers = await page.locator('#classes .numbers').allTextContents();
  const prediction = (await page.textContent('#photo-prediction')).trim();
  const legend = await page.evaluate(() => {
    const box = document.getElementById('legend');
    return [box.textContent, ...[...box.querySelectorAll('img')].map(image => image.alt)].join(' ').trim();
  });
  // the other views: each button shows five pictures
  const views = await page.locator('#views button').allTextContents();
  const classes = names.length;
  const problems = [];
  if (drawing) problems.push('the drawing pad is showing for a photo model');
  if (classes !== 5) problems.push(`expected 5 classes, got ${classes}`);
  if (pictures.length !== 6 || pictures.some(p => p.width !== 224 || p.height !== 224)) problems.push('pictures are not all 224x224');
  if (pictures.slice(0, -1).some(p => p.spread < 10 || p.coloured < 0.01)) problems.push('a heat map is flat: ' + JSON.stringify(pictures));
  if (!numbers.every(text => /score -?\d/.test(text) && /res /.test(text))) problems.push('scores or residuals missing');
  if (!legend.includes('red')) problems.push('the legend does not say what red means');
  if (views.length < 2) problems.push(`expected buttons for several views, got ${views.length}`);
  return { measured: { drawing, prediction, classes, names, numbers, pictures, legend, views }, problems };
});
