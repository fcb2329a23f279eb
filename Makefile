# authcore: one entry point for set-up, builds, tests and the demo. `make help` lists the targets.
#
# `make test` runs every suite in order and stops at the first failure. Each suite is its own
# target (test-rust, test-nopanic, test-vectors, test-py, test-js, test-dist, test-firmware,
# test-fuzz, test-miri) and is skipped, with a SKIP line in the summary, while the part of the tree it tests
# does not exist.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.NOTPARALLEL:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

export PATH := $(HOME)/.cargo/bin:$(PATH)
export CARGO_TERM_COLOR ?= auto

VENV := .venv
PY := $(VENV)/bin/python
# Every Python file of the repository (tracked, or new and not ignored): `make lint` and
# `make test-py` run ruff (lint and format) and mypy --strict over all of them, with the settings
# of pyproject.toml.
PY_FILES := $(wildcard $(shell git ls-files --cached --others --exclude-standard '*.py' '*.pyi' 2>/dev/null))
# mypy checks one directory per run: the test directories are not packages, so module names
# (conftest, gen) repeat across directories.
PY_DIRS := $(sort $(dir $(PY_FILES)))
py_files_in = $(foreach f,$(PY_FILES),$(if $(filter $(1),$(dir $(f))),$(f)))
# Every core feature: each must build for the no_std targets.
CORE_FEATURES := jwt,password,bcrypt,legacy,authz,ratelimit,session
NO_STD_TARGETS := wasm32-unknown-unknown thumbv7em-none-eabihf
FUZZ_SECONDS ?= 60
TEST_FUZZ_SECONDS ?= 20
# Scratch corpora of `make fuzz` (seeds and new finds); the committed corpora are fuzz/corpus/<t>.
FUZZ_SCRATCH ?= target/fuzz-corpus
# Extra libFuzzer options of `make fuzz`, e.g. FUZZ_ARGS=-runs=10000000 (stop after 10 M executions).
FUZZ_ARGS ?=
SUMMARY := target/test-summary.txt

# Suite bookkeeping, used as the first and last lines of a test-* recipe:
#   $(call suite,NAME)  starts the clock; a failing command records "FAIL NAME" in the summary
#   $(call passed,NAME) records "PASS NAME (Ns)"; $(call skipped,NAME,WHY) records a SKIP
suite = mkdir -p target; start=$$SECONDS; trap 'echo "FAIL  $(1)" >> $(SUMMARY); echo "✘ $(1): FAILED"' ERR; echo "── $(1)"
passed = echo "PASS  $(1) ($$((SECONDS - start))s)" | tee -a $(SUMMARY)
skipped = mkdir -p target; echo "SKIP  $(1): $(2)" | tee -a $(SUMMARY)
step = echo "\$$ $(1)"; $(1)
# ruff check, ruff format --check and mypy --strict over PY_FILES; every directory is checked
# before a failure is reported.
define py_checks
$(if $(PY_FILES),,echo "no Python files found (git ls-files)" >&2; false)
echo "\$$ ruff check, ruff format --check, mypy (strict; settings in pyproject.toml): $(words $(PY_FILES)) files in $(words $(PY_DIRS)) directories"
py_ok=true
$(VENV)/bin/ruff check -q $(PY_FILES) || py_ok=false
$(VENV)/bin/ruff format -q --check $(PY_FILES) || py_ok=false
$(foreach d,$(PY_DIRS),$(VENV)/bin/mypy $(strip $(call py_files_in,$(d))) | sed '/^Success: /d' || py_ok=false
)$$py_ok
endef

.PHONY: help setup test test-start test-rust test-nopanic test-vectors test-py test-fastapi test-js \
        test-firmware test-fuzz test-miri test-dist demo py wasm firmware fuzz fuzz-cmin bench bench-js bench-py size \
        dist docs \
        lint vectors attacks nopanic-report

help:
	@echo "make setup     install toolchains, apt packages, .venv, node packages (idempotent)"
	echo "make test      setup, then every suite: rust, vectors, python, js, dist, firmware, fuzz, miri"
	echo "make demo      run the example FastAPI service on 127.0.0.1 (PORT=8000, DEMO_PASSWORD=…)"
	echo "make test-fastapi  only the FastAPI/example-app tests (pytest, uvicorn, schemathesis)"
	echo "make lint      cargo fmt --check, clippy -D warnings; ruff and mypy --strict on every .py"
	echo "make py        build the Python extension into .venv (maturin develop --release)"
	echo "make wasm      build the JS/wasm package into wasm/pkg"
	echo "make firmware  build the Cortex-M example and run it under QEMU"
	echo "make fuzz      fuzz every target (or FUZZ_TARGETS) for FUZZ_SECONDS (default $(FUZZ_SECONDS)) each"
	echo "make fuzz-cmin fold the finds of make fuzz into fuzz/corpus/ and minimise it (then commit it)"
	echo "make bench     criterion benchmarks of the core, then bench-js and bench-py"
	echo "make bench-js  the JS package vs jose and hash-wasm (ops/s, ratios)"
	echo "make bench-py  the Python package vs PyJWT and argon2-cffi (ops/s, ratios)"
	echo "make size      code size of the firmware variants and the wasm module"
	echo "make dist      manylinux2014 abi3 wheels (x86-64, aarch64), sdist and npm tarball into dist/"
	echo "make test-dist install dist/'s packages into fresh environments and use them"
	echo "make docs      API reference: Python (pdoc) in target/docs/py, Rust (rustdoc) in target/docs/rust"
	echo "make vectors   regenerate tests/vectors/*.json from PyJWT, argon2-cffi, bcrypt, jose"
	echo "make attacks   regenerate the attack suite tests/attacks/*.json"
	echo "make nopanic-report  panic paths that live in dependencies (see examples/nopanic)"

setup:
	@scripts/setup.sh

# --- tests -------------------------------------------------------------------------------------

test: setup test-start test-rust test-nopanic test-vectors test-py test-js test-dist test-firmware \
      test-fuzz test-miri
	@echo
	echo "══ make test summary"
	cat $(SUMMARY)
	echo "all suites passed"

test-start:
	@mkdir -p target
	: > $(SUMMARY)

test-rust:
	@$(call suite,rust)
	$(call step,cargo fmt --all --check)
	$(call step,cargo clippy --workspace --all-targets -- -D warnings)
	$(call step,cargo test --workspace)
	# The patched RustCrypto argon2 (third_party/argon2/PATCH.md): its own known-answer tests,
	# and every SIMD compression path this CPU offers against the portable one.
	$(call step,cargo test --manifest-path third_party/argon2/Cargo.toml --release --target-dir target/third_party)
	# The web build's smaller verifier paths: same decisions on the unit tests, the shared
	# vectors and the attack suite.
	$(call step,cargo test -p authcore --features size_opt --lib --test vectors --test attacks --test jwt)
	for t in $(NO_STD_TARGETS); do
	  $(call step,cargo build -p authcore --target $$t --no-default-features --features $(CORE_FEATURES))
	done
	$(call passed,rust)

# The committed vectors must be exactly what the peer libraries produce today.
test-vectors:
	@$(call suite,vectors)
	$(call step,$(PY) tests/vectors/gen.py --check)
	[ -d tests/js/node_modules ] || scripts/setup.sh node
	$(call step,node tests/vectors/gen_jose.mjs --check)
	$(call step,$(PY) tests/attacks/gen.py --check --quiet)
	$(call passed,vectors)

# Link-time proof that no panic path of the core survives optimisation: a thumbv7em binary calls
# every public entry point with opaque inputs; its panic handler calls an undefined symbol.
test-nopanic:
	@$(call suite,nopanic)
	$(call step,scripts/nopanic.sh check)
	$(call passed,nopanic)

test-py:
	@if [ ! -f py/pyproject.toml ]; then $(call skipped,python,py/ not present); exit 0; fi
	$(call suite,python)
	$(MAKE) py
	$(py_checks)
	# A real redis-server for the session-store tests: free loopback port, temp dir, stopped after.
	redis_dir=$$(mktemp -d); trap 'scripts/redis.sh stop "$$redis_dir"; rm -rf "$$redis_dir"' EXIT
	redis_url=$$(APPENDFSYNC=everysec scripts/redis.sh start "$$redis_dir")
	export AUTHCORE_TEST_REDIS_URL=$$redis_url
	$(call step,$(VENV)/bin/pytest -q py/tests)
	$(call passed,python)

# A subset of test-py: authcore.fastapi and the example app, incl. a real uvicorn and
# schemathesis (SCHEMATHESIS_MAX_EXAMPLES per operation, default 30).
test-fastapi:
	@$(call suite,fastapi)
	$(MAKE) py
	$(call step,$(VENV)/bin/pytest -q py/tests/fastapi)
	$(call passed,fastapi)

test-js:
	@if [ ! -f wasm/package.json ]; then $(call skipped,js,wasm/ not present); exit 0; fi
	if ! (cd wasm && node -e 'process.exit(require("./package.json").scripts?.test ? 0 : 1)'); then
	  $(call skipped,js,wasm/package.json has no test script yet); exit 0
	fi
	$(call suite,js)
	$(MAKE) wasm
	$(call step,node wasm/build.mjs --jwt-only --web-only --out pkg/jwt-only)
	$(call step,npm --prefix wasm test)
	$(call passed,js)

test-firmware:
	@if [ ! -f examples/firmware/Cargo.toml ]; then $(call skipped,firmware,examples/firmware not present); exit 0; fi
	$(call suite,firmware)
	$(call step,scripts/firmware.sh test)
	$(call passed,firmware)

test-fuzz:
	@if [ ! -f fuzz/Cargo.toml ]; then $(call skipped,fuzz,fuzz/ not present); exit 0; fi
	$(call suite,fuzz)
	$(MAKE) fuzz FUZZ_SECONDS=$(TEST_FUZZ_SECONDS)
	$(call passed,fuzz)

# Miri interprets every core test (lib, integration, doc) to catch undefined behaviour in the
# dependencies' unsafe code. Tests that hash at real cost carry #[cfg_attr(miri, ignore)], the
# data-driven suites run a sample under Miri; all of them run natively in test-rust. Isolation is
# off so the suites can read tests/vectors and tests/attacks.
test-miri:
	@if ! rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^miri'; then
	  $(call skipped,miri,nightly miri not installed (scripts/setup.sh fuzz)); exit 0
	fi
	$(call suite,miri)
	$(call step,MIRIFLAGS=-Zmiri-disable-isolation cargo +nightly miri test -p authcore)
	$(call passed,miri)

# --- builds ------------------------------------------------------------------------------------

demo:
	@if [ ! -f examples/fastapi_app/__main__.py ]; then echo "demo: not yet available (lands with the FastAPI example)"; exit 0; fi
	scripts/setup.sh py
	$(MAKE) py
	# Without AUTHCORE_SIGNING_KEY or AUTHCORE_SECRET the demo runs in dev mode: a throwaway
	# Ed25519 signing key (its public key at /.well-known/jwks.json), announced loudly.
	if [ -z "$${AUTHCORE_SECRET:-}" ] && [ -z "$${AUTHCORE_SIGNING_KEY:-}" ]; then export AUTHCORE_DEV=1; fi
	exec $(PY) -m examples.fastapi_app

py:
	@if [ ! -f py/pyproject.toml ]; then echo "py: not yet available"; exit 0; fi
	$(call step,VIRTUAL_ENV=$(abspath $(VENV)) $(VENV)/bin/maturin develop --release -q -m py/Cargo.toml)

# cargo (size profile, wasm32) → wasm-bindgen (nodejs, web) → wasm-opt -Oz → wasm/pkg/{node,web}
wasm:
	@if [ ! -f wasm/Cargo.toml ]; then echo "wasm: not yet available"; exit 0; fi
	[ -d wasm/node_modules ] || scripts/setup.sh node
	$(call step,node wasm/build.mjs)

firmware:
	@if [ ! -f examples/firmware/Cargo.toml ]; then echo "firmware: not yet available"; exit 0; fi
	cd examples/firmware
	$(call step,timeout 600 cargo run --release)

fuzz:
	@if [ ! -f fuzz/Cargo.toml ]; then echo "fuzz: not yet available"; exit 0; fi
	mkdir -p target
	$(call step,python3 fuzz/seed.py $(FUZZ_SCRATCH))
	$(call step,cargo +nightly fuzz build)
	# Each target runs FUZZ_SECONDS on two corpus directories: FUZZ_SCRATCH/<t> (the seeds and
	# whatever this run finds: libFuzzer writes new inputs into the first directory) and the
	# committed, minimised fuzz/corpus/<t>, which the run only reads. A crash, leak or 10 s hang
	# fails the run and leaves the input in fuzz/artifacts/<target>/. The log of each run is
	# target/fuzz-<t>.log. FUZZ_TARGETS picks targets (default: all).
	for t in $(or $(FUZZ_TARGETS),$$(cargo +nightly fuzz list)); do
	  mkdir -p $(FUZZ_SCRATCH)/$$t fuzz/corpus/$$t
	  echo "\$$ cargo +nightly fuzz run $$t $(FUZZ_SCRATCH)/$$t fuzz/corpus/$$t -- -max_total_time=$(FUZZ_SECONDS) $(FUZZ_ARGS)"
	  if ! cargo +nightly fuzz run $$t $(abspath $(FUZZ_SCRATCH))/$$t $(CURDIR)/fuzz/corpus/$$t -- \
	      -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 $(FUZZ_ARGS) > target/fuzz-$$t.log 2>&1; then
	    tail -n 40 target/fuzz-$$t.log; exit 1
	  fi
	  # the summary (a -fork=N run prints "INFO: fuzzed for N iterations" instead of "Done")
	  grep -E '^(Done|stat::number_of_executed_units|INFO: fuzzed for)' target/fuzz-$$t.log || tail -n 2 target/fuzz-$$t.log
	done

# Folds what `make fuzz` found (FUZZ_SCRATCH) into the committed corpora and minimises them
# (libFuzzer -merge=1 through `cargo fuzz cmin`): run after a long `make fuzz`, then commit
# fuzz/corpus/.
fuzz-cmin:
	@mkdir -p target
	for t in $(or $(FUZZ_TARGETS),$$(cargo +nightly fuzz list)); do
	  mkdir -p fuzz/corpus/$$t
	  if [ -d $(FUZZ_SCRATCH)/$$t ]; then cp -n $(FUZZ_SCRATCH)/$$t/* fuzz/corpus/$$t/ 2>/dev/null || true; fi
	  before=$$(ls fuzz/corpus/$$t | wc -l)
	  if [ $$before = 0 ]; then echo "$$t: no corpus"; continue; fi
	  cargo +nightly fuzz cmin $$t $(CURDIR)/fuzz/corpus/$$t > target/fuzz-cmin-$$t.log 2>&1 || { tail -n 20 target/fuzz-cmin-$$t.log; exit 1; }
	  echo "$$t: $$before -> $$(ls fuzz/corpus/$$t | wc -l) files, $$(du -sb --apparent-size fuzz/corpus/$$t | cut -f1) bytes"
	done

bench:
	$(call step,cargo bench -p authcore)
	$(MAKE) bench-js
	$(MAKE) bench-py

# authcore vs jose (verify/sign) and hash-wasm (argon2id), side by side in one Node process.
bench-js:
	@$(MAKE) wasm
	$(call step,node wasm/bench/bench.mjs)

# authcore vs PyJWT (decode/encode) and argon2-cffi (hash/verify), side by side in one process.
bench-py:
	@$(MAKE) py
	$(call step,$(PY) bench/py_bench.py)
	$(call step,$(PY) bench/legacy_bench.py)

# Flash, RAM and stack of the firmware variants (verify-only, verify+sign, everything).
size:
	@$(call step,scripts/firmware.sh size)
	$(call step,node wasm/bench/size.mjs)

# Release artefacts into dist/: abi3 wheels (one per architecture for CPython >= 3.10) tagged
# manylinux2014 (glibc 2.17), cross-linked by zig (the `ziglang` wheel) for x86-64 and aarch64
# and checked by auditwheel; the sdist, which carries the core crate so that
# `pip install authcore-*.tar.gz` builds anywhere with a Rust toolchain; the npm tarball.
DIST_TARGETS := x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu
dist:
	@scripts/setup.sh py dist
	mkdir -p dist
	rm -f dist/authcore-*
	export PATH="$(abspath $(VENV))/bin:$$PATH"
	for t in $(DIST_TARGETS); do
	  $(call step,maturin build --release -q -m py/Cargo.toml -o dist --zig --compatibility manylinux2014 --target $$t)
	done
	$(call step,maturin sdist -m py/Cargo.toml -o dist)
	# The crate as crates.io would get it, built once unpacked (from the working tree, like the
	# wheels: `cargo publish` itself refuses uncommitted changes).
	$(call step,cargo package -q -p authcore --allow-dirty)
	cp target/package/authcore-$$(cargo pkgid -p authcore | sed 's/.*[#@]//').crate dist/
	# auditwheel reads the symbol versions the extension needs: each wheel must fit glibc 2.17.
	for w in dist/authcore-*.whl; do
	  echo "\$$ auditwheel show $$w"
	  auditwheel show "$$w" | tee target/auditwheel.txt
	  grep -Eq '"manylinux_2_17_(x86_64|aarch64)"' target/auditwheel.txt
	done
	if [ -f wasm/package.json ]; then
	  $(MAKE) wasm
	  $(call step,npm pack ./wasm --pack-destination dist --silent)
	fi
	ls -l dist

# The packages as a user gets them: the x86-64 wheel in a fresh venv (smoke script: JWT,
# passwords, the demo app serving a login), a wheel built from the sdist in another fresh venv,
# and the npm tarball installed into a fresh project (ESM, CommonJS, tsc --strict, publint,
# arethetypeswrong), and rustdoc over the crate with warnings denied. Builds dist/ first
# (`make dist`, incremental).
test-dist:
	@$(call suite,dist)
	$(MAKE) dist
	# The crate's documentation as docs.rs would build it: broken links fail.
	$(call step,RUSTDOCFLAGS=-Dwarnings cargo doc -q -p authcore --no-deps --all-features)
	$(call step,tests/dist/check_wheel.sh --sdist)
	if [ -f tests/dist/check_npm.sh ]; then $(call step,tests/dist/check_npm.sh); fi
	$(call passed,dist)

# API reference into target/docs: the Python package by pdoc (docstrings, and the extension's
# signatures from _authcore.pyi) into target/docs/py, the crate by rustdoc (all features,
# warnings denied) into target/docs/rust.
docs:
	@scripts/setup.sh py
	$(MAKE) py
	rm -rf target/docs
	$(call step,$(PY) scripts/pydocs.py target/docs/py)
	$(call step,RUSTDOCFLAGS=-Dwarnings cargo doc -q -p authcore --no-deps --all-features)
	cp -r target/doc target/docs/rust
	echo "Rust API reference: target/docs/rust/authcore/index.html"

lint:
	@$(call step,cargo fmt --all --check)
	$(call step,cargo clippy --workspace --all-targets -- -D warnings)
	$(py_checks)

vectors:
	@$(call step,$(PY) tests/vectors/gen.py)
	[ -d tests/js/node_modules ] || scripts/setup.sh node
	$(call step,node tests/vectors/gen_jose.mjs)

attacks:
	@$(call step,$(PY) tests/attacks/gen.py)

nopanic-report:
	@$(call step,scripts/nopanic.sh report)
