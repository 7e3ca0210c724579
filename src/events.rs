//! What visitors did, as the page and download routes send it through the
//! events queue and its consumer writes it to D1. Every event carries an id
//! made where it happened: a batch the queue delivers twice inserts nothing
//! the second time, so counts stay exact.

use serde::{Deserialize, Serialize};

use crate::policy::Millis;

/// One view or one download, as sent on the queue (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A visitor loaded a share's page.
    View {
        id: String,
        share_id: String,
        at: Millis,
        country: Option<String>,
    },
    /// A visitor downloaded one file (or folder) of a share.
    Download {
        id: String,
        share_id: String,
        track_id: String,
        file_id: String,
        at: Millis,
        country: Option<String>,
    },
}

/// What a visitor did, before it is an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    View,
    Download { track_id: String, file_id: String },
}

impl Event {
    /// The event `id` for what happened on `share_id` at `at`.
    pub fn new(
        id: String,
        share_id: String,
        at: Millis,
        country: Option<String>,
        what: What,
    ) -> Event {
        match what {
            What::View => Event::View {
                id,
                share_id,
                at,
                country,
            },
            What::Download { track_id, file_id } => Event::Download {
                id,
                share_id,
                track_id,
                file_id,
                at,
                country,
            },
        }
    }
}

/// What the consumer does with a delivered batch: the events to write, and
/// the messages that can never be written (not an event at all), which are
/// acknowledged and logged rather than retried for ever.
#[derive(Debug, PartialEq, Eq)]
pub struct Delivery {
    pub events: Vec<Event>,
    /// Indexes of the messages that were not events.
    pub malformed: Vec<usize>,
}

/// Reads a delivered batch's bodies (JSON text).
pub fn delivery<'a>(bodies: impl IntoIterator<Item = &'a str>) -> Delivery {
    let mut delivery = Delivery {
        events: Vec::new(),
        malformed: Vec::new(),
    };
    for (i, body) in bodies.into_iter().enumerate() {
        match serde_json::from_str(body) {
            Ok(event) => delivery.events.push(event),
            Err(_) => delivery.malformed.push(i),
        }
    }
    delivery
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> Event {
        Event::View {
            id: "ev1".into(),
            share_id: "shr1".into(),
            at: 1_790_000_000_000,
            country: Some("NL".into()),
        }
    }

    #[test]
    fn events_travel_as_tagged_json_and_come_back_the_same() {
        let download = Event::Download {
            id: "ev2".into(),
            share_id: "shr1".into(),
            track_id: "trk1".into(),
            file_id: "fil1".into(),
            at: 1,
            country: None,
        };
        let json = serde_json::to_string(&view()).unwrap();
        assert!(json.starts_with(r#"{"type":"view","id":"ev1""#), "{json}");
        for event in [view(), download] {
            let text = serde_json::to_string(&event).unwrap();
            assert_eq!(delivery([text.as_str()]).events, [event]);
        }
    }

    #[test]
    fn what_is_not_an_event_is_set_aside_not_retried() {
        let good = serde_json::to_string(&view()).unwrap();
        let d = delivery([
            good.as_str(),
            "not json",
            r#"{"type":"view","id":"x"}"#,
            r#"{"type":"like","id":"x","share_id":"s","at":1,"country":null}"#,
            good.as_str(),
        ]);
        assert_eq!(d.events, [view(), view()]);
        assert_eq!(d.malformed, [1, 2, 3]);
        assert_eq!(
            Event::new(
                "ev1".into(),
                "shr1".into(),
                1_790_000_000_000,
                Some("NL".into()),
                What::View
            ),
            view()
        );
    }
}
