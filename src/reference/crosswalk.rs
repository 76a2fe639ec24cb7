//! The crosswalk from old communes to new ones: the statistics office's conversion table of
//! the 2025 reform, and any earlier step (old Gia Lai's of 1 November 2024), composed into
//! one table per list of org units — every code of that list and the commune of the newest
//! list it became — which the indicators join their rows to (a join, never a search per
//! row).
//!
//! An old commune merged whole into a new one maps exactly. One split between several new
//! communes (`part` kinds) has its rows — which do not say where the child lives now —
//! allocated to one of them by the pipeline file's [`SplitRule`], and every such mapping
//! is marked inexact, so the indicators it touches can say they are not exactly
//! comparable. A commune that gave part of its area but all of its people to one new
//! commune (`part_area_all_population`) maps exactly to that one.

use std::path::Path;

use polars::prelude::*;
use serde::Deserialize;

use super::org_units::LoadError;

/// Columns of a crosswalk table.
pub const OLD_CODE: &str = "old_commune_code";
pub const NEW_CODE: &str = "new_commune_code";
/// Whether the old commune's rows all belong to the new one (false: a split, allocated).
pub const EXACT: &str = "exact";

/// Where the rows of a commune split between new communes go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitRule {
    /// To the new commune that kept the old commune's code (a new commune takes the code of
    /// one of the communes merged into it, mostly the largest), else the first the table
    /// lists for it.
    KeptCode,
    /// To the first new commune the table lists for it.
    FirstListed,
}

impl SplitRule {
    pub const NAMES: [&'static str; 2] = ["kept_code", "first_listed"];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "kept_code" => Some(SplitRule::KeptCode),
            "first_listed" => Some(SplitRule::FirstListed),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SplitRule::KeptCode => "kept_code",
            SplitRule::FirstListed => "first_listed",
        }
    }
}

/// One row of a step's file: the conversion table's columns, or the few a hand-made step
/// needs (`old_commune_code,new_commune_code,merge_kind`).
#[derive(Deserialize)]
struct StepRow {
    old_commune_code: String,
    new_commune_code: String,
    merge_kind: String,
}

/// A step's file could not be read: a [`LoadError`] that says "the crosswalk".
pub type CrosswalkError = LoadError;

/// What [`LoadError`] calls a crosswalk file.
const CROSSWALK: &str = "the crosswalk";

/// The kinds of the conversion table (its README); anything else is refused.
const KINDS: [&str; 7] = [
    "whole",
    "unchanged",
    "part",
    "part_area",
    "part_area_all_population",
    "remainder",
    "other",
];

/// One step between two lists: each old code listed and the one new commune its rows go
/// to (old_commune_code, new_commune_code, exact). Codes a step does not list are not
/// changed by it.
#[derive(Debug, Clone)]
pub struct Step {
    pub table: DataFrame,
    /// The new communes that received part of a split commune: whichever way its rows
    /// are allocated, their counts under the old units are not exactly theirs.
    pub split_targets: Vec<String>,
}

impl Step {
    /// Reads a step from a CSV file.
    pub fn load(path: &Path, rule: SplitRule) -> Result<Self, CrosswalkError> {
        let file = std::fs::File::open(path).map_err(|e| CrosswalkError {
            what: CROSSWALK,
            source_name: path.display().to_string(),
            line: None,
            message: e.to_string(),
        })?;
        Self::read(file, &path.display().to_string(), rule)
    }

    /// Reads a step from CSV text.
    pub fn read<R: std::io::Read>(
        r: R,
        name: &str,
        rule: SplitRule,
    ) -> Result<Self, CrosswalkError> {
        let error = |line, message| CrosswalkError::at(CROSSWALK, name, line, message);
        let (mut old, mut new, mut kind) = (Vec::new(), Vec::new(), Vec::new());
        for (line, row) in super::org_units::csv_rows::<StepRow>(r, CROSSWALK, name)? {
            let merge_kind = row.merge_kind.trim();
            if !KINDS.contains(&merge_kind) {
                return Err(error(
                    line,
                    format!(
                        "the merge kind \"{merge_kind}\" is not one of {}",
                        KINDS.join(", ")
                    ),
                ));
            }
            // The conversion table has a few rows for island districts that had no
            // commune: nothing of a commune's rows can go through them.
            if row.old_commune_code.trim().is_empty() {
                continue;
            }
            let code = |s: &str, column: &str| -> Result<String, CrosswalkError> {
                let s = s.trim();
                if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(error(
                        line,
                        format!("{column} \"{s}\" is not a commune code"),
                    ));
                }
                Ok(format!("{:0>5}", s.trim_start_matches('0')))
            };
            old.push(code(&row.old_commune_code, OLD_CODE)?);
            new.push(code(&row.new_commune_code, NEW_CODE)?);
            kind.push(merge_kind.to_string());
        }
        let rows = df!(OLD_CODE => old, NEW_CODE => new, "merge_kind" => kind)
            .map_err(|e| error(None, e.to_string()))?;
        let table = allocate(rows.clone().lazy(), rule)
            .collect()
            .map_err(|e| error(None, e.to_string()))?;
        let split_targets = rows
            .lazy()
            .join(
                table.clone().lazy().select([col(OLD_CODE), col(EXACT)]),
                [col(OLD_CODE)],
                [col(OLD_CODE)],
                JoinArgs::new(JoinType::Inner),
            )
            .filter(col(EXACT).not())
            .select([col(NEW_CODE)])
            .unique_stable(None, UniqueKeepStrategy::First)
            .collect()
            .map_err(|e| error(None, e.to_string()))?;
        let mut split_targets = strings(&split_targets, NEW_CODE);
        split_targets.sort();
        Ok(Step {
            table,
            split_targets,
        })
    }
}

/// One new commune per old code: the only one; else the one that took all its people;
/// else by `rule`. A mapping is exact when the old commune went to one new commune only
/// (whatever the kind says: `part` rows of one old code that all lead to the same new
/// commune are a whole merge), or gave all its people to the chosen one.
fn allocate(rows: LazyFrame, rule: SplitRule) -> LazyFrame {
    let all_people = col("merge_kind").eq(lit("part_area_all_population"));
    let kept = col(NEW_CODE).eq(col(OLD_CODE));
    let preference = when(all_people.clone())
        .then(lit(0))
        .when(kept.and(lit(rule == SplitRule::KeptCode)))
        .then(lit(1))
        .otherwise(lit(2));
    let targets = rows
        .clone()
        .group_by([col(OLD_CODE)])
        .agg([col(NEW_CODE).n_unique().alias("__targets")]);
    rows.with_row_index("__order", None)
        .with_column(preference.alias("__preference"))
        .join(
            targets,
            [col(OLD_CODE)],
            [col(OLD_CODE)],
            JoinArgs::new(JoinType::Left),
        )
        .sort(["__preference", "__order"], SortMultipleOptions::default())
        .group_by_stable([col(OLD_CODE)])
        .agg([
            col(NEW_CODE).first(),
            col("__targets").first(),
            col("merge_kind").first(),
            col("__order").min(),
        ])
        .sort(["__order"], SortMultipleOptions::default())
        .select([
            col(OLD_CODE),
            col(NEW_CODE),
            col("__targets")
                .eq(lit(1))
                .or(col("merge_kind").eq(lit("part_area_all_population")))
                .alias(EXACT),
        ])
}

/// Composes steps, oldest first, into one table from the codes before the first step to
/// the codes after the last: a code a step does not list goes on unchanged to the next.
pub fn compose(steps: &[&Step]) -> PolarsResult<DataFrame> {
    let Some((first, rest)) = steps.split_first() else {
        return df!(OLD_CODE => Vec::<String>::new(), NEW_CODE => Vec::<String>::new(), EXACT => Vec::<bool>::new());
    };
    let mut table = first.table.clone().lazy();
    for step in rest {
        let next = step.table.clone().lazy();
        let through = table
            .clone()
            .join(
                next.clone().select([
                    col(OLD_CODE).alias("__mid"),
                    col(NEW_CODE).alias("__new"),
                    col(EXACT).alias("__exact"),
                ]),
                [col(NEW_CODE)],
                [col("__mid")],
                JoinArgs::new(JoinType::Left),
            )
            .select([
                col(OLD_CODE),
                coalesce(&[col("__new"), col(NEW_CODE)]).alias(NEW_CODE),
                col(EXACT)
                    .and(col("__exact").fill_null(lit(true)))
                    .alias(EXACT),
            ]);
        // Codes the earlier steps left alone meet this step as they are.
        let untouched = next.join(
            table.clone().select([col(OLD_CODE)]),
            [col(OLD_CODE)],
            [col(OLD_CODE)],
            JoinArgs::new(JoinType::Anti),
        );
        table = concat([through, untouched], UnionArgs::default())?;
    }
    table.collect()
}

/// The new communes of the last step that received part of a split commune in any of
/// `steps` (oldest first): each step's split targets taken through the later steps.
pub fn touched(steps: &[&Step]) -> PolarsResult<Vec<String>> {
    let mut out = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let later = compose(&steps[i + 1..])?;
        let targets = df!(NEW_CODE => step.split_targets.clone())?;
        let reached = to_newest(targets.lazy(), NEW_CODE, &later).collect()?;
        out.extend(strings(&reached, NEW_CODE));
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The text values of `column`.
fn strings(df: &DataFrame, column: &str) -> Vec<String> {
    match df.column(column).and_then(|c| c.str().cloned()) {
        Ok(values) => (0..df.height())
            .filter_map(|i| values.get(i).map(String::from))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// `rows` with the commune in `code_column` taken to the newest list: `code_column` holds
/// the new code and `exact` says whether the old commune's rows all belong there. A code
/// the table does not list is already a code of the newest list and stays, exact.
pub fn to_newest(rows: LazyFrame, code_column: &str, table: &DataFrame) -> LazyFrame {
    rows.join(
        table.clone().lazy().select([
            col(OLD_CODE).alias("__old"),
            col(NEW_CODE).alias("__new"),
            col(EXACT).alias("__exact"),
        ]),
        [col(code_column)],
        [col("__old")],
        JoinArgs::new(JoinType::Left),
    )
    .with_columns([
        coalesce(&[col("__new"), col(code_column)]).alias(code_column),
        col("__exact").fill_null(lit(true)).alias(EXACT),
    ])
    .drop(cols(["__new", "__exact"]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "old_commune_code,new_commune_code,merge_kind\n";

    fn step(body: &str, rule: SplitRule) -> Step {
        Step::read(format!("{HEADER}{body}").as_bytes(), "(test)", rule).unwrap()
    }

    fn mapping(table: &DataFrame) -> Vec<(String, String, bool)> {
        let old = table.column(OLD_CODE).unwrap().str().unwrap();
        let new = table.column(NEW_CODE).unwrap().str().unwrap();
        let exact = table.column(EXACT).unwrap().bool().unwrap();
        (0..table.height())
            .map(|i| {
                (
                    old.get(i).unwrap().to_string(),
                    new.get(i).unwrap().to_string(),
                    exact.get(i).unwrap(),
                )
            })
            .collect()
    }

    fn triple(old: &str, new: &str, exact: bool) -> (String, String, bool) {
        (old.into(), new.into(), exact)
    }

    /// Gia Lai's partial merges, from the conversion table: Canh Hiệp (22000) split between
    /// Vân Canh (21994) and Canh Vinh (22006) and kept no code; Canh Liên (21997) kept its
    /// code for its remainder and gave a part to Canh Vinh; An Nghĩa (21634) gave all its
    /// people to An Toàn (21622) and part of its area to An Hòa (21628).
    const GIA_LAI_PARTS: &str = "22000,21994,part\n21997,21997,remainder\n\
        22000,22006,part\n21997,22006,part\n21634,21622,part_area_all_population\n\
        21634,21628,part_area\n23563,23563,whole\n23557,23563,whole\n";

    #[test]
    fn split_communes_go_where_the_rule_says_and_are_inexact() {
        let kept = step(GIA_LAI_PARTS, SplitRule::KeptCode);
        // Every commune that received part of Canh Hiệp or Canh Liên; not An Hòa, which
        // took part of An Nghĩa's area but none of its people.
        assert_eq!(kept.split_targets, ["21994", "21997", "22006"]);
        assert_eq!(
            mapping(&kept.table),
            vec![
                triple("22000", "21994", false),
                triple("21997", "21997", false),
                triple("21634", "21622", true),
                triple("23563", "23563", true),
                triple("23557", "23563", true),
            ]
        );
        let first = step(GIA_LAI_PARTS, SplitRule::FirstListed);
        // Canh Liên's remainder is listed first anyway; only the rule's name differs here…
        assert_eq!(mapping(&first.table)[1], triple("21997", "21997", false));
        // …but listed the other way round, the rules part.
        let reversed = "21997,22006,part\n21997,21997,remainder\n";
        assert_eq!(
            mapping(&step(reversed, SplitRule::FirstListed).table),
            vec![triple("21997", "22006", false)]
        );
        assert_eq!(
            mapping(&step(reversed, SplitRule::KeptCode).table),
            vec![triple("21997", "21997", false)]
        );
    }

    #[test]
    fn steps_compose_and_untouched_codes_pass_through() {
        // 1 November 2024: Tân Sơn (23593) into Biển Hồ (23590); Đăk HLơ (23674) split
        // between Kông Bơ La, which kept its code, and Nghĩa An (23662).
        let y2024 = step(
            "23593,23590,whole\n23674,23674,part\n23674,23662,part\n23671,23674,whole\n",
            SplitRule::KeptCode,
        );
        // 1 July 2025 (made-up targets, for the arithmetic).
        let y2025 = step(
            "23590,23590,whole\n23674,23671,whole\n23662,23671,whole\n23563,23563,whole\n",
            SplitRule::KeptCode,
        );
        let table = compose(&[&y2024, &y2025]).unwrap();
        let mut got = mapping(&table);
        got.sort();
        assert_eq!(
            got,
            vec![
                triple("23563", "23563", true),
                triple("23590", "23590", true),
                triple("23593", "23590", true),
                triple("23662", "23671", true),
                triple("23671", "23671", true),
                // Split in 2024, but both parts merged into one commune in 2025: the
                // step-by-step allocation still calls it inexact, which errs on the safe side.
                triple("23674", "23671", false),
            ]
        );
    }

    #[test]
    fn rows_are_joined_to_the_table() {
        let table = step(GIA_LAI_PARTS, SplitRule::KeptCode).table;
        let rows = df!(
            "commune_code" => ["23557", "22000", "23563", "21634", "99999"],
            "children" => [3i64, 4, 5, 6, 7],
        )
        .unwrap();
        let mapped = to_newest(rows.lazy(), "commune_code", &table)
            .group_by_stable([col("commune_code"), col(EXACT)])
            .agg([col("children").sum()])
            .sort(["commune_code"], SortMultipleOptions::default())
            .collect()
            .unwrap();
        let code_column = mapped
            .column("commune_code")
            .unwrap()
            .str()
            .unwrap()
            .clone();
        let codes: Vec<String> = (0..mapped.height())
            .filter_map(|i| code_column.get(i).map(String::from))
            .collect();
        let children: Vec<i64> = mapped
            .column("children")
            .unwrap()
            .i64()
            .unwrap()
            .into_no_null_iter()
            .collect();
        let exact_column = mapped.column(EXACT).unwrap().bool().unwrap().clone();
        let exact: Vec<bool> = (0..mapped.height())
            .filter_map(|i| exact_column.get(i))
            .collect();
        // Yên Đỗ (23557) and Ia Kring (23563) are summed into Diên Hồng (23563).
        // Canh Hiệp (22000) goes to Vân Canh (21994), inexactly; An Nghĩa (21634) whole
        // to An Toàn (21622); a code the table does not list stays.
        assert_eq!(codes, ["21622", "21994", "23563", "99999"]);
        assert_eq!(children, [6, 4, 8, 7]);
        assert_eq!(exact, [true, false, true, true]);
    }

    #[test]
    fn bad_rows_are_named() {
        let err = Step::read(
            format!("{HEADER}23593,23590,whole\n23674,x,part\n").as_bytes(),
            "steps.csv",
            SplitRule::KeptCode,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Cannot read the crosswalk steps.csv, line 3: new_commune_code \"x\" is not a commune code."
        );
        let err = Step::read(
            format!("{HEADER}23593,23590,moved\n").as_bytes(),
            "steps.csv",
            SplitRule::KeptCode,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("line 2: the merge kind \"moved\""),
            "{err}"
        );
    }

    #[test]
    fn the_whole_conversion_table_reads() {
        let table = Step::read(
            include_str!("../../reference/commune_crosswalk_2025.csv").as_bytes(),
            "commune_crosswalk_2025.csv",
            SplitRule::KeptCode,
        )
        .unwrap()
        .table;
        // 10,034 old codes (README), one of them blank (island districts without a
        // commune), and 441 of them under more than one new commune.
        assert_eq!(table.height(), 10_033);
        let exact = table.column(EXACT).unwrap().bool().unwrap().clone();
        let inexact = (0..table.height())
            .filter(|&i| exact.get(i) == Some(false))
            .count();
        assert!(inexact > 0 && inexact <= 441, "{inexact}");
    }
}
