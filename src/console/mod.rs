//! The producer console: pages and forms in the browser, on the same core as
//! the JSON API. Every write a form asks for is turned into the API's own
//! request body (`forms`) and handled by the API's own handler, so no rule
//! exists twice; the pages render the API's own views.

pub mod chart;
pub mod forms;
pub mod import;
pub mod pages;
pub mod routes;
pub mod session;
