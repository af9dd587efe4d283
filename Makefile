# Repro: `make test` and `make report` set up everything they need on a fresh Debian machine.
SHELL := /bin/bash
SWIFT ?= swift
VENV ?= .venv
PYTHON ?= python3
TORCH_VERSION := 2.13.0+cpu

.PHONY: test lint report check-report check-ci-examples deps build venv crosscheck clean examples \
  bench fuzz fuzz-build sanitize sanitize-address sanitize-thread

## Install the C libraries when a header or pkg-config entry is missing (Debian/Ubuntu).
deps:
	@missing=0; \
	pkg-config --exists openblas 2>/dev/null || missing=1; \
	pkg-config --exists zlib 2>/dev/null || missing=1; \
	pkg-config --exists libxml-2.0 2>/dev/null || missing=1; \
	pkg-config --exists libdeflate 2>/dev/null || missing=1; \
	[ -f /usr/include/zlib.h ] || missing=1; \
	[ -f /usr/include/libdeflate.h ] || missing=1; \
	{ [ -f /usr/include/cblas.h ] || [ -f /usr/include/x86_64-linux-gnu/cblas.h ] || ls /usr/include/*/cblas.h >/dev/null 2>&1; } || missing=1; \
	if [ $$missing = 1 ]; then \
	  echo "==> installing libopenblas-dev zlib1g-dev libdeflate-dev libxml2-dev pkg-config"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update && $$SUDO apt-get install -y libopenblas-dev zlib1g-dev libdeflate-dev libxml2-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build

## The style gate: swift-format's linter with the committed .swift-format, every finding an error.
lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests Benchmarks \
	  Examples/Package.swift Examples/Tests Fuzz/Package.swift Fuzz/Sources

## Lint, then build and run every test (no PyTorch needed), then the Examples package's tests.
test: deps lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) examples

## The Examples package (its own Package.swift, Repro by path `..`): ReproTesting's
## expectCheckpoint / expectRoundTrip / expectGolden in a user's own `swift test`. It builds in the
## root package's .build (same configuration and flags), so Repro's modules built by `make test`
## are reused instead of compiled a second time (23 steps instead of 428).
examples: deps
	cd Examples && $(SWIFT) build --build-tests --scratch-path ../.build \
	  && $(SWIFT) test --skip-build --scratch-path ../.build

## The libFuzzer targets of Fuzz/ (its own Package.swift, Repro by path `..`; one per reader),
## built with libFuzzer and AddressSanitizer (`-sanitize=fuzzer,address`, one flag: given
## separately, coverage silently drops to 0). Each target runs FUZZ_SECONDS (default 60) with
## -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10 from its seeds (Golden/, the malformed
## corpora, Fuzz/Corpus/); any crash, leak, out-of-memory or timeout fails. Prints executions and
## coverage per target. FUZZ_TARGETS=FuzzPickle,FuzzZip runs some; FUZZ_ARGS passes more
## libFuzzer flags (-jobs, -dict, ...). Not part of `make test`; CI runs FUZZ_SECONDS=30.
## FUZZ_CONFIG: debug (default) builds in about 1.5 min on 2 CPUs; release takes several times
## longer to build and runs several times more executions per second (for long runs).
## --gc-sections: libFuzzer's own main(), unused (each target calls LLVMFuzzerRunDriver), names
## LLVMFuzzerTestOneInput, which no target defines; release links drop it, debug links need this.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
FUZZ_ARGS ?=
FUZZ_CONFIG ?= debug
FUZZ_BUILD := $(SWIFT) build --package-path Fuzz -c $(FUZZ_CONFIG) \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld -Xlinker --gc-sections

fuzz-build: deps
	$(FUZZ_BUILD)

fuzz: fuzz-build
	$(PYTHON) Scripts/fuzz.py run --bin "$$($(FUZZ_BUILD) --show-bin-path)" \
	  --seconds $(FUZZ_SECONDS) --targets "$(FUZZ_TARGETS)" -- $(FUZZ_ARGS)

## Run the round-trip matrix on the committed goldens; write Reports/junit.xml, report.html, results.json.
## The BLAS cases' 16-bit tolerance was measured with OpenBLAS's AVX2/AVX-512 kernels. Debian 12's
## OpenBLAS 0.3.21 does not recognise newer CPUs and falls back to its generic Prescott (SSE3)
## kernels (OPENBLAS_VERBOSE=2 prints "Core: Prescott"); with those, resnet18's float16 output
## differs from the reference kernels by 1.3e-3 at one of 1000 elements, beyond that tolerance.
## On a CPU with AVX2 the report therefore asks for the Haswell kernels unless the caller chose.
OPENBLAS_CORETYPE ?= $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && echo Haswell)

## REPORT_CONFIG=debug runs the matrix with the debug build that `make test` made (about 5 min
## instead of 14 s, but no release build: CI saves about 6 min this way).
REPORT_CONFIG ?= release
## Release builds of `repro` link the Swift runtime and Foundation statically: start-up falls from
## about 16 to 9 ms of CPU (no symbol lookups and relocations across 15 Swift libraries), which is
## most of a small file's `inspect`. The flag changes the build's parameters, so every release
## build of `repro` here passes it (otherwise each one would rebuild the other's).
RELEASE_FLAGS := --static-swift-stdlib
REPORT_FLAGS := $(if $(filter release,$(REPORT_CONFIG)),$(RELEASE_FLAGS))
report: deps
	$(SWIFT) build -c $(REPORT_CONFIG) $(REPORT_FLAGS) --product repro
	mkdir -p Reports
	OPENBLAS_CORETYPE=$(OPENBLAS_CORETYPE) $$($(SWIFT) build -c $(REPORT_CONFIG) $(REPORT_FLAGS) --show-bin-path)/repro run \
	  --junit Reports/junit.xml --html Reports/report.html --json Reports/results.json

## Validate the reports: junitparser reads the JUnit file; a real headless Chromium renders the
## HTML report, whose DOM must show the JUnit counts; a screenshot goes to Reports/report.png.
check-report: venv
	@command -v chromium >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update && $$SUDO apt-get install -y chromium; }
	$(VENV)/bin/python Scripts/check_junit.py Reports/junit.xml
	$(VENV)/bin/python Scripts/check_html_report.py --html Reports/report.html --junit Reports/junit.xml \
	  --screenshot Reports/report.png

## The README's GitHub Actions and GitLab CI examples (.ci/examples/): both parse (PyYAML), the
## README shows them verbatim, and their jobs' shell commands run here on a small --filter, four
## pipelines in a row: no baseline, a new failure (exit 1), the same failure known (exit 0), fixed.
check-ci-examples: venv
	$(SWIFT) build --product repro
	$(VENV)/bin/python Scripts/check_ci_examples.py --repro $$($(SWIFT) build --show-bin-path)/repro

## Every test under AddressSanitizer (leak checker on), then every test under ThreadSanitizer.
sanitize: sanitize-address sanitize-thread

## The tests under AddressSanitizer with its leak checker (own build folder .build-asan). The
## suppressions name leaks inside the toolchain and third-party packages only (see the file).
## SANITIZE_FILTER runs some (`swift test --filter`); CI runs the format and harness tests.
SANITIZE_FILTER ?=
sanitize-address: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/lsan-suppressions.txt:print_suppressions=0 \
	  $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan \
	  $(if $(SANITIZE_FILTER),--filter '$(SANITIZE_FILTER)')

## Every test under ThreadSanitizer (own build folder .build-tsan).
sanitize-thread: deps
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	$(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan

## A virtual environment with the pinned PyTorch (for the cross-checks and the Scripts/).
venv: $(VENV)/.ok
$(VENV)/.ok:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet "torch==$(TORCH_VERSION)" numpy safetensors junitparser "omegaconf==2.4.0" "huggingface_hub==2.4.0" pyyaml \
	  || $(VENV)/bin/pip install --quiet "torch==2.13.0" numpy safetensors junitparser "omegaconf==2.4.0" "huggingface_hub==2.4.0" pyyaml
	touch $@

## Check Repro against real PyTorch 2.13 on the committed corpus (needs the venv; CI runs it), then
## SIGKILL `repro convert` 20 times: OUT is always the old or the new file, no temp file survives.
crosscheck: deps venv
	$(SWIFT) build
	$(VENV)/bin/python Scripts/crosscheck.py --repro .build/debug/repro
	$(VENV)/bin/python Scripts/crosscheck_generate.py --repro .build/debug/repro
	$(VENV)/bin/python Scripts/crosscheck_containers.py --repro .build/debug/repro
	$(VENV)/bin/python Scripts/kill_convert.py --repro .build/debug/repro --trials 20 --size-mb 64

## Repro beside PyTorch on the same files (resnet18, a GPT-2-small-sized state dict, a 2 GiB file
## made on the fly): release builds, then Scripts/bench_all.py writes Benchmarks/Results/latest.md
## (min/median of BENCH_RUNS runs, default 5, ratio to PyTorch, peak RSS, the machine). Not part
## of `make test`.
BENCH_RUNS ?= 5
bench: deps venv
	$(SWIFT) build -c release $(RELEASE_FLAGS) --product repro
	$(SWIFT) build -c release --package-path Benchmarks --product FormatBench
	$(VENV)/bin/python Scripts/bench_all.py --repro $$($(SWIFT) build -c release $(RELEASE_FLAGS) --show-bin-path)/repro \
	  --format-bench $$($(SWIFT) build -c release --package-path Benchmarks --show-bin-path)/FormatBench \
	  --runs $(BENCH_RUNS) --out Benchmarks/Results/latest.md

clean:
	rm -rf .build
