#!/usr/bin/env bash
# End-to-end checks of the native `convaula` command line: the lesson's summary
# numbers, a short real training, save/evaluate/predict, and clear errors.
# usage: cli_test.sh CONVAULA_BINARY MNIST_DIR
set -u
cli=$1
data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0 passes=0

check() {  # check NAME COMMAND... : the command must succeed
  local name=$1; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $name"; failures=$((failures + 1)); fi
}
contains() { grep -qF -- "$2" "$1" || { echo "  '$1' lacks: $2"; return 1; }; }

"$cli" summary --preset keras-mnist > "$tmp/summary.txt"
for expected in "conv2d (Conv2D)              (None, 26, 26, 32)        320" \
                "conv2d_1 (Conv2D)            (None, 24, 24, 64)        18496" \
                "max_pooling2d (MaxPooling2D) (None, 12, 12, 64)        0" \
                "dropout (Dropout)            (None, 12, 12, 64)        0" \
                "flatten (Flatten)            (None, 9216)              0" \
                "dense (Dense)                (None, 128)               1179776" \
                "dropout_1 (Dropout)          (None, 128)               0" \
                "dense_1 (Dense)              (None, 10)                1290" \
                "Total params: 1,199,882"; do
  check "summary row: $expected" contains "$tmp/summary.txt" "$expected"
done

# A short real training: well above chance (10%) on 1,000 test images.
"$cli" train --preset classroom --epochs 1 --limit-train 3000 --limit-test 1000 --data "$data" \
  --save "$tmp/w.cvw" --threads 2 > "$tmp/train.txt" 2>&1
check "train prints a JSON result" contains "$tmp/train.txt" '"test_accuracy"'
acc=$(grep -o '"test_accuracy": [0-9.]*' "$tmp/train.txt" | grep -o '[0-9.]*$')
check "train accuracy $acc > 0.8" awk -v a="${acc:-0}" 'BEGIN { exit !(a > 0.8) }'

"$cli" evaluate --weights "$tmp/w.cvw" --data "$data" --limit-test 1000 > "$tmp/eval.txt" 2>&1
check "evaluate reproduces the accuracy" contains "$tmp/eval.txt" "\"test_accuracy\": $acc"

# Test image 0 of MNIST (a 7, the lesson's example) as a PGM: header + 784 bytes after the IDX header.
{ printf 'P5\n28 28\n255\n'; dd if="$data/t10k-images-idx3-ubyte" bs=1 skip=16 count=784 status=none; } > "$tmp/seven.pgm"
"$cli" predict --weights "$tmp/w.cvw" --image "$tmp/seven.pgm" > "$tmp/predict.txt" 2>&1
check "predict reads the 7" contains "$tmp/predict.txt" '"prediction": 7'

# Errors: a clear message and a non-zero exit, never a crash.
# The benchmark runs end to end and reports every figure as a positive number (how fast is
# for `make bench` to say, not for a test).
"$cli" bench --preset classroom --batches 2 --threads 2 > "$tmp/bench.txt" 2>&1
bench_json=$(grep '^{' "$tmp/bench.txt")
for key in native_peak_gflops_1t native_classroom_train_ips_1t native_classroom_train_ips_nt \
           native_classroom_infer_ms_b1 native_classroom_infer_ips_b256; do
  value=$(grep -o "\"$key\": [0-9.e+-]*" <<< "$bench_json" | grep -o '[0-9.e+-]*$')
  check "bench reports $key = $value > 0" awk -v v="${value:-0}" 'BEGIN { exit !(v + 0 > 0) }'
done

expect_error() {  # expect_error NAME TEXT COMMAND...
  local name=$1 text=$2; shift 2
  if "$@" > "$tmp/err.txt" 2>&1; then echo "FAIL: $name succeeded"; failures=$((failures + 1)); return; fi
  check "$name" contains "$tmp/err.txt" "$text"
}
expect_error "missing data" "not found" "$cli" train --preset classroom --data "$tmp/nowhere"
printf 'not an idx file' > "$tmp/train-images-idx3-ubyte"
cp "$data/train-labels-idx1-ubyte" "$tmp/"
expect_error "corrupt IDX" "bad_idx" "$cli" train --preset classroom --data "$tmp"
printf 'garbage' > "$tmp/bad.cvw"
expect_error "corrupt weights" "bad_weights" "$cli" evaluate --weights "$tmp/bad.cvw" --data "$data"
echo '{"layers": [{"type": "conv3d"}]}' > "$tmp/spec.json"
expect_error "unknown layer type" "layers[0].type" "$cli" summary --spec "$tmp/spec.json"
expect_error "bad learning rate" "--lr" "$cli" train --preset classroom --lr -1 --data "$data"
expect_error "unknown preset" "unknown preset" "$cli" summary --preset nope
# A diverging run (the Trainer's guard): one line naming the epoch and batch, exit 1, nothing saved.
expect_error "diverged run" "error [diverged]: training diverged at epoch 1, batch" \
  "$cli" train --preset classroom --optimizer sgd --lr 1000 --limit-train 2000 --limit-test 100 \
  --data "$data" --save "$tmp/diverged.cvw"
check "diverged run: one error line" [ "$(grep -c 'error \[' "$tmp/err.txt")" -eq 1 ]
check "diverged run: nothing saved" [ ! -e "$tmp/diverged.cvw" ]

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
