//! Org-unit lists with the date each is in force from: the units of 2021, of 4 January 2025
//! and of the reform of 1 July 2025 are different lists, and a code is always read in its
//! own one (23563 was Phường Ia Kring of Pleiku until 30 June 2025 and is Phường Diên Hồng,
//! which merged it with Yên Đỗ and Diên Hồng, since).
//!
//! A row's list is the one in force on its date (a registry snapshot's date, the day a case
//! occurred) unless the pipeline file names one for a period; trends between lists go
//! through the crosswalk (`crosswalk.rs`), never through a bare code.

use chrono::NaiveDate;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use polars::prelude::DataFrame;

use super::crosswalk::{compose, touched, SplitRule, Step, EXACT, NEW_CODE, OLD_CODE};
use super::org_units::{Level, LoadError, OrgUnits, Retired};

/// A list's file as a pipeline names it: key, first day in force, path, and the
/// conversion table into it from the list before.
pub type ListFile = (String, NaiveDate, PathBuf, Option<PathBuf>);

/// One list of org units and the first day it is in force.
#[derive(Debug, Clone)]
pub struct UnitList {
    /// The name the pipeline file gives it ("2024", "2025").
    pub key: String,
    pub in_force_from: NaiveDate,
    pub units: OrgUnits,
}

/// The lists of a pipeline, oldest first. A pipeline with one list has one entry, in force
/// from the beginning of time.
#[derive(Debug, Clone)]
pub struct UnitLists {
    /// Every list but the newest, oldest first; empty with one list.
    earlier: Vec<UnitList>,
    /// The newest list: held apart, so that there is always one.
    newest: UnitList,
    /// For each list but the newest, by key: its codes and the newest list's commune each
    /// became (crosswalk::OLD_CODE, NEW_CODE, EXACT), every step between composed.
    to_newest: BTreeMap<String, DataFrame>,
    /// The same, by old code: what ingestion looks up for an export that still writes a
    /// code of an earlier list (a few rows, where a join would cost a frame per row).
    stale: BTreeMap<String, HashMap<String, (String, bool)>>,
    /// For each list but the newest: the newest list's communes that received part of a
    /// commune of it split by a later reform.
    touched: BTreeMap<String, Vec<String>>,
}

impl UnitLists {
    /// The lists, in any order; ordered here by the date they are in force from. None
    /// when there is no list at all. Two lists in force from the same day are a mistake
    /// of the pipeline file, which the plan refuses before this is built.
    fn new(mut lists: Vec<UnitList>) -> Option<Self> {
        lists.sort_by_key(|l| l.in_force_from);
        let newest = lists.pop()?;
        Some(UnitLists {
            earlier: lists,
            newest,
            to_newest: BTreeMap::new(),
            stale: BTreeMap::new(),
            touched: BTreeMap::new(),
        })
    }

    /// One list, in force from any date.
    pub fn single(units: OrgUnits) -> Self {
        UnitLists {
            earlier: Vec::new(),
            newest: UnitList {
                key: String::new(),
                in_force_from: NaiveDate::MIN,
                units,
            },
            to_newest: BTreeMap::new(),
            stale: BTreeMap::new(),
            touched: BTreeMap::new(),
        }
    }

    /// Reads every list of `files` (key, first day in force, path, the conversion table
    /// into it from the list before), oldest first, and composes the crosswalk from each
    /// list to the newest.
    pub fn load(files: &[ListFile], rule: SplitRule) -> Result<Self, LoadError> {
        let mut lists = Vec::new();
        let mut steps = Vec::new();
        for (key, from, path, crosswalk) in files {
            lists.push(UnitList {
                key: key.clone(),
                in_force_from: *from,
                units: OrgUnits::load(path)?,
            });
            steps.push(match crosswalk {
                Some(path) => Some(Step::load(path, rule)?),
                None => None,
            });
        }
        let mut to_newest = BTreeMap::new();
        let mut touched_by = BTreeMap::new();
        for (i, list) in lists.iter().enumerate().take(lists.len().saturating_sub(1)) {
            let later: Vec<&Step> = steps[i + 1..].iter().flatten().collect();
            let failed = |e: polars::prelude::PolarsError| LoadError {
                what: "the crosswalk",
                source_name: format!("into the list \"{}\"", list.key),
                line: None,
                message: e.to_string(),
            };
            let table = compose(&later).map_err(failed)?;
            to_newest.insert(list.key.clone(), table);
            touched_by.insert(list.key.clone(), touched(&later).map_err(failed)?);
        }
        let mut stale = BTreeMap::new();
        for (key, table) in &to_newest {
            stale.insert(key.clone(), by_old_code(table));
        }
        retire_old_codes(&mut lists, &stale);
        let mut all = UnitLists::new(lists).ok_or_else(|| {
            LoadError::at(
                "the lists of org units",
                "[[unit_lists]]",
                None,
                "no list of org units is given".to_string(),
            )
        })?;
        all.to_newest = to_newest;
        all.stale = stale;
        all.touched = touched_by;
        Ok(all)
    }

    /// The crosswalk from list `key` to the newest (old_commune_code, new_commune_code,
    /// exact); `None` for the newest list itself.
    pub fn to_newest(&self, key: &str) -> Option<&DataFrame> {
        self.to_newest.get(key)
    }

    /// The newest list's communes that received part of a commune of list `key` split
    /// since: their counts under list `key` are not exactly theirs.
    pub fn touched(&self, key: &str) -> &[String] {
        self.touched.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The commune of the newest list that `code`, a code of list `key`, became, and
    /// whether exactly; `None` where the crosswalk does not list it.
    pub fn newest_commune(&self, key: &str, code: &str) -> Option<&(String, bool)> {
        self.stale.get(key)?.get(code)
    }

    /// The list in force on `date`: the last one in force from that day or before; the
    /// oldest for a date before all of them (data older than the oldest list is read in it
    /// rather than refused).
    pub fn in_force_on(&self, date: NaiveDate) -> &UnitList {
        self.iter()
            .rev()
            .find(|l| l.in_force_from <= date)
            .unwrap_or_else(|| self.earlier.first().unwrap_or(&self.newest))
    }

    /// The list named `key`.
    pub fn get(&self, key: &str) -> Option<&UnitList> {
        self.iter().find(|l| l.key == key)
    }

    /// The newest list: the units a versioned pipeline reports on.
    pub fn latest(&self) -> &UnitList {
        &self.newest
    }

    /// Whether there is more than one list (and so a crosswalk between them).
    pub fn is_versioned(&self) -> bool {
        !self.earlier.is_empty()
    }

    /// Every list, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &UnitList> {
        self.earlier.iter().chain(std::iter::once(&self.newest))
    }
}

/// A crosswalk table as a map from old code to (new code, exact).
/// Tells the newest list where each commune code of an earlier list that it no longer has
/// went, so that a refusal of the code can say what to write instead. `lists` oldest first;
/// a code several earlier lists had is told as the most recent of them knew it.
fn retire_old_codes(
    lists: &mut [UnitList],
    stale: &BTreeMap<String, HashMap<String, (String, bool)>>,
) {
    let Some((newest, earlier)) = lists.split_last_mut() else {
        return;
    };
    for list in earlier.iter() {
        let Some(moved) = stale.get(&list.key) else {
            continue;
        };
        for (old_code, (new_code, whole)) in moved {
            let (Some(old), Some(new)) = (
                list.units.get_at(old_code, Level::Commune),
                newest.units.get_at(new_code, Level::Commune),
            ) else {
                continue;
            };
            let retired = Retired {
                old_name: old.full_name.clone(),
                list: list.key.clone(),
                new_code: new.code.clone(),
                new_name: new.full_name.clone(),
                whole: *whole,
                since: newest.in_force_from,
            };
            newest.units.retire(old_code, retired);
        }
    }
}

fn by_old_code(table: &DataFrame) -> HashMap<String, (String, bool)> {
    let columns = (
        table.column(OLD_CODE).and_then(|c| c.str().cloned()),
        table.column(NEW_CODE).and_then(|c| c.str().cloned()),
        table.column(EXACT).and_then(|c| c.bool().cloned()),
    );
    let (Ok(old), Ok(new), Ok(exact)) = columns else {
        return HashMap::new();
    };
    (0..table.height())
        .filter_map(|i| {
            Some((
                old.get(i)?.to_string(),
                (new.get(i)?.to_string(), exact.get(i)?),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::reference::Level;

    const JAN_2025: &str = include_str!("../../reference/vn_org_units_2025-01-04.csv");
    const JUL_2025: &str = include_str!("../../reference/vn_org_units_2025-07-01.csv");

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn lists() -> UnitLists {
        let read = |text: &str| OrgUnits::from_csv_reader(text.as_bytes()).unwrap();
        UnitLists::new(vec![
            UnitList {
                key: "2025".into(),
                in_force_from: date(2025, 7, 1),
                units: read(JUL_2025),
            },
            UnitList {
                key: "2024".into(),
                in_force_from: date(2024, 11, 1),
                units: read(JAN_2025),
            },
        ])
        .unwrap()
    }

    #[test]
    fn a_code_the_reform_retired_is_refused_with_where_its_commune_went() {
        let sample =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/gia_lai_2026/reference");
        let files: Vec<ListFile> = vec![
            (
                "2024".into(),
                date(2024, 11, 1),
                sample.join("org_units_2024.csv"),
                None,
            ),
            (
                "2025".into(),
                date(2025, 7, 1),
                sample.join("org_units_2025.csv"),
                Some(sample.join("crosswalk_2025.csv")),
            ),
        ];
        let lists = UnitLists::load(&files, SplitRule::KeptCode).unwrap();
        let units = &lists.latest().units;
        // Phường Đống Đa (21556) went whole into Phường Quy Nhơn (21583).
        let refused = units.resolve_commune("21556", None).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "Commune code \"21556\" was Phường Đống Đa in the list \"2024\"; since 01/07/2025 it is part of 21583 (Phường Quy Nhơn): write 21583 and report for the whole new commune."
        );
        // Xã Canh Hiệp (22000) was split: the report's own commune must be chosen.
        let split = units
            .resolve_commune("22000", None)
            .unwrap_err()
            .to_string();
        assert!(split.contains("split between new communes"), "{split}");
        // A code the new list reuses is its new commune; one no list has is unknown.
        assert_eq!(units.resolve_commune("21583", None).unwrap().code, "21583");
        assert_eq!(
            units
                .resolve_commune("99999", None)
                .unwrap_err()
                .to_string(),
            "No commune with code \"99999\"."
        );
    }

    #[test]
    fn no_list_at_all_is_refused() {
        let refused = UnitLists::load(&[], SplitRule::KeptCode).unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("no list of org units is given"),
            "{refused}"
        );
    }

    #[test]
    fn a_date_picks_the_list_in_force() {
        let lists = lists();
        assert_eq!(lists.in_force_on(date(2024, 12, 31)).key, "2024");
        assert_eq!(lists.in_force_on(date(2025, 6, 30)).key, "2024");
        assert_eq!(lists.in_force_on(date(2025, 7, 1)).key, "2025");
        assert_eq!(lists.in_force_on(date(2026, 12, 31)).key, "2025");
        // Older than every list: the oldest.
        assert_eq!(lists.in_force_on(date(2020, 1, 1)).key, "2024");
        assert_eq!(lists.latest().key, "2025");
        assert!(lists.is_versioned());
        assert_eq!(
            lists.get("2024").map(|l| l.in_force_from),
            Some(date(2024, 11, 1))
        );
    }

    #[test]
    fn a_reused_code_is_read_in_its_list() {
        let lists = lists();
        let old = lists
            .in_force_on(date(2024, 12, 31))
            .units
            .get("23563")
            .unwrap();
        assert_eq!(
            (old.full_name.as_str(), old.parent_code.as_deref()),
            ("Phường Ia Kring", Some("622"))
        );
        let new = lists
            .in_force_on(date(2026, 6, 30))
            .units
            .get("23563")
            .unwrap();
        assert_eq!(
            (new.full_name.as_str(), new.parent_code.as_deref()),
            ("Phường Diên Hồng", Some("52"))
        );
    }

    #[test]
    fn the_reform_list_has_provinces_and_communes_only() {
        let lists = lists();
        let units = &lists.latest().units;
        assert!(!units.has_districts());
        assert_eq!(
            units.iter().filter(|u| u.level == Level::Province).count(),
            34
        );
        assert_eq!(
            units.iter().filter(|u| u.level == Level::Commune).count(),
            3321
        );
        // The new Gia Lai (52): 135 units, 110 xã and 25 phường.
        let gia_lai = units.communes_of_province("52");
        assert_eq!(gia_lai.len(), 135);
        assert_eq!(
            gia_lai.iter().filter(|u| u.unit_type == "Phường").count(),
            25
        );
        assert_eq!(units.get("52").map(|u| u.name.as_str()), Some("Gia Lai"));
        assert!(units.get("64").is_none(), "code 64 is retired");
        // Before the reform, 52 was Bình Định with 155 communes (158 rows of the conversion
        // table: three of them split), 64 old Gia Lai with 218.
        let before = &lists.in_force_on(date(2025, 1, 4)).units;
        assert!(before.has_districts());
        assert_eq!(before.get("52").map(|u| u.name.as_str()), Some("Bình Định"));
        assert_eq!(before.communes_of_province("52").len(), 155);
        assert_eq!(before.communes_of_province("64").len(), 218);
    }

    #[test]
    fn reform_names_resolve() {
        let lists = lists();
        let units = &lists.latest().units;
        let code = |t: &str| units.resolve_commune(t, None).map(|u| u.code.clone());
        // Phường Diên Hồng is a ward of Gia Lai and one of Hồ Chí Minh City: the name
        // needs the province's code… or the code.
        assert!(code("Phường Diên Hồng").is_err());
        assert_eq!(code("23563"), Ok("23563".to_string()));
        assert_eq!(
            units
                .resolve_commune("Phường Diên Hồng", Some("52"))
                .map(|u| u.code.clone()),
            Ok("23563".to_string())
        );
        for text in ["Đặc khu Phú Quý", "dac khu phu quy", "Phú Quý"] {
            let unit = units
                .resolve_commune(text, None)
                .unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(unit.unit_type, "Đặc khu", "{text}");
        }
    }
}
