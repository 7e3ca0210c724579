//! Cost of the core's work for one share page view (state check, view model,
//! template rendering), natively, for shares of 1, 20 and 100 tracks (each
//! with a master and a bounce, tempo, key and a credit). The largest share
//! the limits allow is shown a page at a time (`sharepage::pager`); the
//! load benchmark (`make bench`) measures its page end to end.
//! Run with `cargo bench`; figures go into BENCHMARKS.md.

use std::hint::black_box;
use std::time::{Duration, Instant};

use sharepage::model::{
    CollaboratorRow, FileRow, Place, ProducerRow, SharePageData, ShareRow, TrackRow,
};
use sharepage::pages;

/// An id as long as the store's (`crypto::random_token`: 22 characters).
fn id(n: usize, salt: &str) -> String {
    format!("{salt}{n:0>19}Ab")
}

fn share_of(tracks: usize) -> SharePageData {
    let ids: Vec<String> = (0..tracks).map(|i| id(i, "t")).collect();
    let file = |track: &str, kind: &str, ext: &str| FileRow {
        id: format!("f{}{kind:.2}", &track[1..20]),
        track_id: track.into(),
        kind: kind.into(),
        path: format!("/Music/{track}/{kind}.{ext}"),
        is_folder: false,
        label: None,
        size: None,
    };
    SharePageData {
        share: ShareRow {
            id: "shr_bench".into(),
            title: "Benchmark pack".into(),
            description: Some("A share as large as a producer would send.".into()),
            download_kinds: "master,bounce".into(),
            expires_at: Some(4_102_444_800_000),
            revoked_at: None,
            dropbox_status: Some("ok".into()),
            producer: ProducerRow {
                handle: "bench".into(),
                display_name: "Bench Mark".into(),
                bio: None,
                avatar_url: Some("https://cdn.example.com/a.png".into()),
                header_url: Some("https://cdn.example.com/h.png".into()),
                theme_accent: Some("#22aa88".into()),
                theme_mode: Some("dark".into()),
                public_profile: true,
            },
        },
        place: Place::whole(tracks),
        tracks: ids
            .iter()
            .enumerate()
            .map(|(n, id)| TrackRow {
                id: id.clone(),
                title: format!("Night Drive {n}"),
                bpm: Some(122.0),
                musical_key: Some("G minor".into()),
                artwork_path: None,
            })
            .collect(),
        files: ids
            .iter()
            .flat_map(|id| [file(id, "master", "wav"), file(id, "bounce", "mp3")])
            .collect(),
        collaborators: ids
            .iter()
            .map(|id| CollaboratorRow {
                track_id: id.clone(),
                name: "Ada Marques".into(),
                role: Some("Vocals".into()),
                avatar_url: None,
                url: Some("https://example.com/ada".into()),
            })
            .collect(),
    }
}

/// Timed in batches over a fixed budget: the fastest batch is the page's
/// cost with the least interference from the rest of the machine, and the
/// median says how typical that was.
fn bench(name: &str, data: &SharePageData) {
    let run = || {
        pages::share(
            "benchTokenOf22Letters0",
            Some(black_box(data)),
            1_790_000_000_000,
            Some("https://share.example.com"),
            "nonce",
        )
    };
    let bytes = run().body.len();
    // Warm up (templates compile once per isolate), then time a fixed budget.
    for _ in 0..50 {
        black_box(run());
    }
    let per_batch = (2_000_000 / bytes.max(1)).clamp(5, 2_000) as u32;
    let (mut batches, start) = (Vec::new(), Instant::now());
    while start.elapsed() < Duration::from_secs(2) {
        let batch = Instant::now();
        for _ in 0..per_batch {
            black_box(run());
        }
        batches.push(batch.elapsed() / per_batch);
    }
    batches.sort();
    let (best, median) = (batches[0], batches[batches.len() / 2]);
    println!(
        "{name:<24} {best:>10.1?} per page (median {median:.1?}, {} batches of {per_batch}), {bytes} bytes of HTML",
        batches.len()
    );
}

fn main() {
    bench("share page, 1 track", &share_of(1));
    bench("share page, 20 tracks", &share_of(20));
    bench("share page, 100 tracks", &share_of(100));
}
