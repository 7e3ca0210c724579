//! The documented maximums (README, "Limits"). They keep every page
//! renderable well inside a request's CPU budget: the largest share they
//! allow is measured in BENCHMARKS.md. A request over one gets a 422 that
//! names it.

/// Tracks in one share.
pub const TRACKS_PER_SHARE: usize = 100;
/// Tracks one import from Dropbox proposes at most.
pub const TRACKS_PER_IMPORT: usize = 20;
/// Files (or folders) of one track.
pub const FILES_PER_TRACK: usize = 8;
/// Collaborators credited on one track.
pub const COLLABORATORS_PER_TRACK: usize = 5;
/// Live (not deleted) tracks in one producer's library.
pub const TRACKS_PER_PRODUCER: i64 = 2_000;
/// Active API keys of one producer: enough for a key per machine or tool,
/// few enough that a leaked key cannot mint an unbounded supply of others.
pub const ACTIVE_KEYS: i64 = 20;

/// Characters of each kind of text.
pub const DISPLAY_NAME_CHARS: usize = 80;
pub const BIO_CHARS: usize = 1_000;
pub const TRACK_TITLE_CHARS: usize = 100;
pub const MUSICAL_KEY_CHARS: usize = 40;
pub const FILE_LABEL_CHARS: usize = 40;
pub const PERSON_CHARS: usize = 60;
pub const SHARE_TITLE_CHARS: usize = 120;
pub const DESCRIPTION_CHARS: usize = 2_000;
pub const URL_CHARS: usize = 2_048;
pub const DROPBOX_PATH_CHARS: usize = 1_024;

/// Request bodies larger than this are refused before they are parsed.
pub const BODY_BYTES: usize = 64 * 1024;
