//! What communes and districts send, one file per source: how each is found, decoded and
//! read into typed records. `tabular` turns any CSV or workbook into rows of text, `headers`
//! finds the columns by their Vietnamese names, and each source file (`child_registry`,
//! `cases`) turns one row into a record or says which column is wrong and why; the
//! district reports' file also says how its workbooks are laid out and read whole.
//!
//! Beneath the ingest step, which drives these files and writes what they return; nothing
//! here imports a step.

pub mod cases;
pub mod child_registry;
pub mod date_order;
pub mod district_reports;
pub mod form_table;
pub mod fund;
pub mod headers;
pub mod row;
pub mod tabular;

/// The kinds of input a pipeline declares under `[sources]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceKind {
    ChildRegistry,
    Cases,
    DistrictReports,
    Fund,
}

impl SourceKind {
    pub const ALL: [SourceKind; 4] = [
        SourceKind::ChildRegistry,
        SourceKind::Cases,
        SourceKind::DistrictReports,
        SourceKind::Fund,
    ];

    /// The key under `[sources]` and `[headers]`.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::ChildRegistry => "child_registry",
            SourceKind::Cases => "cases",
            SourceKind::DistrictReports => "district_reports",
            SourceKind::Fund => "fund",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The columns a pipeline file may give extra header names for.
    pub fn columns(self) -> Vec<&'static str> {
        match self {
            SourceKind::ChildRegistry => child_registry::COLUMNS.iter().map(|c| c.column).collect(),
            SourceKind::Cases => cases::COLUMNS.iter().map(|c| c.column).collect(),
            SourceKind::Fund => fund::COLUMNS.iter().map(|c| c.column).collect(),
            SourceKind::DistrictReports => Vec::new(),
        }
    }
}
