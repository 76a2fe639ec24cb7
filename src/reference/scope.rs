//! Which provinces a pipeline reports on: one (`province = "64"`), several
//! (`provinces = ["64", "01"]`) or every province of the org-units file (`provinces = "all"`).
//!
//! The scope decides the levels of the indicator table: one province gives the province and
//! its districts, as a provincial plan reads them; `provinces` gives the country (the sum of
//! the provinces in scope), each province and each district. "all" is resolved against the
//! org-units table when the indicators are computed, since the plan reads no data.

use crate::columns::{COUNTRY, LEVEL_COUNTRY, LEVEL_PROVINCE};

/// The provinces a pipeline covers, as written in the pipeline file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `province = "64"`: the province and its districts, no country row.
    Province(String),
    /// `provinces = ["64", "01"]`: the country (their sum), each province, each district.
    Provinces(Vec<String>),
    /// `provinces = "all"`: as `Provinces`, with every province of the org-units table.
    AllProvinces,
}

impl Scope {
    /// The one province of a provincial pipeline; `None` when the scope has a country level.
    pub fn single_province(&self) -> Option<&str> {
        match self {
            Scope::Province(code) => Some(code),
            Scope::Provinces(_) | Scope::AllProvinces => None,
        }
    }

    /// Whether the indicators have a country level above the provinces.
    pub fn has_country(&self) -> bool {
        self.single_province().is_none()
    }

    /// The provinces named in the file; `None` for "all" (every province of the org units).
    pub fn named_provinces(&self) -> Option<Vec<&str>> {
        match self {
            Scope::Province(code) => Some(vec![code.as_str()]),
            Scope::Provinces(codes) => Some(codes.iter().map(String::as_str).collect()),
            Scope::AllProvinces => None,
        }
    }

    /// Whether province `code` is in scope.
    pub fn covers(&self, code: &str) -> bool {
        match self.named_provinces() {
            Some(codes) => codes.contains(&code),
            None => true,
        }
    }

    /// How a message names the scope: "province 64", "provinces 64, 01", "every province".
    pub fn describe(&self) -> String {
        match self {
            Scope::Province(code) => format!("province {code}"),
            Scope::Provinces(codes) => format!("provinces {}", codes.join(", ")),
            Scope::AllProvinces => "every province".to_string(),
        }
    }
}

/// The unit a plan's summaries speak for (scorecard, status, charts, pack, report) and the
/// levels below it: a province and its districts, or the country and its provinces when
/// the pipeline covers several provinces. Every step takes it from
/// [`Plan::top_unit`](crate::config::Plan::top_unit), so none has to know the reform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopUnit {
    pub code: String,
    pub level: &'static str,
    /// The units shown beside the top one: districts or communes of the province, the
    /// provinces of the country.
    pub child_level: &'static str,
    /// The units that send forms 1–4 and hold the events, whatever the scope: districts,
    /// or communes under the 2025 units. "Districts holding the Month of Action" counts
    /// these, also at national scope, where the children shown are provinces.
    pub reporting_level: &'static str,
}

impl TopUnit {
    /// The top unit of a pipeline over `scope` whose units below the province are
    /// `reporting_level` (districts; communes under the units of the 2025 reform).
    pub fn reporting(scope: &Scope, reporting_level: &'static str) -> Self {
        match scope.single_province() {
            Some(province) => TopUnit {
                code: province.to_string(),
                level: LEVEL_PROVINCE,
                child_level: reporting_level,
                reporting_level,
            },
            None => TopUnit {
                code: COUNTRY.to_string(),
                level: LEVEL_COUNTRY,
                child_level: LEVEL_PROVINCE,
                reporting_level,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::{LEVEL_COMMUNE, LEVEL_DISTRICT};

    #[test]
    fn only_a_provincial_scope_has_no_country_level() {
        assert!(!Scope::Province("64".into()).has_country());
        assert!(Scope::Provinces(vec!["64".into()]).has_country());
        assert!(Scope::AllProvinces.has_country());
    }

    #[test]
    fn all_covers_every_province_and_a_list_only_its_own() {
        let two = Scope::Provinces(vec!["64".into(), "01".into()]);
        assert!(two.covers("01") && !two.covers("70"));
        assert!(Scope::AllProvinces.covers("70"));
        assert!(!Scope::Province("64".into()).covers("01"));
    }

    #[test]
    fn the_top_unit_is_the_country_of_several_provinces() {
        let top = TopUnit::reporting(&Scope::AllProvinces, LEVEL_COMMUNE);
        assert_eq!(
            (top.code.as_str(), top.child_level, top.reporting_level),
            (COUNTRY, LEVEL_PROVINCE, LEVEL_COMMUNE)
        );
        let top = TopUnit::reporting(&Scope::Province("64".into()), LEVEL_DISTRICT);
        assert_eq!(
            (top.code.as_str(), top.level, top.child_level),
            ("64", LEVEL_PROVINCE, LEVEL_DISTRICT)
        );
    }
}
