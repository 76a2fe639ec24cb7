//! Records to polars frames, with the fixed schemas of the clean tables. Dates are built as
//! day counts and datetimes as microsecond counts and cast once, so the Parquet types are
//! exactly `date` and `timestamp[us]` whatever chrono does.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use polars::prelude::*;

use super::dictionary;
use crate::columns as col;
use crate::hash::pseudonymise::Key;
use crate::sources::cases::CaseRecord;
use crate::sources::child_registry::RegistryRecord;
use crate::sources::fund::FundRecord;

/// A rejected or excluded row: where it was, which column, why. No cell values of
/// personal data, ever.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectedRow {
    pub file: String,
    pub sheet: Option<String>,
    pub row: u32,
    pub column: String,
    pub reason: &'static str,
    pub outcome: &'static str,
    pub detail: String,
}

impl RejectedRow {
    /// The rejected row of `row` of `path` (the rejection's detail is safe by construction).
    pub fn of(
        path: &std::path::Path,
        sheet: Option<&str>,
        row: usize,
        r: crate::sources::row::Rejection,
        excluded: bool,
    ) -> Self {
        RejectedRow {
            file: path.display().to_string(),
            sheet: sheet.map(str::to_string),
            row: row as u32,
            column: r.column().to_string(),
            reason: r.reason().code(),
            outcome: if excluded { "excluded" } else { "rejected" },
            detail: r.detail().to_string(),
        }
    }
}

/// Days since 1970-01-01, the Parquet date: counted from the common era's first day,
/// which is cheaper than chrono's duration between two dates (a call per row of 4 million).
fn days(d: NaiveDate) -> i32 {
    const UNIX_EPOCH_FROM_CE: i32 = 719_163;
    d.num_days_from_ce() - UNIX_EPOCH_FROM_CE
}

fn micros(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp_micros()
}

fn date_column(
    name: &str,
    values: impl ExactSizeIterator<Item = Option<i32>>,
) -> PolarsResult<Column> {
    Ok(numbers::<Int32Type>(name, values).into_date().into_column())
}

fn datetime_column(
    name: &str,
    values: impl ExactSizeIterator<Item = Option<i64>>,
) -> PolarsResult<Column> {
    Ok(numbers::<Int64Type>(name, values)
        .into_datetime(TimeUnit::Microseconds, None)
        .into_column())
}

/// A column of numbers, some missing: the values written straight into their buffer, and
/// which are there only once one is not (polars' builder from options pushes every value
/// and its flag one at a time).
pub(super) fn numbers<T: PolarsNumericType>(
    name: &str,
    values: impl ExactSizeIterator<Item = Option<T::Native>>,
) -> ChunkedArray<T> {
    let mut out = Vec::with_capacity(values.len());
    let mut missing = Vec::new();
    for value in values {
        match value {
            Some(value) => out.push(value),
            None => {
                missing.push(out.len());
                out.push(T::Native::default());
            }
        }
    }
    let validity = (!missing.is_empty()).then(|| {
        let mut present = vec![true; out.len()];
        for at in missing {
            present[at] = false;
        }
        present.into_iter().collect()
    });
    ChunkedArray::from_vec_validity(name.into(), out, validity)
}

fn text<'a>(name: &str, values: impl ExactSizeIterator<Item = Option<&'a str>>) -> Column {
    let mut column = StringChunkedBuilder::new(name.into(), values.len());
    for value in values {
        column.append_option(value);
    }
    column.finish().into_column()
}

/// Keys as their 64 hex digits: the batch's digits written side by side into one buffer,
/// found to be text once (hex digits are ASCII), and the column built from its slices.
fn keys<'a>(name: &str, values: impl ExactSizeIterator<Item = &'a Key>) -> PolarsResult<Column> {
    const DIGITS: usize = 64;
    let mut digits = vec![0u8; values.len() * DIGITS];
    for (key, out) in values.zip(digits.chunks_exact_mut(DIGITS)) {
        hex::encode_to_slice(key.bytes(), out)
            .map_err(|e| polars_err!(ComputeError: "writing a key as hex: {e}"))?;
    }
    let digits = String::from_utf8(digits)
        .map_err(|e| polars_err!(ComputeError: "a key's hex digits are not text: {e}"))?;
    let keys = (0..digits.len() / DIGITS).map(|i| &digits[i * DIGITS..(i + 1) * DIGITS]);
    Ok(StringChunked::from_iter_values(name.into(), keys).into_column())
}

/// A column of flags.
fn flags(name: &str, values: impl Iterator<Item = bool>) -> Column {
    BooleanChunked::from_iter_values(name.into(), values).into_column()
}

/// How a text column of few distinct values is built: as strings (the clean table's schema,
/// as every reader sees it), or coded for the Parquet writer (see `dictionary.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Texts {
    Plain,
    Coded,
}

impl Texts {
    fn column<'a>(
        self,
        name: &'static str,
        values: impl ExactSizeIterator<Item = Option<&'a str>>,
    ) -> PolarsResult<Column> {
        match self {
            Texts::Plain => Ok(text(name, values)),
            Texts::Coded => dictionary::coded(name, values),
        }
    }
}

pub fn registry(records: &[RegistryRecord]) -> PolarsResult<DataFrame> {
    registry_as(records, Texts::Plain)
}

/// The registry's rows, its text columns built as `texts` says.
pub fn registry_as(records: &[RegistryRecord], texts: Texts) -> PolarsResult<DataFrame> {
    let r = records;
    DataFrame::new(
        r.len(),
        vec![
            date_column(
                col::SNAPSHOT_DATE,
                r.iter().map(|x| Some(days(x.snapshot_date))),
            )?,
            keys(col::CHILD_KEY, r.iter().map(|x| &x.child_key))?,
            Column::new(
                col::BIRTH_YEAR.into(),
                r.iter().map(|x| x.birth_year).collect::<Vec<_>>(),
            ),
            Column::new(col::AGE.into(), r.iter().map(|x| x.age).collect::<Vec<_>>()),
            texts.column(col::SEX, r.iter().map(|x| x.sex))?,
            texts.column(col::ETHNICITY, r.iter().map(|x| x.ethnicity.as_deref()))?,
            texts.column(col::COMMUNE_CODE, r.iter().map(|x| Some(&*x.commune_code)))?,
            texts.column(
                col::DISTRICT_CODE,
                r.iter().map(|x| Some(&*x.district_code)),
            )?,
            texts.column(col::SPECIAL_GROUP, r.iter().map(|x| x.special_group))?,
            flags(col::AT_RISK, r.iter().map(|x| x.at_risk)),
            flags(col::SUPPORTED, r.iter().map(|x| x.supported)),
            texts.column(
                col::SUPPORT_FORMS,
                r.iter().map(|x| x.support_forms.as_deref()),
            )?,
            date_column(col::UPDATED_ON, r.iter().map(|x| x.updated_on.map(days)))?,
        ],
    )
}

/// One row of `registry_counts`: a snapshot, a district, a group (or none), supported,
/// at risk, and how many children of the registry have them.
pub type CountRow<'a> = (NaiveDate, &'a str, Option<&'static str>, bool, bool, i64);

pub fn registry_counts(rows: &[CountRow]) -> PolarsResult<DataFrame> {
    let r = rows;
    DataFrame::new(
        r.len(),
        vec![
            date_column(col::SNAPSHOT_DATE, r.iter().map(|x| Some(days(x.0))))?,
            text(col::DISTRICT_CODE, r.iter().map(|x| Some(x.1))),
            text(col::SPECIAL_GROUP, r.iter().map(|x| x.2)),
            Column::new(
                col::AT_RISK.into(),
                r.iter().map(|x| x.4).collect::<Vec<_>>(),
            ),
            Column::new(
                col::SUPPORTED.into(),
                r.iter().map(|x| x.3).collect::<Vec<_>>(),
            ),
            Column::new(
                col::CHILDREN.into(),
                r.iter().map(|x| x.5).collect::<Vec<_>>(),
            ),
        ],
    )
}

pub fn cases(records: &[CaseRecord]) -> PolarsResult<DataFrame> {
    cases_as(records, Texts::Plain)
}

/// The cases' rows, their text columns built as `texts` says.
pub fn cases_as(records: &[CaseRecord], texts: Texts) -> PolarsResult<DataFrame> {
    let r = records;
    DataFrame::new(
        r.len(),
        vec![
            keys(col::CASE_KEY, r.iter().map(|x| &x.case_key))?,
            keys(col::CHILD_KEY, r.iter().map(|x| &x.child_key))?,
            texts.column(col::COMMUNE_CODE, r.iter().map(|x| Some(&*x.commune_code)))?,
            texts.column(
                col::DISTRICT_CODE,
                r.iter().map(|x| Some(&*x.district_code)),
            )?,
            texts.column(col::KIND, r.iter().map(|x| Some(x.kind.code())))?,
            texts.column(col::SUBTYPE, r.iter().map(|x| Some(x.subtype)))?,
            date_column(
                col::OCCURRED_ON,
                r.iter().map(|x| Some(days(x.occurred_on))),
            )?,
            datetime_column(
                col::REPORTED_AT,
                r.iter().map(|x| x.reported_at.map(micros)),
            )?,
            datetime_column(
                col::INTERVENED_AT,
                r.iter().map(|x| x.intervened_at.map(micros)),
            )?,
            date_column(
                col::PLAN_APPROVED_ON,
                r.iter().map(|x| x.plan_approved_on.map(days)),
            )?,
            texts.column(col::OUTCOME, r.iter().map(|x| x.outcome))?,
            texts.column(col::SEX, r.iter().map(|x| x.sex))?,
            Column::new(
                col::BIRTH_YEAR.into(),
                r.iter().map(|x| x.birth_year).collect::<Vec<_>>(),
            ),
            Column::new(col::AGE.into(), r.iter().map(|x| x.age).collect::<Vec<_>>()),
        ],
    )
}

pub fn fund(records: &[FundRecord]) -> PolarsResult<DataFrame> {
    let r = records;
    DataFrame::new(
        r.len(),
        vec![
            date_column(col::DATE, r.iter().map(|x| Some(days(x.date))))?,
            text(col::KIND, r.iter().map(|x| Some(x.kind.code()))),
            Column::new(
                col::VALUE_VND.into(),
                r.iter().map(|x| x.value_vnd).collect::<Vec<_>>(),
            ),
            Column::new(
                col::IS_CORRECTION.into(),
                r.iter().map(|x| x.value_vnd < 0).collect::<Vec<_>>(),
            ),
        ],
    )
}

/// One value of one version of a district's report for a period.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub district_code: String,
    pub period: String,
    pub form: i32,
    pub item: &'static str,
    pub value: Option<f64>,
    /// `None` when the report's sending date could not be read.
    pub sent_on: Option<NaiveDate>,
    pub file: String,
    pub version: u32,
    /// The sheet and cell the value was read from.
    pub sheet: Option<String>,
    pub cell: Option<String>,
}

pub fn district_reports(rows: &[ReportRow]) -> PolarsResult<DataFrame> {
    let r = rows;
    DataFrame::new(
        r.len(),
        vec![
            text(
                col::DISTRICT_CODE,
                r.iter().map(|x| Some(x.district_code.as_str())),
            ),
            text(col::PERIOD, r.iter().map(|x| Some(x.period.as_str()))),
            Column::new(
                col::FORM.into(),
                r.iter().map(|x| x.form).collect::<Vec<_>>(),
            ),
            text(col::ITEM, r.iter().map(|x| Some(x.item))),
            Column::new(
                col::VALUE.into(),
                r.iter().map(|x| x.value).collect::<Vec<_>>(),
            ),
            date_column(col::SENT_ON, r.iter().map(|x| x.sent_on.map(days)))?,
            text(col::FILE, r.iter().map(|x| Some(x.file.as_str()))),
            Column::new(
                col::VERSION.into(),
                r.iter().map(|x| x.version).collect::<Vec<_>>(),
            ),
            text(col::SHEET, r.iter().map(|x| x.sheet.as_deref())),
            text(col::CELL, r.iter().map(|x| x.cell.as_deref())),
        ],
    )
}

pub fn rejected(rows: &[RejectedRow]) -> PolarsResult<DataFrame> {
    DataFrame::new(
        rows.len(),
        vec![
            text(col::FILE, rows.iter().map(|x| Some(x.file.as_str()))),
            text(col::SHEET, rows.iter().map(|x| x.sheet.as_deref())),
            Column::new(
                col::ROW.into(),
                rows.iter().map(|x| x.row).collect::<Vec<_>>(),
            ),
            text(col::COLUMN, rows.iter().map(|x| Some(x.column.as_str()))),
            text(col::REASON, rows.iter().map(|x| Some(x.reason))),
            text(col::OUTCOME, rows.iter().map(|x| Some(x.outcome))),
            text(col::DETAIL, rows.iter().map(|x| Some(x.detail.as_str()))),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::pseudonymise::Pseudonymiser;

    #[test]
    fn days_count_from_the_unix_epoch() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(days(d(1970, 1, 1)), 0);
        assert_eq!(days(d(1969, 12, 31)), -1);
        // 2021-06-30: 51 years of days (13 of them leap) and 180 more.
        assert_eq!(days(d(2021, 6, 30)), 51 * 365 + 13 + 180);
        assert_eq!(
            days(d(2021, 6, 30)),
            (d(2021, 6, 30) - NaiveDate::default()).num_days() as i32
        );
    }

    #[test]
    fn keys_and_flags_are_built_row_for_row() {
        let keys = Pseudonymiser::new(b"a test secret of some length").unwrap();
        // 70 rows: the flags cross a 64-bit word of their bitmap.
        let ids: Vec<String> = (0..70).map(|i| format!("HS-{i:04}")).collect();
        let made: Vec<Key> = ids.iter().map(|id| keys.child_key(id)).collect();
        let column = super::keys("child_key", made.iter()).unwrap();
        let read: Vec<&str> = column.str().unwrap().iter().flatten().collect();
        assert_eq!(read.len(), 70);
        for (got, key) in read.iter().zip(&made) {
            assert_eq!(*got, key.to_string());
            assert_eq!(got.len(), 64);
        }
        assert_ne!(read[0], read[1]);

        // Every third row set (24 of them: 0, 3, …, 69), and row 68.
        let set: Vec<bool> = (0..70).map(|i| i % 3 == 0 || i == 68).collect();
        let column = flags("at_risk", set.iter().copied());
        let read: Vec<bool> = column.bool().unwrap().iter().flatten().collect();
        assert_eq!(read, set);
        assert_eq!(column.bool().unwrap().sum(), Some(24 + 1));
    }

    #[test]
    fn dates_and_times_get_their_parquet_types_and_keep_their_gaps() {
        let d = NaiveDate::from_ymd_opt(2021, 12, 31).unwrap();
        let t = micros(d.and_hms_opt(10, 30, 0).unwrap());
        // A gap first, in the middle, last, and none at all.
        let df = DataFrame::new(
            3,
            vec![
                date_column("d", [Some(days(d)), None, Some(0)].into_iter()).unwrap(),
                datetime_column("t", [None, Some(t), Some(t)].into_iter()).unwrap(),
                date_column("e", [Some(1), Some(2), None].into_iter()).unwrap(),
                date_column("f", [Some(-1), Some(0), Some(1)].into_iter()).unwrap(),
            ],
        )
        .unwrap();
        assert_eq!(df.column("d").unwrap().dtype(), &DataType::Date);
        assert_eq!(
            df.column("t").unwrap().dtype(),
            &DataType::Datetime(TimeUnit::Microseconds, None)
        );
        let shown = |name: &str| -> Vec<String> {
            let column = df.column(name).unwrap();
            (0..3).map(|i| column.get(i).unwrap().to_string()).collect()
        };
        assert_eq!(shown("d"), ["2021-12-31", "null", "1970-01-01"]);
        assert_eq!(
            shown("t"),
            ["null", "2021-12-31 10:30:00", "2021-12-31 10:30:00"]
        );
        assert_eq!(shown("e"), ["1970-01-02", "1970-01-03", "null"]);
        assert_eq!(shown("f"), ["1969-12-31", "1970-01-01", "1970-01-02"]);
        assert_eq!(df.column("f").unwrap().null_count(), 0);
    }
}
