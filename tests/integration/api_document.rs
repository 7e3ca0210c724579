//! `GET /api/openapi.json`: the committed description of the API, held to the
//! live worker (the unit tests hold it to the route table): every operation
//! in it answers, and what the worker answers has the documented shape.

use serde_json::{json, Value};

use crate::support::{call, get, new_producer, simple_track, str_of, Page};

fn document() -> Value {
    let page = get("/api/openapi.json");
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("application/json"));
    page.json()
}

#[test]
fn every_operation_in_the_document_is_live() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if method == "parameters" {
                continue;
            }
            operations += 1;
            let concrete = path.replace("{id}", "some-id");
            let answer = call(&method.to_uppercase(), &concrete, "", Some(&json!({})));
            let what = format!("{method} {path}: {} {}", answer.status, answer.raw);
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            assert_eq!(answer.status, if secured { 401 } else { 200 }, "{what}");
            if secured {
                assert_documented(&doc, method, path, &answer);
            }
        }
    }
    assert_eq!(operations, 18);
}

#[test]
fn answers_have_the_documented_shapes() {
    let doc = document();
    let p = new_producer("documented");
    let check = |method: &str, pattern: &str, page: Page| -> Value {
        assert_documented(&doc, &method.to_lowercase(), pattern, &page);
        page.json()
    };
    let body = |v: Value| Some(v);
    check("GET", "/api/me", p.call("GET", "/api/me", None));
    let patch = json!({"bio": "b", "theme": {"accent": "#123456"}, "public_profile": true});
    check(
        "PATCH",
        "/api/me",
        p.call("PATCH", "/api/me", body(patch).as_ref()),
    );
    check("POST", "/api/keys", p.call("POST", "/api/keys", None));
    check("GET", "/api/keys", p.call("GET", "/api/keys", None));
    let track = json!({"title": "Shape", "bpm": 99.5, "key": "E minor",
        "collaborators": [{"name": "A", "role": "Keys", "url": "https://a.example/"}],
        "files": [{"kind": "master", "path": "/Shape.wav"},
                  {"kind": "stems", "path": "/Stems/Shape", "folder": true, "label": "All"}]});
    let t = check(
        "POST",
        "/api/tracks",
        p.call("POST", "/api/tracks", body(track).as_ref()),
    );
    let t_path = format!("/api/tracks/{}", str_of(&t["id"]));
    check("GET", "/api/tracks/{id}", p.call("GET", &t_path, None));
    let retitle = json!({"title": "Reshaped", "bpm": null});
    check(
        "PATCH",
        "/api/tracks/{id}",
        p.call("PATCH", &t_path, body(retitle).as_ref()),
    );
    p.track(simple_track("Another"));
    check(
        "GET",
        "/api/tracks",
        p.call("GET", "/api/tracks?limit=1", None),
    );
    let share =
        json!({"track_ids": [t["id"]], "expires_in_days": 5, "downloads": {"kinds": ["stems"]}});
    let s = check(
        "POST",
        "/api/shares",
        p.call("POST", "/api/shares", body(share).as_ref()),
    );
    let none = json!({"track_ids": [t["id"]], "downloads": "none"});
    check(
        "POST",
        "/api/shares",
        p.call("POST", "/api/shares", body(none).as_ref()),
    );
    check("GET", "/api/shares", p.call("GET", "/api/shares", None));
    let s_path = format!("/api/shares/{}", str_of(&s["id"]));
    check("GET", "/api/shares/{id}", p.call("GET", &s_path, None));
    let extend = json!({"expires_in_days": null});
    check(
        "PATCH",
        "/api/shares/{id}",
        p.call("PATCH", &s_path, body(extend).as_ref()),
    );
    check(
        "GET",
        "/api/dropbox/connect",
        p.call("GET", "/api/dropbox/connect", None),
    );
    let stats_key = "sp.statsKeyFixture0000001.SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS";
    check(
        "GET",
        "/api/shares/{id}",
        call("GET", "/api/shares/shr_stats", stats_key, None),
    );

    // Errors have their documented shape too.
    let wrong = json!({"title": 1});
    check(
        "POST",
        "/api/tracks",
        p.call("POST", "/api/tracks", body(wrong).as_ref()),
    );
    check(
        "GET",
        "/api/tracks/{id}",
        p.call("GET", "/api/tracks/nope", None),
    );
    let clash = json!({"handle": p.handle, "display_name": "x"});
    check(
        "POST",
        "/admin/producers",
        call(
            "POST",
            "/admin/producers",
            &crate::support::admin_token(),
            Some(&clash),
        ),
    );
    check(
        "DELETE",
        "/api/shares/{id}",
        p.call("DELETE", &s_path, None),
    );
    let revoked = json!({"title": "again"});
    check(
        "PATCH",
        "/api/shares/{id}",
        p.call("PATCH", &s_path, body(revoked).as_ref()),
    );
}

/// Checks an answer against the schema the document gives for its operation
/// and status.
fn assert_documented(doc: &Value, method: &str, pattern: &str, page: &Page) {
    let what = format!("{method} {pattern} -> {}", page.status);
    let mut response = &doc["paths"][pattern][method]["responses"][page.status.to_string()];
    assert!(!response.is_null(), "{what}: status not documented");
    if let Some(reference) = response["$ref"].as_str() {
        response = resolve(doc, reference);
    }
    let schema = &response["content"]["application/json"]["schema"];
    if schema.is_null() {
        assert!(
            page.raw.is_empty(),
            "{what}: undocumented body {}",
            page.raw
        );
        return;
    }
    if let Err(problem) = conforms(doc, schema, &page.json(), "$") {
        panic!("{what}: {problem}\n{}", page.raw);
    }
}

fn resolve<'a>(doc: &'a Value, reference: &str) -> &'a Value {
    let pointer = reference.strip_prefix('#').expect("local references only");
    doc.pointer(pointer)
        .unwrap_or_else(|| panic!("dangling {reference}"))
}

/// The JSON Schema keywords the document uses for shapes: `$ref`, `type`,
/// `required`, `properties`, `items`, `enum`, `const`, `oneOf`, `allOf`.
/// Answers are held closed: a field no schema (or part of one) documents is
/// an error, so the document cannot fall behind the worker. Formats,
/// patterns and bounds are the validation tests' business.
fn conforms(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    conforms_as(doc, schema, value, at, true)
}

/// `closed` is false for an `allOf` part, which documents only some fields.
fn conforms_as(
    doc: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    closed: bool,
) -> Result<(), String> {
    if let Some(reference) = schema["$ref"].as_str() {
        return conforms_as(doc, resolve(doc, reference), value, at, closed);
    }
    if let Some(all) = schema["allOf"].as_array() {
        for part in all {
            conforms_as(doc, part, value, at, false)?;
        }
    }
    if let Some(one) = schema["oneOf"].as_array() {
        let matching = one
            .iter()
            .filter(|s| conforms(doc, s, value, at).is_ok())
            .count();
        if matching != 1 {
            return Err(format!("{at}: matches {matching} of oneOf, not 1: {value}"));
        }
    }
    if let Some(expected) = schema.get("const") {
        if value != expected {
            return Err(format!("{at}: {value} is not {expected}"));
        }
    }
    if let Some(options) = schema["enum"].as_array() {
        if !options.contains(value) {
            return Err(format!("{at}: {value} is not one of {options:?}"));
        }
    }
    if let Some(types) = match &schema["type"] {
        Value::String(t) => Some(vec![t.as_str()]),
        Value::Array(ts) => Some(ts.iter().filter_map(Value::as_str).collect()),
        _ => None,
    } {
        let fits = |t: &str| match t {
            "null" => value.is_null(),
            "boolean" => value.is_boolean(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => false,
        };
        if !types.iter().any(|t| fits(t)) {
            return Err(format!("{at}: {value} is not of type {types:?}"));
        }
    }
    if let Some(object) = value.as_object() {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap();
            if !object.contains_key(name) {
                return Err(format!("{at}: required `{name}` is missing"));
            }
        }
        let documented = documented_properties(doc, schema);
        for (name, field) in object {
            match schema["properties"].get(name) {
                Some(sub) => conforms(doc, sub, field, &format!("{at}.{name}"))?,
                None if closed && !documented.contains(name) => {
                    return Err(format!("{at}: `{name}` is not documented"));
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            conforms(doc, items, item, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

/// The properties a schema names, with those of its `allOf` parts and
/// `oneOf` alternatives (the matching one has been checked already).
fn documented_properties(doc: &Value, schema: &Value) -> Vec<String> {
    if let Some(reference) = schema["$ref"].as_str() {
        return documented_properties(doc, resolve(doc, reference));
    }
    let own = schema["properties"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.keys().cloned());
    let parts = ["allOf", "oneOf"]
        .into_iter()
        .filter_map(|k| schema[k].as_array())
        .flatten()
        .flat_map(|part| documented_properties(doc, part));
    own.chain(parts).collect()
}
