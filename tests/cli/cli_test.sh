#!/usr/bin/env bash
# End-to-end checks of the native `convaula` command line: the lesson's summary
# numbers, a short real training, save/evaluate/predict, and clear errors.
# usage: cli_test.sh CONVAULA_BINARY MNIST_DIR SOURCE_DIR [full|sanitized]
#   sanitized (a binary built with ASan/UBSan): the bench step is left out, and said so
set -u
cli=$1
data=$2
src=$3
mode=${4:-full}
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
# for `make bench` to say, not for a test). Not under the sanitizers: it times the kernels the
# steps above already ran there, and takes ~40 s doing so.
if [ "$mode" = sanitized ]; then
  echo "bench step left out: a sanitized build (the native run checks it)"
else
  "$cli" bench --preset classroom --batches 2 --threads 2 > "$tmp/bench.txt" 2>&1
  bench_json=$(grep '^{' "$tmp/bench.txt")
  for key in native_peak_gflops_1t native_classroom_train_ips_1t native_classroom_train_ips_nt \
             native_classroom_infer_ms_b1 native_classroom_infer_ips_b256; do
    value=$(grep -o "\"$key\": [0-9.e+-]*" <<< "$bench_json" | grep -o '[0-9.e+-]*$')
    check "bench reports $key = $value > 0" awk -v v="${value:-0}" 'BEGIN { exit !(v + 0 > 0) }'
  done
fi

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
expect_error "bad validation split" "validation_split is 1.5" \
  "$cli" train --preset classroom --validation-split 1.5 --limit-train 200 --limit-test 100 --data "$data"
# A diverging run (the Trainer's guard): one line naming the epoch and batch, exit 1, nothing saved.
expect_error "diverged run" "error [diverged]: training diverged at epoch 1, batch" \
  "$cli" train --preset classroom --optimizer sgd --lr 1000 --limit-train 2000 --limit-test 100 \
  --data "$data" --save "$tmp/diverged.cvw"
check "diverged run: one error line" [ "$(grep -c 'error \[' "$tmp/err.txt")" -eq 1 ]
check "diverged run: nothing saved" [ ! -e "$tmp/diverged.cvw" ]

# Reproducers of past crashes: each is refused with one clear line and exit 1 (no crash, no
# prediction, no 2.9 GB).
refused() {  # refused NAME TEXT COMMAND... : exit 1, exactly one line of output, holding TEXT
  local name=$1 text=$2; shift 2
  "$@" > "$tmp/err.txt" 2>&1
  local rc=$?
  local lines
  lines=$(wc -l < "$tmp/err.txt")
  if [ "$rc" -ne 1 ] || [ "$lines" -ne 1 ]; then
    echo "FAIL: $name: exit $rc with $lines lines:"; head -c 600 "$tmp/err.txt"; echo
    failures=$((failures + 1)); return
  fi
  check "$name" contains "$tmp/err.txt" "$text"
}
nested() {  # nested N: a spec whose layers are N nested empty arrays
  printf '{"layers": '; head -c "$1" /dev/zero | tr '\0' '['; head -c "$1" /dev/zero | tr '\0' ']'; printf '}'
}
nested 200000 > "$tmp/deep.json"
refused "deep nesting (400 KB)" "bad_spec]: spec: 400012 bytes, more than the limit of 65536" \
  "$cli" summary --spec "$tmp/deep.json"
nested 30000 > "$tmp/deep60k.json"
refused "deep nesting (60 KB)" "spec: nested more than 8 levels deep" "$cli" summary --spec "$tmp/deep60k.json"
cp "$src/fuzz/corpus/spec/huge_dense.json" "$tmp/huge.json"
refused "huge model spec" "over the memory budget of 1024.0 MiB (--memory-budget MIB raises it)" \
  "$cli" train --spec "$tmp/huge.json" --data "$data" --threads 1
refused "huge model weights file" "weights file has 0 parameters, but its model 'model' needs 52,101,130" \
  "$cli" predict --weights "$src/fuzz/corpus/weights/huge_model.cvaw" --image "$tmp/seven.pgm"
refused "deep spec in a weights file" "invalid model spec: spec: nested more than 8 levels deep" \
  "$cli" predict --weights "$src/fuzz/corpus/weights/deep_spec.cvaw" --image "$tmp/seven.pgm"
printf 'P5 1 1 255' > "$tmp/x.pgm"
refused "PGM without pixels" "bad_image]: '$tmp/x.pgm': no whitespace after maxval, so no pixel data" \
  "$cli" predict --weights "$tmp/w.cvw" --image "$tmp/x.pgm"
head -c 50000000 /dev/zero | gzip -1 > "$tmp/bomb.pgm.gz"
refused "gzip inflating past the largest input" "too_large]: '$tmp/bomb.pgm.gz' holds (or inflates to) more than 47040016 bytes" \
  "$cli" predict --weights "$tmp/w.cvw" --image "$tmp/bomb.pgm.gz"
# Inputs that are not readable files: refused at once, with the reason.
mkfifo "$tmp/fifo.pgm"
refused "a FIFO as input" "io]: cannot read '$tmp/fifo.pgm': not a regular file" \
  timeout 60 "$cli" predict --weights "$tmp/w.cvw" --image "$tmp/fifo.pgm"
refused "a missing file" "io]: cannot open '$tmp/none.pgm': No such file or directory" \
  "$cli" predict --weights "$tmp/w.cvw" --image "$tmp/none.pgm"
# Unreadable (root reads any file, so the bits are checked against the user too).
chmod 755 "$tmp" && cp "$tmp/seven.pgm" "$tmp/locked.pgm" && chmod 000 "$tmp/locked.pgm"
if [ "$(id -u)" -ne 0 ]; then
  refused "an unreadable file" "io]: cannot open '$tmp/locked.pgm': Permission denied" \
    "$cli" predict --weights "$tmp/w.cvw" --image "$tmp/locked.pgm"
else
  refused "an unreadable file (root: as nobody)" "io]: cannot open '$tmp/locked.pgm': Permission denied" \
    setpriv --reuid=65534 --regid=65534 --clear-groups "$cli" predict --weights "$tmp/w.cvw" --image "$tmp/locked.pgm"
fi
gzip -c "$tmp/seven.pgm" | head -c 100 > "$tmp/cut.pgm.gz"
refused "a truncated gzip" "io]: cannot read '$tmp/cut.pgm.gz': unexpected end of file" \
  "$cli" predict --weights "$tmp/w.cvw" --image "$tmp/cut.pgm.gz"
# Finite weights (every parameter 3e38) whose output is not: refused at load, not printed as -nan.
refused "weights with a non-finite forward pass" "bad_weights]: weights make the model's output infinite or NaN" \
  "$cli" predict --weights "$src/fuzz/corpus/weights/huge_values.cvaw" --image "$tmp/seven.pgm"
"$cli" summary --preset classroom --threads 2 > "$tmp/summary2.txt" 2>&1
check "summary --threads 2 estimates for 2 threads" contains "$tmp/summary2.txt" "Estimated memory (2 threads)"

# --save: checked before training, written atomically (a cut write leaves the old file whole).
refused "--save into a missing directory, before training" "io]: cannot write '$tmp/nowhere/w.cvw': No such file or directory" \
  "$cli" train --preset classroom --limit-train 100 --limit-test 10 --data "$data" --save "$tmp/nowhere/w.cvw"
cp "$src/models/keras-mnist.cvw" "$tmp/old.cvw"
(ulimit -f 1000; "$cli" train --preset keras-mnist --epochs 1 --limit-train 128 --limit-test 10 --data "$data" \
  --save "$tmp/old.cvw" --f16 > "$tmp/cut.txt" 2>&1)
check "--save over the file size limit: a clear error" contains "$tmp/cut.txt" "io]: cannot write '$tmp/old.cvw': File too large"
check "--save over the file size limit: the old file intact" cmp -s "$tmp/old.cvw" "$src/models/keras-mnist.cvw"
check "--save over the file size limit: no temporary file left" [ -z "$(find "$tmp" -name '.old.cvw.*')" ]

# A run too short for the guard's warm-up (288 images: 9 batches of 32, warm-up 10) is judged
# at its epoch's last batch: exit 1, nothing saved.
expect_error "short diverging run" "error [diverged]: training diverged at epoch 1, batch 9" \
  "$cli" train --preset keras-mnist --optimizer sgd --lr 1000 --limit-train 288 --data "$data" --save "$tmp/short.cvw"
check "short diverging run: nothing saved" [ ! -e "$tmp/short.cvw" ]

# The budget is one flag away natively: summary prints the estimate against it.
"$cli" summary --spec "$tmp/huge.json" --memory-budget 4096 > "$tmp/huge_summary.txt" 2>&1
check "--memory-budget raises the budget" contains "$tmp/huge_summary.txt" "Total params: 52,101,130"
check "summary prints the estimate" contains "$tmp/huge_summary.txt" "; budget 4096.0 MiB"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
