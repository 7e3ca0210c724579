//! `?limit=1..100&cursor=…` of a listing.

use super::ApiError;
use crate::paging::{Cursor, PageQuery, MAX_PAGE};

pub fn page_query(query: Option<&str>) -> Result<PageQuery, ApiError> {
    let mut page = PageQuery::default();
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        match name.as_ref() {
            "limit" => {
                page.limit = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_PAGE).contains(n))
                    .ok_or_else(|| {
                        ApiError::invalid(
                            "limit",
                            "out_of_range",
                            format!("`limit` must be from 1 to {MAX_PAGE}"),
                        )
                    })?;
            }
            "cursor" => {
                page.after = Some(Cursor::decode(&value).ok_or_else(|| {
                    ApiError::invalid(
                        "cursor",
                        "invalid_cursor",
                        "`cursor` must be a `next_cursor` this API returned",
                    )
                })?);
            }
            _ => {}
        }
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paging::DEFAULT_PAGE;

    #[test]
    fn listings_page_with_an_opaque_cursor() {
        assert_eq!(page_query(None).unwrap(), PageQuery::default());
        assert_eq!(PageQuery::default().limit, DEFAULT_PAGE);
        let cursor = Cursor {
            created_at: 1_700_000_000_000,
            id: "trk_1".into(),
        };
        let q = page_query(Some(&format!("limit=10&cursor={}", cursor.encode()))).unwrap();
        assert_eq!(q.limit, 10);
        assert_eq!(q.after, Some(cursor));
        for bad in [
            "limit=0",
            "limit=101",
            "limit=x",
            "cursor=%%%",
            "cursor=bm9wZQ",
        ] {
            assert_eq!(page_query(Some(bad)).unwrap_err().status, 422, "{bad}");
        }
    }
}
