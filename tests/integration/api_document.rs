//! `GET /api/openapi.json`: the committed description of the API, held to the
//! live worker (the unit tests hold it to the route table).

use serde_json::json;

use crate::support::{call, get};

#[test]
fn the_openapi_document_is_served_and_every_operation_in_it_is_live() {
    let page = get("/api/openapi.json");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("application/json"));
    let doc = page.json();
    assert_eq!(doc["openapi"], "3.1.0");

    let paths = doc["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            if method == "parameters" {
                continue;
            }
            operations += 1;
            let concrete = path.replace("{id}", "some-id");
            let answer = call(&method.to_uppercase(), &concrete, "", Some(&json!({})));
            let what = format!("{method} {path}: {} {}", answer.status, answer.raw);
            assert_ne!(answer.status, 405, "{what}");
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            if secured {
                assert_eq!(answer.status, 401, "{what}");
            } else {
                assert_eq!(answer.status, 200, "{what}");
            }
        }
    }
    assert_eq!(operations, 17);
}
