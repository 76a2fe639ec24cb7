//! District reports whose sending date ("Ngày gửi") could not be read. The report is kept
//! and counts as sent, but nothing shows it came on time, so timeliness counts it as late
//! (`report_timeliness`) with no days late (`report_days_late` null). This finding says
//! why, beside the rejected row that names the workbook's cell.

use polars::prelude::*;

use super::{null_of, shape, Severity};
use crate::columns as col;

pub const CHECK: &str = "report_sent_on";
pub const RULE: &str = "sending_date_unknown";

const UNDATED: &str = "__undated";

/// The finding's description (Vietnamese, English) when no version of the report has a
/// date that can be read.
pub const NO_DATE: (&str, &str) = (
    "Không đọc được ngày gửi báo cáo: tính là đã gửi, nhưng không tính là đúng hạn",
    "The report's sending date cannot be read: counted as sent, not as on time",
);
/// The same when one version has none, but another has.
pub const ONE_UNDATED: (&str, &str) = (
    "Không đọc được ngày gửi của một bản báo cáo: thời hạn tính theo ngày gửi sớm nhất đọc được",
    "A version of the report has no readable sending date: timeliness counts from the earliest date read",
);
const FIRST_KNOWN: &str = "__first_known";

/// One finding per district and period with a version of its report whose sending date
/// is unknown (`reports`: the `district_reports` table, all versions).
pub fn failures(reports: LazyFrame) -> LazyFrame {
    let found = reports
        .group_by([col(col::DISTRICT_CODE), col(col::PERIOD)])
        .agg([
            col(col::SENT_ON).null_count().gt(lit(0)).alias(UNDATED),
            col(col::SENT_ON).min().alias(FIRST_KNOWN),
        ])
        .filter(col(UNDATED))
        .with_columns([
            lit(CHECK).alias(col::CHECK),
            lit(RULE).alias(col::RULE),
            lit(Severity::Warning.code()).alias(col::SEVERITY),
            null_of(DataType::String).alias(col::LEFT_ITEM),
            null_of(DataType::Float64).alias(col::LEFT_VALUE),
            null_of(DataType::String).alias(col::RIGHT_ITEM),
            null_of(DataType::Float64).alias(col::RIGHT_VALUE),
            when(col(FIRST_KNOWN).is_null())
                .then(lit(NO_DATE.0))
                .otherwise(lit(ONE_UNDATED.0))
                .alias(col::DETAIL),
        ]);
    shape(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (district, period, sent on (None: unknown), version) of one value each.
    fn reports(rows: &[(&str, &str, Option<i32>, u32)]) -> LazyFrame {
        let sent: Vec<Option<i32>> = rows.iter().map(|r| r.2).collect();
        df!(
            col::DISTRICT_CODE => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            col::PERIOD => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            col::SENT_ON => Int32Chunked::new("".into(), sent).into_date().into_series(),
            col::VERSION => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
        )
        .unwrap()
        .lazy()
    }

    #[test]
    fn a_district_period_with_an_undated_version_is_a_warning() {
        // 622 2021: undated only; 623 2021: undated, then dated; 624 2021 and 622 2020:
        // dated (days since 1970), no finding.
        let df = failures(reports(&[
            ("622", "2021", None, 1),
            ("622", "2021", None, 1),
            ("623", "2021", None, 1),
            ("623", "2021", Some(18_956), 2),
            ("624", "2021", Some(18_950), 1),
            ("622", "2020", Some(18_580), 1),
        ]))
        .sort([col::DISTRICT_CODE], SortMultipleOptions::default())
        .collect()
        .unwrap();
        let s = |c: &str| -> Vec<Option<String>> {
            df.column(c)
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .map(|v| v.map(str::to_string))
                .collect()
        };
        assert_eq!(
            s(col::DISTRICT_CODE),
            [Some("622".into()), Some("623".into())]
        );
        assert_eq!(s(col::PERIOD), [Some("2021".into()), Some("2021".into())]);
        assert_eq!(s(col::CHECK), [Some(CHECK.into()), Some(CHECK.into())]);
        assert_eq!(
            s(col::SEVERITY),
            [Some("warning".into()), Some("warning".into())]
        );
        let detail = s(col::DETAIL);
        assert!(
            detail[0]
                .as_deref()
                .is_some_and(|d| d.contains("không tính là đúng hạn")),
            "{detail:?}"
        );
        assert!(
            detail[1]
                .as_deref()
                .is_some_and(|d| d.contains("sớm nhất đọc được")),
            "{detail:?}"
        );
    }
}
