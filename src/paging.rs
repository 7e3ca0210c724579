//! Newest-first listings that resume from an opaque cursor: the last item's
//! creation time and id.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::ids::is_token;
use crate::policy::Millis;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: Millis,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}.{}", self.created_at, self.id))
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        let bytes = URL_SAFE_NO_PAD.decode(s).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (at, id) = text.split_once('.')?;
        let created_at = at.parse().ok()?;
        is_token(id).then(|| Cursor {
            created_at,
            id: id.to_string(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageQuery {
    pub limit: u32,
    pub after: Option<Cursor>,
}

pub const DEFAULT_PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 100;

impl Default for PageQuery {
    fn default() -> Self {
        PageQuery {
            limit: DEFAULT_PAGE,
            after: None,
        }
    }
}

/// Trims a page that was loaded with one row more than asked for, and
/// answers the cursor of the next page when that extra row existed.
pub fn next_page<T>(
    items: &mut Vec<T>,
    limit: u32,
    cursor: impl Fn(&T) -> Cursor,
) -> Option<String> {
    if items.len() <= limit as usize {
        return None;
    }
    items.truncate(limit as usize);
    items.last().map(|last| cursor(last).encode())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_loaded_one_row_long_has_a_next_cursor() {
        let mut items = vec![1, 2, 3];
        let next = next_page(&mut items, 2, |n| Cursor {
            created_at: *n,
            id: format!("t{n}"),
        });
        assert_eq!(items, [1, 2]);
        let cursor = Cursor::decode(&next.unwrap()).unwrap();
        assert_eq!((cursor.created_at, cursor.id.as_str()), (2, "t2"));
        assert_eq!(next_page(&mut items, 2, |_| unreachable!()), None);
        assert_eq!(Cursor::decode("bm9wZQ"), None);
    }
}
