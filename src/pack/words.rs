//! What the pack's reader sees in words: indicator and breakdown names, column headers and
//! numbers written the Vietnamese way (`5.419`, `98,2 %`), or the English way with
//! `--lang en`. Both renderers (`xlsx`, `html`) take their text from here, so the workbook
//! and the page say the same thing in the same words.

use crate::config::target::{Comparison, Goal, TargetRule};
use crate::sources::district_reports::{find_item, ItemUnit};
use crate::text::numbers::format_decimal_vi;

use super::Finding;
use crate::disclosure::{Cell, PublishedRow};
use crate::text::Lang;

/// The indicator's name in words. `reporting` is the level of the units that send the
/// forms and hold the events ([`TopUnit::reporting_level`]): "Huyện tổ chức …" under the
/// 2021 units, "Xã tổ chức …" under the 2025 ones.
///
/// [`TopUnit::reporting_level`]: crate::reference::TopUnit::reporting_level
pub fn indicator(code: &str, lang: Lang, reporting: &str) -> String {
    let (vi, en) = match code {
        "special_support_rate" => (
            "Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp",
            "Children in special circumstances supported",
        ),
        "special_children_share" => (
            "Tỷ lệ trẻ em có hoàn cảnh đặc biệt trên tổng số trẻ em",
            "Share of children in special circumstances",
        ),
        "at_risk_children" => (
            "Trẻ em có nguy cơ rơi vào hoàn cảnh đặc biệt",
            "Children at risk",
        ),
        "event_month_of_action" => (
            "{U} tổ chức Tháng hành động vì trẻ em",
            "{U} holding the Month of Action for Children",
        ),
        "event_mid_autumn" => (
            "{U} tổ chức Tết Trung thu cho trẻ em",
            "{U} holding the Mid-Autumn Festival for children",
        ),
        "event_children_forum" => (
            "{U} tổ chức Diễn đàn trẻ em",
            "{U} holding a Children's Forum",
        ),
        "participation_activities" => (
            "Hoạt động thúc đẩy quyền tham gia của trẻ em",
            "Child participation activities",
        ),
        "staff_trained_rate" => (
            "Tỷ lệ cán bộ làm công tác trẻ em được tập huấn",
            "Child-protection staff trained",
        ),
        "abused_children_supported_rate" => (
            "Tỷ lệ trẻ em bị xâm hại được hỗ trợ, can thiệp",
            "Abused children given support",
        ),
        "abuse_intervention_timely_rate" => (
            "Tỷ lệ vụ xâm hại được can thiệp kịp thời",
            "Abuse cases with timely intervention",
        ),
        "abuse_intervention_delay" => (
            "Vụ xâm hại theo thời gian từ tiếp nhận đến can thiệp",
            "Abuse cases by time from report to intervention",
        ),
        "abuse_plan_timely_rate" => (
            "Tỷ lệ vụ xâm hại có kế hoạch hỗ trợ được phê duyệt đúng hạn",
            "Abuse cases with a support plan approved in time",
        ),
        "injured_children" => ("Trẻ em bị tai nạn, thương tích", "Injured children"),
        "injured_children_per_100k" => (
            "Trẻ em bị tai nạn, thương tích trên 100.000 trẻ em",
            "Injured children per 100,000 children",
        ),
        "injury_deaths" => (
            "Trẻ em tử vong do tai nạn, thương tích",
            "Child deaths from injury",
        ),
        "injury_deaths_per_100k" => (
            "Trẻ em tử vong do tai nạn, thương tích trên 100.000 trẻ em",
            "Child deaths from injury per 100,000 children",
        ),
        "abused_children" => ("Trẻ em bị xâm hại", "Abused children"),
        "abused_children_per_100k" => (
            "Trẻ em bị xâm hại trên 100.000 trẻ em",
            "Abused children per 100,000 children",
        ),
        "fund_raised_vnd" => (
            "Quỹ Bảo trợ trẻ em vận động được",
            "Raised by the Child Protection Fund",
        ),
        "report_completeness" => ("Tỷ lệ {u} gửi báo cáo", "{U} that sent their report"),
        "report_timeliness" => (
            "Tỷ lệ {u} gửi báo cáo đúng hạn",
            "{U} that sent their report on time",
        ),
        "report_days_late" => ("Số ngày gửi báo cáo chậm", "Days the report was late"),
        "source_gap" => (
            "Chênh lệch giữa biểu mẫu và phần mềm",
            "Gap between report forms and the software",
        ),
        other => return distance(other, lang, reporting).unwrap_or_else(|| other.to_string()),
    };
    lang.of_units(lang.pick(vi, en), reporting)
}

/// A distance to a target (`indicators::distance`) in words: what is still missing of
/// the indicator it measures from, or where its pace leads by 31 December.
fn distance(code: &str, lang: Lang, reporting: &str) -> Option<String> {
    let (base, suffix) = crate::columns::distance_of(code)?;
    let (vi, en) = match base {
        "special_support_rate" => (
            "Trẻ em có HCĐB còn phải trợ giúp để đạt mục tiêu",
            "Children still to support to reach the goal",
        ),
        "staff_trained_rate" => (
            "Cán bộ còn phải tập huấn để đạt mục tiêu",
            "Staff still to train to reach the goal",
        ),
        "abused_children_supported_rate" => (
            "Trẻ em bị xâm hại chưa được hỗ trợ, can thiệp",
            "Abused children not yet supported",
        ),
        "abuse_intervention_timely_rate" => (
            "Vụ xâm hại chưa được can thiệp kịp thời",
            "Abuse cases not intervened in time",
        ),
        "abuse_plan_timely_rate" => (
            "Vụ xâm hại chưa có kế hoạch hỗ trợ phê duyệt đúng hạn",
            "Abuse cases without a support plan approved in time",
        ),
        "event_month_of_action" => (
            "{U} chưa tổ chức Tháng hành động vì trẻ em",
            "{U} not yet holding the Month of Action",
        ),
        "event_mid_autumn" => (
            "{U} chưa tổ chức Tết Trung thu cho trẻ em",
            "{U} not yet holding the Mid-Autumn Festival",
        ),
        "event_children_forum" => (
            "{U} chưa tổ chức Diễn đàn trẻ em",
            "{U} not yet holding a Children's Forum",
        ),
        "report_completeness" => ("{U} chưa gửi báo cáo", "{U} that sent no report"),
        "report_timeliness" => (
            "{U} không gửi báo cáo đúng hạn",
            "{U} that did not report on time",
        ),
        "injured_children" => (
            "Trẻ em bị tai nạn, thương tích cần giảm thêm để thấp hơn năm gốc",
            "Fewer injured children needed to be below the baseline",
        ),
        "abused_children" => (
            "Trẻ em bị xâm hại cần giảm thêm để thấp hơn năm gốc",
            "Fewer abused children needed to be below the baseline",
        ),
        "fund_raised_vnd" => (
            "Số tiền Quỹ còn phải vận động",
            "Still to raise for the Fund",
        ),
        _ => ("", ""),
    };
    let base_name = indicator(base, lang, reporting);
    let what = match vi.is_empty() {
        true => format!(
            "{base_name} — {}",
            lang.pick("còn thiếu so với mục tiêu", "short of the goal")
        ),
        false => lang.of_units(lang.pick(vi, en), reporting),
    };
    let pace = |vi: &str, en: &str| format!("{base_name} — {}", lang.pick(vi, en));
    Some(match suffix {
        crate::columns::SHORTFALL_PER_MONTH => format!(
            "{what}{}",
            lang.pick(", bình quân mỗi tháng còn lại", ", per month left")
        ),
        crate::columns::PROJECTION => pace(
            "ước đến 31/12 theo nhịp kỳ này",
            "projected to 31 Dec at this pace",
        ),
        crate::columns::PROJECTION_LOW => {
            pace("ước đến 31/12, mức thấp", "projected to 31 Dec, low")
        }
        crate::columns::PROJECTION_HIGH => {
            pace("ước đến 31/12, mức cao", "projected to 31 Dec, high")
        }
        _ => what,
    })
}

/// A breakdown (`subtype=drowning`) in words; None is the total.
pub fn breakdown(code: Option<&str>, lang: Lang) -> String {
    let Some(code) = code else {
        return lang.pick("Tổng", "Total").to_string();
    };
    let Some((dimension, value)) = code.split_once('=') else {
        return code.to_string();
    };
    let (vi, en) = match (dimension, value) {
        ("subtype", "violence") => ("Bạo lực", "Violence"),
        ("subtype", "sexual_abuse") => ("Xâm hại tình dục", "Sexual abuse"),
        ("subtype", "exploitation") => ("Bóc lột", "Exploitation"),
        ("subtype", "neglect") => ("Sao nhãng, bỏ mặc", "Neglect"),
        ("subtype", "trafficking") => ("Mua bán", "Trafficking"),
        ("subtype", "drowning") => ("Đuối nước", "Drowning"),
        ("subtype", "traffic") => ("Tai nạn giao thông", "Traffic"),
        ("subtype", "fall") => ("Ngã", "Fall"),
        ("subtype", "burn") => ("Bỏng", "Burn"),
        ("subtype", "animal_bite") => ("Động vật cắn", "Animal bite"),
        ("subtype", "poisoning") => ("Ngộ độc", "Poisoning"),
        ("subtype", "electrocution") => ("Điện giật", "Electrocution"),
        ("subtype", "other") => ("Khác", "Other"),
        ("delay", "le_12h") => ("≤ 12 giờ", "≤ 12 h"),
        ("delay", "12h_24h") => ("12–24 giờ", "12–24 h"),
        ("delay", "1d_5d") => ("1–5 ngày", "1–5 days"),
        ("delay", "6d_14d") => ("6–14 ngày", "6–14 days"),
        ("delay", "15d_30d") => ("15–30 ngày", "15–30 days"),
        ("delay", "gt_30d") => ("> 30 ngày", "> 30 days"),
        ("delay", "none_yet") => ("Chưa can thiệp", "Not yet"),
        ("kind", "cash") => ("Tiền mặt", "Cash"),
        ("kind", "in_kind") => ("Hiện vật", "In kind"),
        ("kind", "programme") => ("Chương trình, dự án", "Programmes"),
        ("group", letter) => {
            return match lang {
                Lang::Vi => format!("Nhóm {letter}"),
                Lang::En => format!("Group {letter}"),
            }
        }
        ("cumulative_month", month) => {
            return match lang {
                Lang::Vi => format!("Lũy kế đến tháng {month}"),
                Lang::En => format!("Cumulative to {month}"),
            }
        }
        ("item", item) => {
            return match lang {
                Lang::Vi => format!("Chỉ tiêu {item}"),
                Lang::En => format!("Item {item}"),
            }
        }
        _ => return code.to_string(),
    };
    lang.pick(vi, en).to_string()
}

/// The period key as a reader says it: `2021S1` → "6 tháng đầu năm 2021".
pub fn period(key: &str, lang: Lang) -> String {
    match key.split_once('S') {
        Some((year, "1")) => match lang {
            Lang::Vi => format!("6 tháng đầu năm {year}"),
            Lang::En => format!("First half of {year}"),
        },
        Some((year, "2")) => match lang {
            Lang::Vi => format!("6 tháng cuối năm {year}"),
            Lang::En => format!("Second half of {year}"),
        },
        _ => match lang {
            Lang::Vi => format!("Năm {key}"),
            Lang::En => key.to_string(),
        },
    }
}

/// `x` with `decimals` decimals, thousands grouped, in the reader's style.
pub fn number(x: f64, decimals: usize, lang: Lang) -> String {
    let vi = format_decimal_vi(x, decimals);
    match lang {
        Lang::Vi => vi,
        // Swap the two marks: "1.234,5" → "1,234.5".
        Lang::En => vi
            .chars()
            .map(|c| match c {
                '.' => ',',
                ',' => '.',
                c => c,
            })
            .collect(),
    }
}

/// A value of `unit` as text: ratios as `98,2 %`, counts and đồng as whole numbers, rates
/// per 100,000 and days with one decimal.
pub fn value(x: f64, unit: &str, lang: Lang) -> String {
    match unit {
        "ratio" => format!("{} %", number(x * 100.0, 1, lang)),
        "count" | "vnd" => number(x, 0, lang),
        _ => number(x, 1, lang),
    }
}

/// Percentage points, the unit of a change of a ratio: 97,0 % to 98,2 % is "+1,2 điểm %"
/// (short for "điểm phần trăm"), not "+1,2 %", which would read as 1.2 % of 97,0 %.
pub fn points(lang: Lang) -> &'static str {
    lang.pick("điểm %", "pp")
}

/// A change of `unit`: signed; a ratio's in percentage points.
pub fn change(x: f64, unit: &str, lang: Lang) -> String {
    let sign = if x > 0.0 { "+" } else { "" };
    match unit {
        "ratio" => format!("{sign}{} {}", number(x * 100.0, 1, lang), points(lang)),
        _ => format!("{sign}{}", value(x, unit, lang)),
    }
}

/// What a published cell shows: its value through `show`, the label of a suppressed cell,
/// or nothing.
pub fn cell(c: Cell, min_count: u32, show: impl Fn(f64) -> String) -> String {
    match c {
        Cell::Value(v) => show(v),
        Cell::Small | Cell::Hidden => c.label(min_count).unwrap_or_default(),
        Cell::Missing => String::new(),
    }
}

/// The unit of the numerator and denominator of a row: counts, except đồng.
pub fn count_unit(unit: &str) -> &'static str {
    if unit == "vnd" {
        "vnd"
    } else {
        "count"
    }
}

/// Whether a row's target is met, as the pack may say it: not when the value or the
/// baseline it is judged against is suppressed, since "met" against `= 1` or `< baseline`
/// would tell what the suppressed cell hides.
pub fn verdict(row: &PublishedRow) -> Option<bool> {
    if row.value.is_suppressed() || row.baseline.is_suppressed() || row.change.is_suppressed() {
        return None;
    }
    row.target_met
}

pub fn verdict_text(met: Option<bool>, lang: Lang) -> &'static str {
    match met {
        Some(true) => lang.pick("Đạt", "Met"),
        Some(false) => lang.pick("Không đạt", "Not met"),
        None => "",
    }
}

/// A target as a reader says it: `≥ 98,5 %`, `< năm gốc`, `≥ 4.000.000.000`.
pub fn goal(rule: &TargetRule, unit: &str, lang: Lang) -> String {
    let symbol = match rule.comparison {
        Comparison::AtLeast => "≥",
        Comparison::MoreThan => ">",
        Comparison::AtMost => "≤",
        Comparison::LessThan => "<",
        Comparison::Equal => "=",
    };
    let goal = match rule.goal {
        Goal::Value(v) => value(v, unit, lang),
        Goal::Baseline => lang.pick("năm gốc", "baseline").to_string(),
    };
    format!("{symbol} {goal}")
}

/// What a count counts, in the words of the forms' own "Đơn vị tính" column.
pub fn counted(what: ItemUnit, lang: Lang) -> &'static str {
    match what {
        ItemUnit::Person => lang.pick("người", "person"),
        ItemUnit::Case => lang.pick("vụ", "case"),
        ItemUnit::Activity => lang.pick("hoạt động", "activity"),
        ItemUnit::Commune => lang.pick("xã", "commune"),
        ItemUnit::YesNo => lang.pick("có/không", "yes/no"),
        ItemUnit::Vnd => "đồng",
    }
}

/// What an indicator of unit `count` counts. The table's unit says only "count", and most
/// count children, but not all: the intervention delays count abuse cases, participation
/// counts activities. An indicator not named here gets a neutral word, never "người".
fn counts_of(indicator: &str) -> Option<ItemUnit> {
    match indicator {
        "at_risk_children" | "abused_children" | "injured_children" | "injury_deaths" => {
            Some(ItemUnit::Person)
        }
        "abuse_intervention_delay" => Some(ItemUnit::Case),
        "participation_activities" => Some(ItemUnit::Activity),
        // What a distance to a target counts: the children, officers or cases still
        // missing (districts have no word of their own: a neutral one).
        "special_support_rate_shortfall"
        | "staff_trained_rate_shortfall"
        | "abused_children_supported_rate_shortfall"
        | "injured_children_shortfall"
        | "abused_children_shortfall" => Some(ItemUnit::Person),
        "abuse_intervention_timely_rate_shortfall" | "abuse_plan_timely_rate_shortfall" => {
            Some(ItemUnit::Case)
        }
        _ => None,
    }
}

/// The unit of `indicator`'s value (of the table's `unit`) in words, for a column beside it.
pub fn unit(indicator: &str, unit: &str, lang: Lang) -> String {
    match unit {
        "ratio" => "%",
        "count" => match counts_of(indicator) {
            Some(what) => counted(what, lang),
            None => lang.pick("số lượng", "count"),
        },
        "per_100k" => lang.pick("trên 100.000 trẻ em", "per 100,000 children"),
        "vnd" => "đồng",
        "days" => lang.pick("ngày", "days"),
        other => other,
    }
    .to_string()
}

/// The unit of a form item's value (`B3.07` → "xã"), as the forms define it; None for what
/// is not a form item (the software's count a source gap compares with).
pub fn item_unit(code: &str, lang: Lang) -> Option<&'static str> {
    find_item(code).map(|item| counted(item.unit, lang))
}

/// Column headers, shared by the workbook and the page.
pub struct Headers {
    pub lang: Lang,
    /// The level of the units that send the forms, which the findings name.
    pub reporting: &'static str,
}

impl Headers {
    pub fn get(&self, key: &str) -> &'static str {
        let (vi, en) = match key {
            "indicator" => ("Chỉ tiêu", "Indicator"),
            "period" => ("Kỳ báo cáo", "Period"),
            "org_unit" => ("Đơn vị", "Area"),
            "breakdown" => ("Phân tổ", "Breakdown"),
            "numerator" => ("Tử số", "Numerator"),
            "denominator" => ("Mẫu số", "Denominator"),
            "value" => ("Giá trị", "Value"),
            "value_text" => ("Giá trị (như in)", "Value (as printed)"),
            "unit" => ("Đơn vị tính", "Unit"),
            "left_unit" => ("Đơn vị tính", "Unit"),
            "right_unit" => ("Đơn vị tính (so sánh)", "Compared unit"),
            "baseline" => ("Năm gốc", "Baseline"),
            "change" => ("Thay đổi so với năm gốc", "Change from baseline"),
            "goal" => ("Mục tiêu", "Target"),
            "met" => ("Đánh giá", "Assessment"),
            "shortfall" => ("Còn thiếu so với mục tiêu", "Still short of the goal"),
            "indicator_code" => ("Mã chỉ tiêu", "Indicator code"),
            "org_unit_code" => ("Mã đơn vị", "Area code"),
            "breakdown_code" => ("Mã phân tổ", "Breakdown code"),
            "check" => ("Loại kiểm tra", "Check"),
            "rule" => ("Quy tắc", "Rule"),
            "severity" => ("Mức độ", "Severity"),
            "district" => match self.reporting {
                crate::columns::LEVEL_COMMUNE => ("Xã", "Commune"),
                _ => ("Huyện", "District"),
            },
            "left" => ("Số liệu", "Figure"),
            "left_value" => ("Giá trị", "Value"),
            "right" => ("So với", "Compared with"),
            "right_value" => ("Giá trị so sánh", "Compared value"),
            "detail" => ("Mô tả", "Description"),
            "count" => ("Số phát hiện", "Findings"),
            _ => ("", ""),
        };
        self.lang.pick(vi, en)
    }
}

/// A data-quality finding's description in `lang`. The findings table holds it in
/// Vietnamese, the language of the forms; the English is that of its check and rule, and
/// a description this does not know stays as it is rather than be guessed at.
/// `reporting` is the level of the units an outlier stands out among.
pub fn finding_detail(f: &Finding, lang: Lang, reporting: &str) -> String {
    use crate::quality::{form_rules, sending_dates, source_gap};
    let stored = f.detail.clone().unwrap_or_default();
    if lang == Lang::Vi {
        return stored;
    }
    let english = match f.check.as_str() {
        "form_rule" => form_rules::RULES
            .iter()
            .find(|r| r.name == f.rule)
            .map(|r| r.description_en.to_string()),
        sending_dates::CHECK => [sending_dates::NO_DATE, sending_dates::ONE_UNDATED]
            .iter()
            .find(|(vi, _)| *vi == stored)
            .map(|(_, en)| en.to_string()),
        "source_gap" => Some(source_gap::DESCRIPTION.1.to_string()),
        "outlier" => Some(format!(
            "The change from the baseline is far from the other {}' (modified z-score > 3.5)",
            lang.units_word(reporting)
        )),
        _ => None,
    };
    english.unwrap_or(stored)
}

/// A data-quality check's name in words.
pub fn check(code: &str, lang: Lang) -> String {
    let (vi, en) = match code {
        "form_rule" => ("Quy tắc biểu mẫu", "Form rule"),
        "report_sent_on" => ("Ngày gửi báo cáo", "Report sending date"),
        "source_gap" => ("Chênh lệch nguồn số liệu", "Source gap"),
        "outlier" => ("Giá trị bất thường", "Outlier"),
        other => return other.to_string(),
    };
    lang.pick(vi, en).to_string()
}

pub fn severity(code: &str, lang: Lang) -> String {
    let (vi, en) = match code {
        "error" => ("Lỗi", "Error"),
        "warning" => ("Cảnh báo", "Warning"),
        other => return other.to_string(),
    };
    lang.pick(vi, en).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_the_vietnamese_way_or_the_english_way() {
        assert_eq!(value(5419.0 / 5518.0, "ratio", Lang::Vi), "98,2 %");
        assert_eq!(value(5419.0, "count", Lang::Vi), "5.419");
        assert_eq!(value(5419.0, "count", Lang::En), "5,419");
        assert_eq!(value(3_486_900_000.0, "vnd", Lang::Vi), "3.486.900.000");
        assert_eq!(value(12.345, "per_100k", Lang::Vi), "12,3");
        assert_eq!(change(0.012, "ratio", Lang::Vi), "+1,2 điểm %");
        assert_eq!(change(-7.0, "count", Lang::Vi), "-7");
        assert_eq!(
            goal(&">= 0.985".parse().unwrap(), "ratio", Lang::Vi),
            "≥ 98,5 %"
        );
        assert_eq!(
            goal(&"< baseline".parse().unwrap(), "count", Lang::Vi),
            "< năm gốc"
        );
    }

    #[test]
    fn units_say_what_is_counted_persons_cases_activities_communes() {
        let vi = |indicator, u| unit(indicator, u, Lang::Vi);
        let en = |indicator, u| unit(indicator, u, Lang::En);
        assert_eq!(vi("abused_children", "count"), "người");
        assert_eq!(en("abused_children", "count"), "person");
        assert_eq!(vi("abuse_intervention_delay", "count"), "vụ");
        assert_eq!(en("abuse_intervention_delay", "count"), "case");
        assert_eq!(vi("participation_activities", "count"), "hoạt động");
        assert_eq!(en("participation_activities", "count"), "activity");
        assert_eq!(vi("report_days_late", "days"), "ngày");
        assert_eq!(en("report_days_late", "days"), "days");
        assert_eq!(vi("fund_raised_vnd", "vnd"), "đồng");
        assert_eq!(vi("special_support_rate", "ratio"), "%");
        assert_eq!(
            en("abused_children_per_100k", "per_100k"),
            "per 100,000 children"
        );
        // A count the words do not know is not taken for children.
        assert_eq!(vi("new_count", "count"), "số lượng");
        assert_eq!(item_unit("B2.01", Lang::Vi), Some("vụ"));
        assert_eq!(item_unit("B2.02", Lang::En), Some("person"));
        assert_eq!(item_unit("B3.04", Lang::Vi), Some("hoạt động"));
        assert_eq!(item_unit("B3.07", Lang::Vi), Some("xã"));
        assert_eq!(item_unit("B3.08", Lang::En), Some("commune"));
        assert_eq!(item_unit("B3.01", Lang::Vi), Some("có/không"));
        assert_eq!(item_unit("B4.02", Lang::En), Some("đồng"));
        assert_eq!(item_unit("registry", Lang::Vi), None);
    }

    #[test]
    fn names_count_the_units_that_report_and_never_say_district_of_communes() {
        use crate::columns::{LEVEL_COMMUNE, LEVEL_DISTRICT};
        assert_eq!(
            indicator("event_month_of_action", Lang::Vi, LEVEL_DISTRICT),
            "Huyện tổ chức Tháng hành động vì trẻ em"
        );
        assert_eq!(
            indicator("event_month_of_action", Lang::Vi, LEVEL_COMMUNE),
            "Xã tổ chức Tháng hành động vì trẻ em"
        );
        assert_eq!(
            indicator("report_timeliness_shortfall", Lang::En, LEVEL_COMMUNE),
            "Communes that did not report on time"
        );
        let suffixes = [
            "",
            crate::columns::SHORTFALL,
            crate::columns::SHORTFALL_PER_MONTH,
            crate::columns::PROJECTION,
        ];
        for code in crate::config::target::KNOWN_INDICATORS {
            for suffix in suffixes {
                let code = format!("{code}{suffix}");
                let vi = indicator(&code, Lang::Vi, LEVEL_COMMUNE).to_lowercase();
                let en = indicator(&code, Lang::En, LEVEL_COMMUNE).to_lowercase();
                assert!(!vi.contains("huyện") && !vi.contains('{'), "{code}: {vi}");
                assert!(
                    !en.contains("district") && !en.contains('{'),
                    "{code}: {en}"
                );
            }
        }
        let headers = |reporting| Headers {
            lang: Lang::Vi,
            reporting,
        };
        assert_eq!(headers(LEVEL_COMMUNE).get("district"), "Xã");
        assert_eq!(headers(LEVEL_DISTRICT).get("district"), "Huyện");
    }

    #[test]
    fn a_finding_is_described_in_the_language_of_the_pack() {
        use crate::columns::{LEVEL_COMMUNE, LEVEL_DISTRICT};
        use crate::quality::form_rules::RULES;
        let finding = |check: &str, rule: &str, detail: &str| Finding {
            check: check.into(),
            rule: rule.into(),
            severity: "error".into(),
            period: None,
            district: None,
            left_item: None,
            left_value: None,
            right_item: None,
            right_value: None,
            detail: Some(detail.into()),
            sheet: None,
            left_cell: None,
            right_cell: None,
        };
        // Every form rule has both; Vietnamese is the stored text as it is.
        for rule in RULES {
            let f = finding("form_rule", rule.name, rule.description);
            assert_eq!(
                finding_detail(&f, Lang::Vi, LEVEL_DISTRICT),
                rule.description
            );
            let en = finding_detail(&f, Lang::En, LEVEL_DISTRICT);
            assert_eq!(en, rule.description_en);
            assert!(en.is_ascii(), "{en}");
        }
        let undated = finding(
            crate::quality::sending_dates::CHECK,
            crate::quality::sending_dates::RULE,
            crate::quality::sending_dates::ONE_UNDATED.0,
        );
        assert!(finding_detail(&undated, Lang::En, LEVEL_DISTRICT).starts_with("A version"));
        let outlier = finding("outlier", "year_over_year_modified_z", "…");
        assert_eq!(
            finding_detail(&outlier, Lang::En, LEVEL_COMMUNE),
            "The change from the baseline is far from the other communes' (modified z-score > 3.5)"
        );
        // What it does not know stays as written rather than be guessed at.
        let unknown = finding("form_rule", "a_rule_of_later", "Quy tắc mới");
        assert_eq!(
            finding_detail(&unknown, Lang::En, LEVEL_DISTRICT),
            "Quy tắc mới"
        );
    }

    #[test]
    fn every_form_item_has_the_unit_its_form_prints() {
        // The sample's forms carry each item's "Đơn vị tính"; the pack must say the same.
        for item in crate::generate::district_reports::FORM_ITEMS {
            assert_eq!(
                item_unit(item.code, Lang::Vi),
                Some(item.unit),
                "{}",
                item.code
            );
        }
    }

    #[test]
    fn a_suppressed_cell_shows_its_label_and_a_true_zero_shows_zero() {
        let show = |v| value(v, "count", Lang::Vi);
        assert_eq!(cell(Cell::Small, 5, show), "<5");
        assert_eq!(cell(Cell::Hidden, 5, show), "x");
        assert_eq!(cell(Cell::Value(0.0), 5, show), "0");
        assert_eq!(cell(Cell::Missing, 5, show), "");
    }
}
