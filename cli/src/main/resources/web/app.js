// Etalon's page. Digit models: draw, downsample the way MNIST digits were made, ask the API, draw the etalons.
// Photo models: send a photo file, show it as the network sees it, its best classes and their pictures.
'use strict';

const pad = document.getElementById('pad');
const ink = pad.getContext('2d');
const statusLine = document.getElementById('status');
let model = null;
let side = 28;
let pending = null;
let inFlight = false;
let lastImage = null;

function clearPad() {
  ink.fillStyle = '#000';
  ink.fillRect(0, 0, pad.width, pad.height);
}

// MNIST: the digit's bounding box is scaled to fit 20x20, then placed so its centre of mass is at the centre of 28x28.
function downsample() {
  const data = ink.getImageData(0, 0, pad.width, pad.height).data;
  let top = pad.height, left = pad.width, bottom = -1, right = -1;
  for (let y = 0; y < pad.height; y++) {
    for (let x = 0; x < pad.width; x++) {
      if (data[(y * pad.width + x) * 4] > 20) {
        top = Math.min(top, y); bottom = Math.max(bottom, y);
        left = Math.min(left, x); right = Math.max(right, x);
      }
    }
  }
  const image = new Float32Array(side * side);
  if (bottom < 0) return image;
  const width = right - left + 1, height = bottom - top + 1;
  const box = Math.round(side * 20 / 28);
  const scale = box / Math.max(width, height);
  const w = Math.max(1, Math.round(width * scale)), h = Math.max(1, Math.round(height * scale));
  const small = document.createElement('canvas');
  small.width = w; small.height = h;
  const smallInk = small.getContext('2d');
  smallInk.imageSmoothingEnabled = true;
  smallInk.imageSmoothingQuality = 'high';
  smallInk.drawImage(pad, left, top, width, height, 0, 0, w, h);
  const pixels = smallInk.getImageData(0, 0, w, h).data;
  let mass = 0, cy = 0, cx = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = pixels[(y * w + x) * 4] / 255;
      mass += v; cy += v * y; cx += v * x;
    }
  }
  const offY = Math.round(side / 2 - (mass ? cy / mass : h / 2));
  const offX = Math.round(side / 2 - (mass ? cx / mass : w / 2));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const ty = y + offY, tx = x + offX;
      if (ty >= 0 && ty < side && tx >= 0 && tx < side) {
        image[ty * side + tx] = Math.min(1, pixels[(y * w + x) * 4] / 255);
      }
    }
  }
  return image;
}

function paint(canvas, values, signed) {
  const n = Math.round(Math.sqrt(values.length));
  canvas.width = n; canvas.height = n;
  const context = canvas.getContext('2d');
  const picture = context.createImageData(n, n);
  let scale = 0;
  if (signed) for (const v of values) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < n * n; i++) {
    const level = signed ? (scale ? 127.5 + 127.5 * values[i] / scale : 127.5) : 255 * values[i];
    const g = Math.max(0, Math.min(255, Math.round(level)));
    picture.data.set([g, g, g, 255], i * 4);
  }
  context.putImageData(picture, 0, 0);
}

function cells(container, names, images, captions, winner) {
  container.textContent = '';
  images.forEach((values, k) => {
    const cell = document.createElement('div');
    cell.className = 'cell etalon' + (k === winner ? ' winner' : '');
    const canvas = document.createElement('canvas');
    paint(canvas, values, true);
    cell.append(canvas);
    const label = document.createElement('span');
    label.textContent = names[k];
    cell.append(label);
    if (captions) {
      const caption = document.createElement('span');
      caption.textContent = captions[k];
      cell.append(caption);
    }
    container.append(cell);
  });
}

async function ask(image, neurons, radius) {
  const response = await fetch('api/etalons', {
    method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({image: Array.from(image, v => Math.round(v * 1000) / 1000), neurons, radius}),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error || response.statusText);
  return answer;
}

async function update(image) {
  lastImage = image;
  paint(document.getElementById('preview'), image, false);
  document.body.dataset.busy = 'true';
  if (inFlight) { pending = image; return; }
  inFlight = true;
  try {
    const answer = await ask(image, 'output', true);
    show(image, answer);
  } catch (error) {
    statusLine.textContent = 'Error: ' + error.message;
  } finally {
    inFlight = false;
    if (pending) { const next = pending; pending = null; update(next); } else { document.body.dataset.busy = 'false'; }
  }
}

function show(image, answer) {
  document.getElementById('prediction').textContent = String(answer.predicted);
  const names = answer.neurons.map((name, k) => String(k));
  const captions = answer.scores.map((s, k) =>
    `score ${s.toFixed(2)} · b ${answer.biases[k].toFixed(2)} · res ${answer.residuals[k].toExponential(0)}`);
  cells(document.getElementById('etalons'), names, answer.etalons, captions, answer.predicted);
  const contributions = answer.etalons.map(w => w.map((v, i) => v * image[i]));
  cells(document.getElementById('contributions'), names, contributions, null, answer.predicted);
  const r = answer.radius;
  document.getElementById('region').textContent = r
    ? `Linear region: radius ${r.l2 === null ? '∞' : r.l2.toExponential(2)} (L2), on ${r.tiedFaces} tied faces; ` +
      `radius within the face ${r.faceL2 === null ? '∞' : r.faceL2.toExponential(2)}; first to flip: ${r.firstFlip || 'none'}; ` +
      `class boundary ${r.decisionDistanceL2 === null ? '∞' : r.decisionDistanceL2.toFixed(3)} away. Pattern ${answer.pattern.hash}.`
    : '';
  statusLine.textContent = 'Updated.';
  document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
}

async function showLayer(layer) {
  if (!lastImage) return;
  const shape = layer.shape;
  const size = shape.reduce((a, b) => a * b, 1);
  // up to 32 neurons: the centre unit of each channel of a feature map, or the first units of a vector
  const neurons = shape.length === 3
    ? Array.from({length: Math.min(32, shape[0])}, (_, c) => `${layer.name}:${c},${shape[1] >> 1},${shape[2] >> 1}`)
    : Array.from({length: Math.min(32, size)}, (_, i) => `${layer.name}:${i}`);
  try {
    const answer = await ask(lastImage, neurons, false);
    cells(document.getElementById('hidden'), answer.neurons, answer.etalons, null, -1);
  } catch (error) {
    statusLine.textContent = 'Error: ' + error.message;
  }
}

let drawing = false;
let throttle = 0;
function point(event) {
  const box = pad.getBoundingClientRect();
  return [(event.clientX - box.left) * pad.width / box.width, (event.clientY - box.top) * pad.height / box.height];
}
pad.addEventListener('pointerdown', event => {
  drawing = true;
  pad.setPointerCapture(event.pointerId);
  const [x, y] = point(event);
  ink.beginPath(); ink.moveTo(x, y);
});
pad.addEventListener('pointermove', event => {
  if (!drawing) return;
  const [x, y] = point(event);
  ink.lineTo(x, y); ink.stroke();
  const now = Date.now();
  if (now - throttle > 120) { throttle = now; update(downsample()); }
});
function finish() {
  if (!drawing) return;
  drawing = false;
  update(downsample());
}
pad.addEventListener('pointerup', finish);
pad.addEventListener('pointercancel', finish);
document.getElementById('clear').addEventListener('click', () => { clearPad(); update(downsample()); });

async function start() {
  model = await (await fetch('api/model')).json();
  if (model.mode === 'photo') {
    startPhoto();
    return;
  }
  clearPad();
  ink.strokeStyle = '#fff'; ink.lineWidth = 20; ink.lineCap = 'round'; ink.lineJoin = 'round';
  side = model.inputShape[model.inputShape.length - 1];
  const layers = document.getElementById('layers');
  model.layers.forEach(layer => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = layer.name;
    button.addEventListener('click', () => showLayer(layer));
    layers.append(button);
  });
  const samples = await (await fetch('api/samples')).json();
  const box = document.getElementById('samples');
  (samples.images || []).forEach((image, k) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = String(samples.labels[k]);
    button.addEventListener('click', () => {
      clearPad();
      const n = Math.round(Math.sqrt(image.length));
      const picture = ink.createImageData(n, n);
      image.forEach((v, i) => picture.data.set([255 * v, 255 * v, 255 * v, 255], i * 4));
      const small = document.createElement('canvas');
      small.width = n; small.height = n;
      small.getContext('2d').putImageData(picture, 0, 0);
      ink.drawImage(small, 0, 0, pad.width, pad.height);
      update(Float32Array.from(image));
    });
    box.append(button);
  });
  statusLine.textContent = `Model ${model.name}: draw a digit.`;
  document.body.dataset.ready = 'true';
}

// ---- photo models ----

const photoStatus = document.getElementById('photo-status');
let photoAnswer = null;
let shownView = 'blend';
// what the buttons call each picture the server draws, in this order
const VIEW_NAMES = {blend: 'over the photo (X \u2299 W)', heat: 'heat map (\u03a3 W)', abs: '|\u03a3 W|', colour: 'W in colour'};

function mebibytes(bytes) {
  return (bytes / (1 << 20)).toFixed(0) + ' MiB';
}

function startPhoto() {
  document.getElementById('digit-page').hidden = true;
  document.getElementById('intro-digit').hidden = true;
  document.getElementById('photo-page').hidden = false;
  document.getElementById('intro-photo').hidden = false;
  document.title = 'Etalon: give a photo, see its etalons';
  document.getElementById('limit').textContent = `up to ${mebibytes(model.maxPhotoBytes)}`;
  document.getElementById('seen-steps').textContent = model.preprocessing.text;
  const drop = document.getElementById('drop');
  const chooser = document.getElementById('file');
  chooser.addEventListener('change', () => { if (chooser.files.length) sendPhoto(chooser.files[0]); });
  // a photo dropped beside the drop zone must not make the browser leave the page to show the file
  window.addEventListener('dragover', event => event.preventDefault());
  window.addEventListener('drop', event => event.preventDefault());
  drop.addEventListener('dragover', event => { event.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', event => {
    event.preventDefault();
    drop.classList.remove('over');
    if (event.dataTransfer.files.length) sendPhoto(event.dataTransfer.files[0]);
  });
  photoStatus.textContent = `Model ${model.name} (${model.inputShape.join('x')}, ${model.outputs} classes` +
    `${model.classNames ? '' : ', no class names: start serve with --classes FILE'}): give a photo.`;
  document.body.dataset.ready = 'true';
}

async function sendPhoto(file) {
  if (file.size > model.maxPhotoBytes) {
    photoStatus.textContent = `Error: ${file.name} is ${mebibytes(file.size)}; the page takes photos up to ${mebibytes(model.maxPhotoBytes)}.`;
    return;
  }
  document.body.dataset.busy = 'true';
  photoStatus.textContent = `Explaining ${file.name}: the ${model.top} best classes, exactly...`;
  try {
    const response = await fetch('api/photo', {method: 'POST', headers: {'Content-Type': 'application/octet-stream'}, body: file});
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error || response.statusText);
    photoAnswer = answer;
    showPhoto(file.name);
  } catch (error) {
    photoStatus.textContent = 'Error: ' + error.message;
  } finally {
    document.body.dataset.busy = 'false';
  }
}

function showPhoto(name) {
  const answer = photoAnswer;
  document.getElementById('seen').src = answer.input.png;
  document.getElementById('seen-steps').textContent = answer.preprocessing.text;
  document.getElementById('photo-prediction').textContent = `${answer.predicted.name} (class ${answer.predicted.index})`;
  const views = Object.keys(VIEW_NAMES).filter(view => answer.classes[0].views[view]);
  if (!views.includes(shownView)) shownView = views[0];
  const buttons = document.getElementById('views');
  buttons.textContent = '';
  views.forEach(view => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = VIEW_NAMES[view];
    button.setAttribute('aria-pressed', String(view === shownView));
    button.addEventListener('click', () => { shownView = view; showPhoto(name); });
    buttons.append(button);
  });
  const classes = document.getElementById('classes');
  classes.textContent = '';
  answer.classes.forEach(entry => {
    const card = document.createElement('figure');
    card.className = 'class' + (entry.index === answer.predicted.index ? ' winner' : '');
    const picture = document.createElement('img');
    picture.src = entry.views[shownView];
    picture.alt = `${VIEW_NAMES[shownView]} for ${entry.name}`;
    const title = document.createElement('span');
    title.className = 'name';
    title.textContent = `${entry.rank}. ${entry.name}`;
    const numbers = document.createElement('span');
    numbers.className = 'numbers';
    numbers.textContent = `class ${entry.index} · score ${entry.score.toFixed(2)} · b ${entry.bias.toFixed(2)} · ` +
      `res ${entry.residual.toExponential(0)} (rel ${entry.relativeResidual.toExponential(0)})`;
    card.append(picture, title, numbers);
    classes.append(card);
  });
  const legend = document.getElementById('legend');
  legend.textContent = '';
  const entry = answer.legend.find(item => item.view === shownView);
  if (entry && entry.picture) {
    // the legend as core draws it: colour bar, its end values, and the words
    const picture = document.createElement('img');
    picture.src = entry.picture;
    picture.alt = entry.words.join('. ');
    legend.append(picture);
  } else if (entry) {
    entry.words.forEach(line => {
      const p = document.createElement('p');
      p.textContent = line;
      legend.append(p);
    });
  }
  photoStatus.textContent = `${name}: ${answer.classes.length} classes explained; largest relative residual ` +
    `${Math.max(...answer.classes.map(c => c.relativeResidual)).toExponential(1)}.`;
  document.body.dataset.photos = String(Number(document.body.dataset.photos || 0) + 1);
}

start().catch(error => {
  statusLine.textContent = 'Error: ' + error.message;
  photoStatus.textContent = 'Error: ' + error.message;
});
