//! The official list of administrative units (GSO codes) and resolving what sources write
//! — a code, a name with or without diacritics, with or without "Huyện", "TT." … — to one
//! unit.
//!
//! Resolution never guesses: a name shared by several communes needs the district, and
//! anything that does not lead to exactly one unit is an error the row rules can report.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::text::{clean, fold, fold_compact};

/// The tier of an administrative unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    Province,
    District,
    Commune,
}

impl Level {
    /// The English word, as used in the file and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::District => "district",
            Level::Commune => "commune",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Level::Province => "provinces",
            Level::District => "districts",
            Level::Commune => "communes",
        }
    }

    fn parse(s: &str) -> Option<Level> {
        match s.trim().to_ascii_lowercase().as_str() {
            "province" => Some(Level::Province),
            "district" => Some(Level::District),
            "commune" => Some(Level::Commune),
            _ => None,
        }
    }

    /// The level a unit's parent must have. A list without districts (the units in force
    /// since 1 July 2025) gives communes a province as parent; [`OrgUnits::read`] allows it.
    fn parent(self) -> Option<Level> {
        match self {
            Level::Province => None,
            Level::District => Some(Level::Province),
            Level::Commune => Some(Level::District),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One administrative unit of the official list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUnit {
    /// GSO code as written in the list (`633`, `23941`).
    pub code: String,
    pub level: Level,
    /// "Tỉnh", "Thành phố", "Thị xã", "Huyện", "Phường", "Thị trấn" or "Xã".
    pub unit_type: String,
    /// The name without the unit type ("Chư Sê").
    pub name: String,
    /// The name with the unit type ("Huyện Chư Sê"), for display.
    pub full_name: String,
    pub parent_code: Option<String>,
}

/// A row of `org_units.csv`.
#[derive(Deserialize)]
struct Row {
    code: String,
    level: String,
    unit_type: String,
    name: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    name_ascii: String,
    #[serde(default)]
    parent_code: String,
}

/// What [`LoadError`] calls an org-units file.
const LIST: &str = "the list of org units";

/// A reference file could not be read; names the file and, when known, the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// What the file is: "the list of org units", "the crosswalk".
    pub what: &'static str,
    pub source_name: String,
    pub line: Option<u64>,
    pub message: String,
}

impl LoadError {
    /// A problem of `source_name`, a file of `what`, at `line` (None: the whole file).
    pub(crate) fn at(
        what: &'static str,
        source_name: &str,
        line: Option<u64>,
        message: String,
    ) -> Self {
        LoadError {
            what,
            source_name: source_name.to_string(),
            line,
            message,
        }
    }
}

/// The rows of a reference CSV file (`what`, named `source_name`), read by their header,
/// each with its line: a problem of the CSV itself names the file and the line. The lists
/// and the crosswalks are read so; each checks its own columns.
pub(crate) fn csv_rows<T: serde::de::DeserializeOwned>(
    r: impl std::io::Read,
    what: &'static str,
    source_name: &str,
) -> Result<Vec<(Option<u64>, T)>, LoadError> {
    let error = |line, message| LoadError::at(what, source_name, line, message);
    let mut reader = csv::Reader::from_reader(r);
    let headers = reader
        .headers()
        .map_err(|e| error(Some(1), e.to_string()))?
        .clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|e| error(e.position().map(csv::Position::line), e.to_string()))?;
        let line = record.position().map(csv::Position::line);
        let row: T = record
            .deserialize(Some(&headers))
            .map_err(|e| error(line, e.to_string()))?;
        rows.push((line, row));
    }
    Ok(rows)
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cannot read {} {}", self.what, self.source_name)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        write!(f, ": {}.", self.message)
    }
}

impl std::error::Error for LoadError {}

/// What a source wrote could not be resolved to exactly one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    /// The cell was blank.
    Empty { level: Level },
    /// A code that is not in the list.
    UnknownCode { level: Level, code: String },
    /// A name that is not in the list (in the given district, if one was given).
    Unknown {
        level: Level,
        text: String,
        district: Option<String>,
    },
    /// A name several units share; `candidates` are their codes.
    Ambiguous {
        level: Level,
        text: String,
        candidates: Vec<String>,
    },
    /// A code or prefixed name of a unit of another level ("633" given as a commune).
    WrongLevel {
        text: String,
        expected: Level,
        found: Level,
    },
    /// A commune code that belongs to another district than the one given.
    NotInDistrict { code: String, district: String },
    /// A commune code an earlier list had and this one has not (a commune merged or split
    /// by a reform): where its commune went.
    Retired { code: String, retired: Box<Retired> },
}

/// A commune code of an earlier list that the list in force no longer has, and where its
/// commune went (the crosswalk). A form that still writes it is from someone who has not
/// yet heard of the new commune, and the message that refuses it says what to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retired {
    /// The commune's name in the earlier list ("Phường Đống Đa").
    pub old_name: String,
    /// The key of that list ("2024").
    pub list: String,
    /// The commune of the list in force that took it, or the first part of it.
    pub new_code: String,
    pub new_name: String,
    /// Whether it went whole into `new_code` (false: it was split between communes).
    pub whole: bool,
    /// The day the list in force took effect.
    pub since: chrono::NaiveDate,
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolveError::Empty { level } => write!(f, "The {level} is blank."),
            ResolveError::UnknownCode { level, code } => {
                write!(f, "No {level} with code \"{code}\".")
            }
            ResolveError::Unknown {
                level,
                text,
                district: None,
            } => write!(f, "No {level} named \"{text}\"."),
            ResolveError::Unknown {
                level,
                text,
                district: Some(district),
            } => write!(f, "No {level} named \"{text}\" in district {district}."),
            ResolveError::Ambiguous {
                level,
                text,
                candidates,
            } => write!(
                f,
                "Several {} are named \"{text}\" ({}); the district is needed to choose.",
                level.plural(),
                candidates.join(", ")
            ),
            ResolveError::WrongLevel {
                text,
                expected,
                found,
            } => write!(f, "\"{text}\" is a {found}, not a {expected}."),
            ResolveError::NotInDistrict { code, district } => {
                write!(f, "Commune {code} is not in district {district}.")
            }
            ResolveError::Retired { code, retired: r } => {
                let since = r.since.format("%d/%m/%Y");
                let (old, new) = (&r.old_name, format!("{} ({})", r.new_code, r.new_name));
                match r.whole {
                    true => write!(
                        f,
                        "Commune code \"{code}\" was {old} in the list \"{}\"; since {since} it is part of {new}: write {} and report for the whole new commune.",
                        r.list, r.new_code
                    ),
                    false => write!(
                        f,
                        "Commune code \"{code}\" was {old} in the list \"{}\"; since {since} it is split between new communes, {new} among them: write the code of the one the report is for.",
                        r.list
                    ),
                }
            }
        }
    }
}

impl std::error::Error for ResolveError {}

/// Prefixes sources put before names, folded, longest first so "thi xa" is tried before
/// a bare "x" could match anything.
const PREFIXES: [(&str, Level, &str); 16] = [
    ("thanh pho", Level::District, "Thành phố"),
    // The island communes made special zones on 1 July 2025 ("Đặc khu Phú Quý").
    ("dac khu", Level::Commune, "Đặc khu"),
    ("thi tran", Level::Commune, "Thị trấn"),
    ("thi xa", Level::District, "Thị xã"),
    ("phuong", Level::Commune, "Phường"),
    ("huyen", Level::District, "Huyện"),
    ("quan", Level::District, "Quận"),
    ("tinh", Level::Province, "Tỉnh"),
    ("xa", Level::Commune, "Xã"),
    ("tp", Level::District, "Thành phố"),
    ("tx", Level::District, "Thị xã"),
    ("tt", Level::Commune, "Thị trấn"),
    ("h", Level::District, "Huyện"),
    ("p", Level::Commune, "Phường"),
    ("x", Level::Commune, "Xã"),
    ("q", Level::District, "Quận"),
];

/// A code as the GSO writes it for its level: 2 digits for a province, 3 for a district,
/// 5 for a commune, zero-padded (`1` and `0001` are Hà Nội's `01` as a province; `633` is
/// a district, `0633` too). `None` if `s` is not all digits.
fn normalise_code(s: &str, level: Level) -> Option<String> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = s.trim_start_matches('0');
    let width = match level {
        Level::Province => 2,
        Level::District => 3,
        Level::Commune => 5,
    };
    Some(format!("{digits:0>width$}"))
}

/// The level a bare code's width says (`01` a province, `001` a district, `00001` a commune).
fn level_of_width(code: &str) -> Option<Level> {
    match code.trim().len() {
        2 => Some(Level::Province),
        3 => Some(Level::District),
        5 => Some(Level::Commune),
        _ => None,
    }
}

/// The official list with lookups by code and by folded name.
#[derive(Debug, Clone)]
pub struct OrgUnits {
    units: Vec<OrgUnit>,
    by_code: HashMap<String, usize>,
    /// `fold_compact` of the name (and of the ASCII name) → units with that name.
    by_name: HashMap<String, Vec<usize>>,
    /// Commune codes of earlier lists this one no longer has (`UnitLists::load` fills
    /// it for the newest list), by code: what a refusal of one says.
    retired: HashMap<String, Retired>,
}

impl OrgUnits {
    /// Reads the list from `path`; errors name the file and the line.
    pub fn load(path: &Path) -> Result<Self, LoadError> {
        let source_name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| LoadError {
            what: LIST,
            source_name: source_name.clone(),
            line: None,
            message: e.to_string(),
        })?;
        Self::read(file, &source_name)
    }

    /// Reads the list from CSV with the columns
    /// `code,level,unit_type,name,full_name,name_ascii,parent_code`.
    pub fn from_csv_reader<R: std::io::Read>(r: R) -> Result<Self, LoadError> {
        Self::read(r, "(in memory)")
    }

    fn read<R: std::io::Read>(r: R, source_name: &str) -> Result<Self, LoadError> {
        let error = |line, message| LoadError::at(LIST, source_name, line, message);
        let mut units: Vec<OrgUnit> = Vec::new();
        let mut lines: Vec<u64> = Vec::new();
        let mut by_code: HashMap<String, usize> = HashMap::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (line, row) in csv_rows::<Row>(r, LIST, source_name)? {
            let level = Level::parse(&row.level)
                .ok_or_else(|| error(line, format!("unknown level \"{}\"", row.level)))?;
            let code = normalise_code(&row.code, level)
                .ok_or_else(|| error(line, format!("the code \"{}\" is not a number", row.code)))?;
            let name = clean(&row.name);
            if name.is_empty() {
                return Err(error(line, format!("unit {code} has no name")));
            }
            let parent_level = level.parent().unwrap_or(Level::Province);
            let parent_code = match normalise_code(&row.parent_code, parent_level) {
                Some(parent) => Some(parent),
                None if row.parent_code.trim().is_empty() => None,
                None => {
                    return Err(error(
                        line,
                        format!("the parent code \"{}\" is not a number", row.parent_code),
                    ))
                }
            };
            if by_code.contains_key(&code) {
                return Err(error(line, format!("the code {code} appears twice")));
            }
            let index = units.len();
            by_code.insert(code.clone(), index);
            let mut keys = vec![fold_compact(&name)];
            let ascii_key = fold_compact(&row.name_ascii);
            if !ascii_key.is_empty() && ascii_key != keys[0] {
                keys.push(ascii_key);
            }
            for key in keys {
                by_name.entry(key).or_default().push(index);
            }
            let full_name = match clean(&row.full_name) {
                full if full.is_empty() => format!("{} {name}", clean(&row.unit_type)),
                full => full,
            };
            units.push(OrgUnit {
                code,
                level,
                unit_type: clean(&row.unit_type),
                name,
                full_name,
                parent_code,
            });
            lines.push(line.unwrap_or_default());
        }
        let has_districts = units.iter().any(|u| u.level == Level::District);
        if !has_districts {
            // A commune's parent code was read at a district's width ("052"): it is the
            // province's ("52").
            for unit in units.iter_mut().filter(|u| u.level == Level::Commune) {
                if let Some(parent) = &unit.parent_code {
                    if let Some(code) = normalise_code(parent, Level::Province) {
                        unit.parent_code = Some(code);
                    }
                }
            }
        }
        // Parents are checked after reading, so the file may list units in any order.
        for (unit, line) in units.iter().zip(&lines) {
            let expected = unit.level.parent();
            let parent_level = unit.parent_code.as_ref().map(|p| {
                // The parent's code was read at the level expected; a unit of another
                // level with that number is named as what it is.
                let at = |level: Level| {
                    normalise_code(p, level)
                        .and_then(|c| by_code.get(&c))
                        .map(|&i| units[i].level)
                        .filter(|l| *l == level)
                };
                by_code.get(p).map(|&i| units[i].level).or_else(|| {
                    [Level::Province, Level::District, Level::Commune]
                        .into_iter()
                        .find_map(at)
                })
            });
            match (expected, parent_level) {
                (None, None) => {}
                (Some(_), None) => {
                    return Err(error(
                        Some(*line),
                        format!("{} {} has no parent", unit.level, unit.code),
                    ))
                }
                (_, Some(None)) => {
                    return Err(error(
                        Some(*line),
                        format!(
                            "the parent {} of {} is not in the list",
                            unit.parent_code.as_deref().unwrap_or_default(),
                            unit.code
                        ),
                    ))
                }
                // Since the 2025 reform communes belong to their province directly: in a
                // list without districts, and only there.
                (Some(Level::District), Some(Some(Level::Province)))
                    if unit.level == Level::Commune && !has_districts => {}
                (expected, Some(Some(found))) if expected != Some(found) => {
                    return Err(error(
                        Some(*line),
                        format!("{} {} has a {found} as parent", unit.level, unit.code),
                    ))
                }
                _ => {}
            }
        }
        Ok(OrgUnits {
            units,
            by_code,
            by_name,
            retired: HashMap::new(),
        })
    }

    /// All units, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &OrgUnit> {
        self.units.iter()
    }

    pub fn len(&self) -> usize {
        self.units.len()
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The unit with this code. The code is read at the level its width says, else at the
    /// one level where it names a unit (zero padding ignored); `None` when it names none, or
    /// units at several levels.
    pub fn get(&self, code: &str) -> Option<&OrgUnit> {
        if let Some(unit) = level_of_width(code).and_then(|level| self.get_at(code, level)) {
            return Some(unit);
        }
        let mut found = [Level::Province, Level::District, Level::Commune]
            .into_iter()
            .filter_map(|level| self.get_at(code, level));
        match (found.next(), found.next()) {
            (Some(unit), None) => Some(unit),
            _ => None,
        }
    }

    /// The unit of `level` with this code, zero padding ignored.
    pub fn get_at(&self, code: &str, level: Level) -> Option<&OrgUnit> {
        let code = normalise_code(code, level)?;
        self.by_code
            .get(&code)
            .map(|&i| &self.units[i])
            .filter(|u| u.level == level)
    }

    /// Whether the list has a district level: lists in force before 1 July 2025 do, the
    /// list of the reform has provinces and communes only.
    pub fn has_districts(&self) -> bool {
        self.units.iter().any(|u| u.level == Level::District)
    }

    /// The communes of a province, in file order: through its districts when the list has
    /// them, else its own.
    pub fn communes_of_province(&self, province_code: &str) -> Vec<&OrgUnit> {
        let Some(province) = normalise_code(province_code, Level::Province) else {
            return Vec::new();
        };
        let districts: Vec<&str> = self
            .districts_of(&province)
            .into_iter()
            .map(|d| d.code.as_str())
            .collect();
        self.units
            .iter()
            .filter(|u| u.level == Level::Commune)
            .filter(|u| match u.parent_code.as_deref() {
                Some(parent) => parent == province || districts.contains(&parent),
                None => false,
            })
            .collect()
    }

    /// The districts of a province, in file order.
    pub fn districts_of(&self, province_code: &str) -> Vec<&OrgUnit> {
        self.children(province_code, Level::District)
    }

    /// The communes of a district, in file order.
    pub fn communes_of(&self, district_code: &str) -> Vec<&OrgUnit> {
        self.children(district_code, Level::Commune)
    }

    fn children(&self, parent_code: &str, level: Level) -> Vec<&OrgUnit> {
        let Some(parent) = level.parent().and_then(|p| normalise_code(parent_code, p)) else {
            return Vec::new();
        };
        self.units
            .iter()
            .filter(|u| u.level == level && u.parent_code.as_deref() == Some(parent.as_str()))
            .collect()
    }

    /// The district code of a commune; `None` if `code` is not a commune.
    pub fn district_of_commune(&self, code: &str) -> Option<&str> {
        self.get_at(code, Level::Commune)
            .and_then(|u| u.parent_code.as_deref())
    }

    /// Resolves a district given by code or name ("633", "Huyện Chư Sê", "Dak Doa").
    pub fn resolve_district(&self, text: &str) -> Result<&OrgUnit, ResolveError> {
        self.resolve(text, Level::District, None)
    }

    /// Resolves a commune given by code or name; `district_code` chooses among communes
    /// of the same name, and a commune outside that district is an error.
    /// Records that `code`, a commune code of an earlier list, is not in this one.
    pub(crate) fn retire(&mut self, code: &str, retired: Retired) {
        if let Some(code) = normalise_code(code, Level::Commune) {
            if self.get_at(&code, Level::Commune).is_none() {
                self.retired.insert(code, retired);
            }
        }
    }

    /// The error for a code of `level` the list does not have: a retired commune code
    /// says where its commune went.
    fn unknown_code(&self, text: &str, level: Level) -> ResolveError {
        let retired = (level == Level::Commune)
            .then(|| normalise_code(text, level))
            .flatten()
            .and_then(|code| self.retired.get(&code));
        match retired {
            Some(r) => ResolveError::Retired {
                code: text.to_string(),
                retired: Box::new(r.clone()),
            },
            None => ResolveError::UnknownCode {
                level,
                code: text.to_string(),
            },
        }
    }

    pub fn resolve_commune(
        &self,
        text: &str,
        district_code: Option<&str>,
    ) -> Result<&OrgUnit, ResolveError> {
        self.resolve(text, Level::Commune, district_code)
    }

    fn resolve(
        &self,
        text: &str,
        level: Level,
        district_code: Option<&str>,
    ) -> Result<&OrgUnit, ResolveError> {
        let text = clean(text);
        if text.is_empty() {
            return Err(ResolveError::Empty { level });
        }
        // In a list without districts (since 1 July 2025) a commune's parent is its
        // province, and the code given to narrow the search is the province's.
        let district = district_code.map(|d| {
            self.get_at(d, Level::District)
                .or_else(|| {
                    self.get_at(d, Level::Province)
                        .filter(|_| !self.has_districts())
                })
                .map(|u| u.code.clone())
                .or_else(|| normalise_code(d, Level::District))
                .unwrap_or_else(|| clean(d))
        });

        if normalise_code(&text, level).is_some() {
            let unit = self
                .get_at(&text, level)
                .or_else(|| self.get(&text))
                .ok_or_else(|| self.unknown_code(&text, level))?;
            if unit.level != level {
                return Err(ResolveError::WrongLevel {
                    text,
                    expected: level,
                    found: unit.level,
                });
            }
            if let Some(district) = district.filter(|d| unit.parent_code.as_ref() != Some(d)) {
                return Err(ResolveError::NotInDistrict {
                    code: unit.code.clone(),
                    district,
                });
            }
            return Ok(unit);
        }

        let folded = fold(&text);
        let mut candidates = Vec::new();
        if let Some((prefix_level, unit_type, rest)) = split_prefix(&folded) {
            let named = self.named(&fold_compact(rest), prefix_level);
            if prefix_level == level {
                // The prefix narrows the type ("TT. Chư Sê" is the townlet) — unless no
                // unit of that type has the name: communes are regularly upgraded
                // (xã → phường, thị trấn) and old spellings linger in sources.
                let of_type: Vec<&OrgUnit> = named
                    .iter()
                    .copied()
                    .filter(|u| u.unit_type == unit_type)
                    .collect();
                candidates = if of_type.is_empty() { named } else { of_type };
            } else if !named.is_empty() && self.named(&fold_compact(&folded), level).is_empty() {
                return Err(ResolveError::WrongLevel {
                    text,
                    expected: level,
                    found: prefix_level,
                });
            }
        }
        // No prefix, or a name that merely starts like one ("H Bông").
        if candidates.is_empty() {
            candidates = self.named(&fold_compact(&folded), level);
        }

        if let Some(district) = &district {
            candidates.retain(|u| u.parent_code.as_ref() == Some(district));
        }
        // Folding merges names that differ only in diacritics, and some do: Chư Prông has
        // both "Ia Băng" and "Ia Bang". Text written with diacritics is trusted to spell
        // the name; text without any may be a stripped spelling of either, so it stays
        // ambiguous.
        if candidates.len() > 1 && !text.is_ascii() {
            let spelled = spelled_key(&text);
            let exact: Vec<&OrgUnit> = candidates
                .iter()
                .copied()
                .filter(|u| spelled.ends_with(&spelled_key(&u.name)))
                .collect();
            if !exact.is_empty() {
                candidates = exact;
            }
        }
        match candidates.as_slice() {
            [unit] => Ok(unit),
            [] => Err(ResolveError::Unknown {
                level,
                text,
                district,
            }),
            many => Err(ResolveError::Ambiguous {
                level,
                text,
                candidates: many.iter().map(|u| u.code.clone()).collect(),
            }),
        }
    }

    /// Units of `level` whose compact folded name is `key`.
    fn named(&self, key: &str, level: Level) -> Vec<&OrgUnit> {
        let mut found: Vec<&OrgUnit> = self
            .by_name
            .get(key)
            .into_iter()
            .flatten()
            .map(|&i| &self.units[i])
            .filter(|u| u.level == level)
            .collect();
        found.dedup_by(|a, b| a.code == b.code);
        found
    }
}

/// A name lowercased with only its letters and digits, diacritics kept: "Xã Ia Băng" →
/// "xãiabăng".
fn spelled_key(s: &str) -> String {
    clean(s)
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Splits a known prefix off a folded name: `"tt chu se"` → (commune, "Thị trấn",
/// `"chu se"`). The prefix must be a whole word and leave a name behind.
fn split_prefix(folded: &str) -> Option<(Level, &'static str, &str)> {
    PREFIXES.iter().find_map(|&(prefix, level, unit_type)| {
        folded
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix(' '))
            .filter(|rest| !rest.is_empty())
            .map(|rest| (level, unit_type, rest))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIA_LAI: &str = include_str!("../../reference/gia_lai_org_units_2021.csv");

    fn units() -> OrgUnits {
        OrgUnits::from_csv_reader(GIA_LAI.as_bytes()).unwrap()
    }

    fn district(text: &str) -> String {
        units()
            .resolve_district(text)
            .map(|u| u.code.clone())
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn commune(text: &str, district: Option<&str>) -> String {
        units()
            .resolve_commune(text, district)
            .map(|u| u.code.clone())
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn loads_the_official_list() {
        let units = units();
        assert_eq!(units.len(), 1 + 17 + 220);
        assert_eq!(units.districts_of("64").len(), 17);
        let total: usize = units
            .districts_of("64")
            .iter()
            .map(|d| units.communes_of(&d.code).len())
            .sum();
        assert_eq!(total, 220);
        let chu_se = units.get("633").unwrap();
        assert_eq!(chu_se.level, Level::District);
        assert_eq!(chu_se.unit_type, "Huyện");
        assert_eq!(chu_se.name, "Chư Sê");
        assert_eq!(chu_se.full_name, "Huyện Chư Sê");
        assert_eq!(chu_se.parent_code.as_deref(), Some("64"));
        assert_eq!(units.get("0633").map(|u| u.code.as_str()), Some("633"));
        assert_eq!(units.get("99999"), None);
        assert_eq!(units.get("abc"), None);
        assert_eq!(units.district_of_commune("23941"), Some("633"));
        assert_eq!(units.district_of_commune("633"), None);
        assert!(units.communes_of("23941").is_empty());
    }

    #[test]
    fn districts_by_code() {
        assert_eq!(district("633"), "633");
        assert_eq!(district("0633"), "633");
        assert_eq!(district(" 622 "), "622");
    }

    #[test]
    fn districts_by_name() {
        for text in [
            "Chư Sê",
            "chư sê",
            "CHƯ SÊ",
            "Chu Se",
            "Huyện Chư Sê",
            "huyen chu se",
            "H. Chư Sê",
            "H.Chư Sê",
        ] {
            assert_eq!(district(text), "633", "{text}");
        }
        for text in [
            "Pleiku",
            "TP. Pleiku",
            "TP Pleiku",
            "Thành phố Pleiku",
            "tp.pleiku",
        ] {
            assert_eq!(district(text), "622", "{text}");
        }
        for text in ["An Khê", "TX. An Khê", "Thị xã An Khê", "an khe"] {
            assert_eq!(district(text), "623", "{text}");
        }
    }

    #[test]
    fn city_districts_are_quan_and_may_be_numbers() {
        let vn = OrgUnits::from_csv_reader(
            include_str!("../../reference/vn_org_units_2021.csv").as_bytes(),
        )
        .unwrap();
        let code = |t: &str| vn.resolve_district(t).map(|u| u.code.clone());
        for text in ["Quận 1", "Q. 1", "quan 1"] {
            assert_eq!(code(text), Ok("760".to_string()), "{text}");
        }
        assert_eq!(code("Quận Ba Đình"), Ok("001".to_string()));
        assert_eq!(code("Quận 12"), Ok("761".to_string()));
        // A bare number is a code, not the name of Quận 1.
        assert_eq!(code("1"), Ok("001".to_string()));
    }

    #[test]
    fn spelling_variants_of_district_names() {
        for text in ["KBang", "K'Bang", "Kbang", "K Bang", "Huyện K'Bang"] {
            assert_eq!(district(text), "625", "{text}");
        }
        for text in [
            "Đăk Đoa",
            "Đắk Đoa",
            "Dak Doa",
            "Đak Đoa",
            "H. Đăk Đoa",
            "DAK DOA",
        ] {
            assert_eq!(district(text), "626", "{text}");
        }
    }

    #[test]
    fn communes_by_code() {
        assert_eq!(commune("23941", None), "23941");
        assert_eq!(commune("023941", None), "23941");
        assert_eq!(commune("23941", Some("633")), "23941");
        assert_eq!(
            units().resolve_commune("23941", Some("622")),
            Err(ResolveError::NotInDistrict {
                code: "23941".into(),
                district: "622".into()
            })
        );
        assert_eq!(
            units().resolve_commune("99999", None),
            Err(ResolveError::UnknownCode {
                level: Level::Commune,
                code: "99999".into()
            })
        );
    }

    #[test]
    fn codes_of_the_wrong_level() {
        assert_eq!(
            units().resolve_commune("633", None),
            Err(ResolveError::WrongLevel {
                text: "633".into(),
                expected: Level::Commune,
                found: Level::District
            })
        );
        assert_eq!(
            units().resolve_district("23941").unwrap_err().to_string(),
            "\"23941\" is a commune, not a district."
        );
        assert!(matches!(
            units().resolve_district("64"),
            Err(ResolveError::WrongLevel {
                found: Level::Province,
                ..
            })
        ));
    }

    #[test]
    fn communes_by_name_and_prefix() {
        for text in [
            "Ia Tiêm",
            "Xã Ia Tiêm",
            "X. Ia Tiêm",
            "xa ia tiem",
            "IA TIÊM",
            "Iatiêm",
        ] {
            assert_eq!(commune(text, None), "23944", "{text}");
        }
        for text in ["Yên Đỗ", "Phường Yên Đỗ", "P. Yên Đỗ", "P.Yên Đỗ", "yen do"]
        {
            assert_eq!(commune(text, None), "23557", "{text}");
        }
    }

    #[test]
    fn doubled_apostrophes_of_the_2021_list_match_single_ones() {
        // The 2021 publication writes "K'' Dang"; sources and the 2025 list write "K' Dang".
        for text in [
            "K' Dang",
            "K'' Dang",
            "Xã K'Dang",
            "K\u{2019} Dang",
            "xa k dang",
        ] {
            assert_eq!(commune(text, None), "23698", "{text}");
        }
        assert_eq!(commune("H' Neng", Some("626")), "23701");
    }

    #[test]
    fn names_that_start_like_a_prefix() {
        // "H Bông" is a commune of Chư Sê, not "Huyện Bông".
        assert_eq!(commune("H Bông", None), "23968");
        assert_eq!(commune("Xã H Bông", None), "23968");
    }

    #[test]
    fn chu_se_district_and_townlet() {
        assert_eq!(district("Chư Sê"), "633");
        assert_eq!(commune("Chư Sê", None), "23941");
        assert_eq!(commune("TT. Chư Sê", None), "23941");
        assert_eq!(commune("TT Chư Sê", None), "23941");
        assert_eq!(commune("Thị trấn Chư Sê", Some("633")), "23941");
        assert_eq!(
            units().resolve_commune("H. Chư Sê", None),
            Err(ResolveError::WrongLevel {
                text: "H. Chư Sê".into(),
                expected: Level::Commune,
                found: Level::District
            })
        );
        assert_eq!(
            units()
                .resolve_district("TT. Chư Sê")
                .unwrap_err()
                .to_string(),
            "\"TT. Chư Sê\" is a commune, not a district."
        );
    }

    #[test]
    fn shared_names_need_the_district() {
        assert_eq!(
            units().resolve_commune("Ia O", None),
            Err(ResolveError::Ambiguous {
                level: Level::Commune,
                text: "Ia O".into(),
                candidates: vec!["23782".into(), "23914".into()]
            })
        );
        assert_eq!(
            units()
                .resolve_commune("Xã Ia Băng", None)
                .unwrap_err()
                .to_string(),
            "Several communes are named \"Xã Ia Băng\" (23719, 23905); \
             the district is needed to choose."
        );
        assert_eq!(commune("Ia Băng", Some("632")), "23905");
        assert_eq!(commune("Ia O", Some("628")), "23782");
        assert_eq!(commune("Ia O", Some("632")), "23914");
        assert_eq!(commune("Ia Băng", Some("626")), "23719");
        assert_eq!(commune("Ia Sao", Some("624")), "24073");
        assert_eq!(commune("Tây Sơn", Some("622")), "23575");
        assert_eq!(commune("Tây Sơn", Some("0623")), "23617");
        assert!(matches!(
            units().resolve_commune("Tây Sơn", None),
            Err(ResolveError::Ambiguous { .. })
        ));
    }

    #[test]
    fn names_differing_only_in_diacritics() {
        // Chư Prông (632) has both Ia Băng (23905) and Ia Bang (23924).
        assert_eq!(commune("Ia Bang", Some("626")), "23719");
        assert_eq!(commune("Xã Ia Bang", Some("632")), "23924");
        assert_eq!(commune("X. Ia Băng", Some("632")), "23905");
        assert_eq!(
            units().resolve_commune("ia bang", Some("632")),
            Err(ResolveError::Ambiguous {
                level: Level::Commune,
                text: "ia bang".into(),
                candidates: vec!["23905".into(), "23924".into()]
            })
        );
        assert!(matches!(
            units().resolve_commune("Ia Bang", None),
            Err(ResolveError::Ambiguous { .. })
        ));
    }

    #[test]
    fn prefix_narrows_the_unit_type() {
        // An Phú is a xã of Pleiku and a phường of An Khê.
        assert_eq!(commune("Xã An Phú", None), "23602");
        assert_eq!(commune("Phường An Phú", None), "23620");
        assert!(matches!(
            units().resolve_commune("An Phú", None),
            Err(ResolveError::Ambiguous { .. })
        ));
        // A stale type still finds the unit when the name is unique.
        assert_eq!(commune("Xã Yên Đỗ", None), "23557");
    }

    #[test]
    fn unknown_names() {
        assert_eq!(
            units()
                .resolve_commune("Xã Không Có", Some("633"))
                .unwrap_err()
                .to_string(),
            "No commune named \"Xã Không Có\" in district 633."
        );
        assert_eq!(
            units()
                .resolve_district("Huyện Không Có")
                .unwrap_err()
                .to_string(),
            "No district named \"Huyện Không Có\"."
        );
        // Known, but in another district.
        assert!(matches!(
            units().resolve_commune("Ia Tiêm", Some("622")),
            Err(ResolveError::Unknown { .. })
        ));
        assert_eq!(
            units().resolve_commune("  ", None),
            Err(ResolveError::Empty {
                level: Level::Commune
            })
        );
        assert_eq!(
            units().resolve_district("").unwrap_err().to_string(),
            "The district is blank."
        );
    }

    #[test]
    fn codes_are_read_at_their_level_so_ha_noi_is_not_ba_dinh() {
        let units = OrgUnits::from_csv_reader(
            "code,level,unit_type,name,parent_code\n\
             01,province,Thành phố,Hà Nội,\n\
             001,district,Quận,Ba Đình,01\n\
             00001,commune,Phường,Phúc Xá,001\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(units.len(), 3);
        assert_eq!(units.get("01").map(|u| u.level), Some(Level::Province));
        assert_eq!(units.get("001").map(|u| u.level), Some(Level::District));
        assert_eq!(units.get("00001").map(|u| u.level), Some(Level::Commune));
        // A bare "1" names units at three levels: only a level tells them apart.
        assert!(units.get("1").is_none());
        assert_eq!(
            units.get_at("1", Level::Commune).map(|u| u.code.as_str()),
            Some("00001")
        );
        assert_eq!(
            units
                .resolve_commune("1", Some("1"))
                .map(|u| u.code.as_str()),
            Ok("00001")
        );
        assert_eq!(units.district_of_commune("00001"), Some("001"));
        assert_eq!(units.districts_of("1").len(), 1);
    }

    #[test]
    fn load_errors_name_the_line() {
        let header = "code,level,unit_type,name,full_name,name_ascii,parent_code\n";
        let cases = [
            (
                "64,province,Tỉnh,Gia Lai,,,\n633,ward,Huyện,Chư Sê,,,64\n",
                "Cannot read the list of org units (in memory), line 3: unknown level \"ward\".",
            ),
            (
                "64,province,Tỉnh,Gia Lai,,,\n64,province,Tỉnh,Gia Lai,,,\n",
                "Cannot read the list of org units (in memory), line 3: the code 64 appears twice.",
            ),
            (
                "633,district,Huyện,Chư Sê,,,64\n",
                "Cannot read the list of org units (in memory), line 2: \
                 the parent 64 of 633 is not in the list.",
            ),
            (
                // A province as a commune's parent only in a list without districts.
                "64,province,Tỉnh,Gia Lai,,,\n633,district,Huyện,Chư Sê,,,64\n\
                 23941,commune,Thị trấn,Chư Sê,,,64\n",
                "Cannot read the list of org units (in memory), line 4: \
                 commune 23941 has a province as parent.",
            ),
            (
                "x1,province,Tỉnh,Gia Lai,,,\n",
                "Cannot read the list of org units (in memory), line 2: \
                 the code \"x1\" is not a number.",
            ),
        ];
        for (body, message) in cases {
            let csv = format!("{header}{body}");
            let err = OrgUnits::from_csv_reader(csv.as_bytes()).unwrap_err();
            assert_eq!(err.to_string(), message);
        }
    }

    #[test]
    fn load_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("org_units.csv");
        std::fs::write(&path, GIA_LAI).unwrap();
        assert_eq!(OrgUnits::load(&path).unwrap().len(), 238);

        std::fs::write(&path, "code,level\n64,province,extra\n").unwrap();
        let err = OrgUnits::load(&path).unwrap_err();
        assert!(err.to_string().contains("org_units.csv"), "{err}");
        assert_eq!(err.line, Some(2));

        let missing = dir.path().join("missing.csv");
        let err = OrgUnits::load(&missing).unwrap_err();
        assert!(err.to_string().contains("missing.csv"), "{err}");
    }

    #[test]
    fn whatever_resolves_is_a_unit_of_its_level_that_resolves_to_itself() {
        let units = units();
        let alphabet: Vec<char> = "0123456789 .HTPXhtpxĐđ'Chư Sê IaO".chars().collect();
        let mut state: u64 = 0x1234_5678_9ABC_DEF0;
        for _ in 0..1000 {
            let mut s = String::new();
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            let len = (state >> 59) as usize;
            for _ in 0..len {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                s.push(alphabet[(state >> 33) as usize % alphabet.len()]);
            }
            if let Ok(d) = units.resolve_district(&s) {
                assert_eq!(d.level, Level::District, "{s:?}");
                assert_eq!(
                    units.resolve_district(&d.code).map(|u| &u.code),
                    Ok(&d.code)
                );
            }
            for within in [None, Some("633")] {
                if let Ok(c) = units.resolve_commune(&s, within) {
                    assert_eq!(c.level, Level::Commune, "{s:?}");
                    if let Some(district) = within {
                        assert_eq!(c.parent_code.as_deref(), Some(district), "{s:?}");
                    }
                }
            }
        }
        // The names above do resolve, so the checks are reached.
        assert!(units.resolve_district("Chư Sê").is_ok());
    }
}
