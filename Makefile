# Entry points. `make dev` runs the worker locally with demo data;
# `make test` runs every test. Both install what they need first.
SHELL := /bin/bash
ENV := . scripts/env.sh &&

WORKER := build/worker/shim.mjs
SOURCES := Cargo.toml Cargo.lock $(shell find src templates -type f)

.PHONY: setup worker dev test unit integration lint size bench

setup:
	@scripts/setup.sh

# The wasm worker, rebuilt only when a source changed (wrangler's [build]
# command calls this, so `wrangler dev` starts without a needless rebuild).
worker: $(WORKER)
$(WORKER): $(SOURCES)
	$(ENV) worker-build --release
	@touch $@

dev: setup worker
	@scripts/dev.sh

test: setup
	@scripts/test.sh

# Native unit tests of the core only: seconds, no node or wrangler needed.
unit:
	cargo test --lib

lint: setup
	cargo fmt --all -- --check
	cargo clippy --all-targets --all-features -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings

# Deployable bundle size, as Cloudflare would receive it.
size: setup worker
	@$(ENV) rm -rf tmp/dist && wrangler deploy --dry-run --outdir tmp/dist >/dev/null && \
	  wc -c tmp/dist/*.wasm && gzip -9c tmp/dist/*.wasm | wc -c

# Costs side by side in one run: native render, wasm size, and every
# visitor route under load on a local stack (see BENCHMARKS.md).
bench: setup
	@scripts/bench.sh
