#!/usr/bin/env bash
# Measures the census throughput on the 60,000-image Fashion-MNIST training set (Debian package dataset-fashion-mnist)
# with the shipped MNIST LeNet: Spark local[1] and local[2], and the single-process `etalon census` with 1 and 2
# threads. Prints one line per run; the README table comes from its output. Run it on a quiet machine, more than once.
#   tools/spark/measure-fashion.sh [repeats]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source="${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
repeats="${1:-1}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# etalon census reads an MNIST-named folder with a training and a test split; a one-image test split keeps the
# timing to the 60,000 training images.
mkdir -p "$work/fashion"
ln -s "$source/train-images-idx3-ubyte.gz" "$work/fashion/train-images-idx3-ubyte.gz"
python3 - "$source/t10k-images-idx3-ubyte.gz" "$work/fashion/test-images-idx3-ubyte.gz" <<'PY'
import gzip, struct, sys
with gzip.open(sys.argv[1]) as f:
    magic, n, h, w = struct.unpack('>IIII', f.read(16))
    first = f.read(h * w)
with gzip.open(sys.argv[2], 'wb') as f:
    f.write(struct.pack('>IIII', magic, 1, h, w) + first)
PY

seconds() { local start=$1; echo "$(date +%s.%N) - $start" | bc; }
echo "date $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$repeats"); do
  for master in 'local[1]' 'local[2]'; do
    start=$(date +%s.%N)
    "$root/etalon" spark census --quiet --master "$master" --images "$work/fashion/train-images-idx3-ubyte.gz" \
      --out "$work/spark-out" > "$work/spark.txt"
    elapsed=$(seconds "$start")
    python3 - "$master" "$work/spark-out/census.json" "$elapsed" <<'PY'
import json, sys
run = json.load(open(sys.argv[2]))['run']
total, wall = run['explainSeconds'] + run['censusSeconds'], float(sys.argv[3])
print(f"spark {sys.argv[1]}: {run['images']} images in {wall:.1f} s, {run['images'] / wall:.0f} images/s (JVM and "
      f"Spark start included); in the job: explain {run['explainSeconds']:.1f} s + census shuffle "
      f"{run['censusSeconds']:.1f} s = {run['images'] / total:.0f} images/s")
PY
  done
  for threads in 1 2; do
    start=$(date +%s.%N)
    "$root/etalon" census --threads "$threads" --data "$work/fashion" --out "$work/cli.json" > /dev/null 2>&1
    elapsed=$(seconds "$start")
    echo "etalon census --threads $threads: 60001 images in $elapsed s (JVM start included), $(echo "60001 / $elapsed" | bc) images/s"
  done
  echo "load after run $run: $(cut -d' ' -f1-3 /proc/loadavg)"
done
