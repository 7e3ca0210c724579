//! sharepage: producers share tracks that stay in their Dropbox; visitors open
//! a branded page to listen and download.
//!
//! The crate is a pure, deterministic core plus a thin edge. The core decides
//! everything (routing, whether a share may be seen at a given instant, what
//! may be downloaded, which file plays, view models, HTML, headers; for the
//! API validation, conflicts and response shapes; for Dropbox every request,
//! answer and step of a session) from plain data, and never reads a clock
//! or touches the network, so it is tested natively with `cargo test`. Only
//! `edge`, compiled for wasm32 alone, talks to the Workers runtime: D1, KV,
//! fetch, timers and the clock. Writes travel as `commands`; the edge's
//! store maps them to columns.

pub mod api;
pub mod art;
pub mod assets;
pub mod commands;
pub mod console;
pub mod crypto;
pub mod delivery;
pub mod dropbox;
pub mod events;
pub mod http;
pub mod ids;
pub mod limits;
pub mod markup;
pub mod model;
pub mod origin;
pub mod pager;
pub mod pages;
pub mod paging;
pub mod policy;
pub mod preview_image;
pub mod render;
pub mod routes;
pub mod theme;
pub mod throttle;
pub mod vault;
pub mod view;

#[cfg(test)]
mod fixtures;

#[cfg(target_arch = "wasm32")]
mod edge;
