//! A share's views and downloads per day, as data and as a server-rendered
//! SVG bar chart. The same numbers are shown in a table beside it, so the
//! chart itself is decoration for screen readers (`aria-hidden`).

use std::fmt::Write;

use serde::Serialize;

use crate::policy::Millis;

const DAY_MS: Millis = 86_400_000;
/// The chart's span: the last 30 days, today included.
pub const DAYS: i64 = 30;

/// Events of one UTC day, as the store counts them (`day`: days since 1970).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub struct DayCount {
    pub day: i64,
    pub views: i64,
    pub downloads: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Day {
    /// `2026-11-29`
    pub date: String,
    /// `29 Nov`
    pub label: String,
    pub views: i64,
    pub downloads: i64,
}

/// The first instant the chart covers at `now`.
pub fn since(now: Millis) -> Millis {
    (now.div_euclid(DAY_MS) - (DAYS - 1)) * DAY_MS
}

/// Every day of the span, oldest first, with zeros where nothing happened.
pub fn days(counts: &[DayCount], now: Millis) -> Vec<Day> {
    let first = since(now) / DAY_MS;
    (first..first + DAYS)
        .map(|day| {
            let count = counts.iter().find(|c| c.day == day);
            let date = chrono::DateTime::from_timestamp_millis(day * DAY_MS).unwrap_or_default();
            Day {
                date: date.format("%Y-%m-%d").to_string(),
                label: date.format("%-d %b").to_string(),
                views: count.map_or(0, |c| c.views),
                downloads: count.map_or(0, |c| c.downloads),
            }
        })
        .collect()
}

/// Nothing happened in the span: the page says so instead of an empty chart.
pub fn is_quiet(days: &[Day]) -> bool {
    days.iter().all(|d| d.views == 0 && d.downloads == 0)
}

const WIDTH: i64 = 600;
const HEIGHT: i64 = 140;

/// Two bars a day (views, downloads), scaled to the busiest day. The chart
/// stretches to its box (`preserveAspectRatio="none"`), so it holds no
/// text: the dates under it are HTML.
pub fn svg(days: &[Day]) -> String {
    let top = days
        .iter()
        .map(|d| d.views.max(d.downloads))
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = WIDTH / (days.len().max(1) as i64);
    let bar = (slot / 2 - 1).max(1);
    let plot = HEIGHT - 1;
    let mut out = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" preserveAspectRatio=\"none\" \
         aria-hidden=\"true\" focusable=\"false\">\
         <line class=\"axis\" x1=\"0\" y1=\"{plot}\" x2=\"{WIDTH}\" y2=\"{plot}\"/>"
    );
    for (i, day) in days.iter().enumerate() {
        let x = i as i64 * slot;
        for (offset, count, class) in [(0, day.views, "views"), (bar, day.downloads, "downloads")] {
            if count > 0 {
                let h = (count * (plot - 4) / top).max(2);
                let _ = write!(
                    out,
                    "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{bar}\" height=\"{h}\"/>",
                    x + offset,
                    plot - h
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-29T12:00:00Z
    const NOW: Millis = 1_795_953_600_000;

    #[test]
    fn thirty_days_end_today_with_gaps_filled() {
        let today = NOW / DAY_MS;
        let counts = [
            DayCount {
                day: today,
                views: 3,
                downloads: 1,
            },
            DayCount {
                day: today - 29,
                views: 1,
                downloads: 0,
            },
            DayCount {
                day: today - 30,
                views: 9,
                downloads: 9,
            },
        ];
        let days = days(&counts, NOW);
        assert_eq!(days.len(), 30);
        assert_eq!(days[29].date, "2026-11-29");
        assert_eq!(days[29].label, "29 Nov");
        assert_eq!((days[29].views, days[29].downloads), (3, 1));
        assert_eq!((days[0].date.as_str(), days[0].views), ("2026-10-31", 1));
        assert_eq!(
            days.iter().map(|d| d.views).sum::<i64>(),
            4,
            "older days are out"
        );
        assert_eq!(since(NOW), (today - 29) * DAY_MS);
    }

    #[test]
    fn bars_scale_to_the_busiest_day_and_empty_days_draw_nothing() {
        let today = NOW / DAY_MS;
        let counts = [DayCount {
            day: today,
            views: 4,
            downloads: 2,
        }];
        let chart = svg(&days(&counts, NOW));
        assert_eq!(chart.matches("<rect").count(), 2);
        assert!(
            chart.contains("class=\"views\" x=\"580\" y=\"4\" width=\"9\" height=\"135\""),
            "{chart}"
        );
        assert!(
            chart.contains("class=\"downloads\" x=\"589\" y=\"72\" width=\"9\" height=\"67\""),
            "{chart}"
        );
        assert!(
            !chart.contains("<text"),
            "dates are HTML, the chart stretches"
        );
        assert_eq!(svg(&days(&[], NOW)).matches("<rect").count(), 0);
        assert!(is_quiet(&days(&[], NOW)));
        assert!(!is_quiet(&days(&counts, NOW)));
    }
}
