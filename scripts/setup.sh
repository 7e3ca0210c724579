#!/usr/bin/env bash
# Installs everything the build and the tests need, from crates.io and npm
# only. Safe to re-run: each step is skipped when already satisfied.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

WORKER_BUILD_VERSION=0.8.7
# The wasm-bindgen CLI must match the library version in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print }' Cargo.lock)

step() { printf '==> %s\n' "$*"; }
version_of() { "$1" --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -n 1; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# Checked where cargo installs them (and where env.sh points), not anywhere on PATH.
if [ "$(version_of "$cargo_bin/worker-build")" != "$WORKER_BUILD_VERSION" ]; then
  step "installing worker-build $WORKER_BUILD_VERSION"
  cargo install worker-build --version "$WORKER_BUILD_VERSION" --locked
fi

if [ "$(version_of "$WASM_BINDGEN_BIN")" != "$WASM_BINDGEN_VERSION" ]; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: its lock file names a crate version crates.io no longer has.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# The browser tests drive Debian's Chromium; the Nu Html Checker (npm
# vnu-jar) runs on Java. Both come from apt when the machine lacks them.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v java >/dev/null || missing+=(default-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]} from Debian"
  sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ci only when package-lock.json changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing node tooling (wrangler, esbuild, binaryen, node 22, playwright-core, axe-core, vnu-jar)"
  npm ci --no-audit --no-fund
fi

# The Python tools of the test command (Dropbox's SDK, schemathesis), pinned
# in tests/requirements.txt, in a virtualenv rebuilt when that file changes.
if [ ! -f .venv/installed ] || [ tests/requirements.txt -nt .venv/installed ]; then
  step "installing the Python test tools into .venv"
  rm -rf .venv
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt
  cp tests/requirements.txt .venv/installed
fi
