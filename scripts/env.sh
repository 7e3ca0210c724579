# Sourced by the other scripts and the Makefile's recipes: puts the project's
# pinned tools first and keeps every tool off the network.
root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
# Where `cargo install` puts worker-build and wasm-bindgen.
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
# node_modules/.bin holds node 22 (wrangler needs it), wrangler, esbuild, wasm-opt.
export PATH="$root/node_modules/.bin:$cargo_bin:$PATH"
# worker-build would otherwise download these from GitHub.
export WASM_BINDGEN_BIN="$cargo_bin/wasm-bindgen"
export ESBUILD_BIN="$root/node_modules/.bin/esbuild"
export WASM_OPT_BIN="$root/node_modules/.bin/wasm-opt"
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
