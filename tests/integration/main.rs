//! Integration tests: the real worker in workerd under `wrangler dev`, with
//! local D1 seeded from tests/fixtures, over HTTP on loopback.
//!
//! `scripts/test.sh` (`make test`) builds the worker, starts it once for the
//! whole run and passes its address in `SHAREPAGE_URL`.

mod profile_page;
mod share_page;
mod support;
