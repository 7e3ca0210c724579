//! Integration tests: the real worker in workerd under `wrangler dev`, with
//! local D1 seeded from tests/fixtures, over HTTP on loopback.
//!
//! `scripts/test.sh` (`make test`) builds the worker, starts it once for the
//! whole run and passes its address in `SHAREPAGE_URL` (and the operator
//! token it was given in `SHAREPAGE_ADMIN_TOKEN`), with the worker pointed at
//! the Dropbox stand-in it started (`SHAREPAGE_DROPBOX_URL`).

mod api_accounts;
mod api_document;
mod api_input;
mod api_shares;
mod api_tracks;
mod browser;
mod console;
mod downloads;
mod dropbox_connect;
mod load;
mod methods;
mod origin;
mod profile_page;
mod share_page;
mod share_page_paging;
mod standin;
mod support;
mod throttle;
