//! The fields a page label can name, by their names in
//! `data/ingest/page_facts.json`. Shared through `#[path]` by `build.rs`,
//! which checks the file's keys against [`Field::NAMES`] and writes each
//! label list under its variant.

/// The fields a page label can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Field {
    Phase,
    Status,
    StudyType,
    Enrollment,
    Ages,
    MinimumAge,
    MaximumAge,
    Sex,
    HealthyVolunteers,
    Sponsor,
    Id,
    StartDate,
    CompletionDate,
    Conditions,
    OfficialTitle,
    Title,
}

impl Field {
    /// Every field with its key in `data/ingest/page_facts.json`, in the
    /// order of the variants. Only `build.rs` reads it.
    #[allow(dead_code)]
    pub(crate) const NAMES: [(&'static str, Field); 16] = [
        ("phase", Field::Phase),
        ("status", Field::Status),
        ("studyType", Field::StudyType),
        ("enrollment", Field::Enrollment),
        ("ages", Field::Ages),
        ("minimumAge", Field::MinimumAge),
        ("maximumAge", Field::MaximumAge),
        ("sex", Field::Sex),
        ("healthyVolunteers", Field::HealthyVolunteers),
        ("sponsor", Field::Sponsor),
        ("id", Field::Id),
        ("startDate", Field::StartDate),
        ("completionDate", Field::CompletionDate),
        ("conditions", Field::Conditions),
        ("officialTitle", Field::OfficialTitle),
        ("title", Field::Title),
    ];
}
