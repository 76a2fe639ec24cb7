//! The Word document of one period (docx-rs), laid out as Decree 30/2020/NĐ-CP sets an
//! administrative report: A4 portrait, Times New Roman 13 pt, margins top and bottom 20 mm,
//! left 30 mm, right 15 mm; the letterhead in two columns (governing body and agency on
//! the left, the national motto on the right), the number and the place-and-date line with
//! blanks for the office's register, the title, the body, "Nơi nhận" and the signature.

use std::path::Path;

use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, PageMargin, Paragraph, Pic, Run, RunFonts,
    SpecialIndentType, Table, TableCell, TableRow, WidthType,
};

use super::text::{self, figure};
use super::Contents;
use crate::columns as c;
use crate::disclosure::{Cell, PublishedRow, FORM_ITEM};
use crate::error::Error;
use crate::pack::words;
use crate::sources::district_reports::ITEMS;
use crate::text::Lang;

const VI: Lang = Lang::Vi;
/// Twips (1/20 pt) in a millimetre.
const MM: f64 = 56.7;
/// EMU (the unit of a picture's size) in a millimetre.
const EMU_MM: u32 = 36_000;
/// The width of the text: A4 (210 mm) less the left (30) and right (15) margins.
const TEXT_MM: f64 = 165.0;
/// The tallest a chart may be: A4's 297 mm less the margins (40) and room for its caption.
const MAX_CHART_MM: f64 = 230.0;
/// Body text in half-points: 13 pt.
const BODY: usize = 26;
const TABLE_TEXT: usize = 22;

fn twips(mm: f64) -> i32 {
    (mm * MM).round() as i32
}

fn run(text: &str) -> Run {
    Run::new().add_text(text)
}

/// A paragraph of the body holding `r`: justified, first line indented 1 cm, 6 pt after.
fn indented(r: Run) -> Paragraph {
    Paragraph::new()
        .add_run(r)
        .align(AlignmentType::Both)
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(twips(10.0))),
            None,
            None,
        )
        .line_spacing(LineSpacing::new().after(120))
}

fn body(text: &str) -> Paragraph {
    indented(run(text))
}

fn heading(text: &str) -> Paragraph {
    indented(run(text).bold())
        .line_spacing(LineSpacing::new().before(120).after(120))
        .keep_next(true)
}

fn centered(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text))
        .align(AlignmentType::Center)
}

/// A centred line in bold of `size` half-points: the title block.
fn title(text: &str, size: usize) -> Paragraph {
    Paragraph::new()
        .add_run(run(text).bold().size(size))
        .align(AlignmentType::Center)
}

/// What only a person can write: italic, highlighted, in brackets.
fn placeholder(what: &str) -> Paragraph {
    indented(run(&text::placeholder(what)).italic().highlight("yellow"))
}

fn cell(text: &str, width_mm: f64, bold: bool, align: AlignmentType) -> TableCell {
    let r = run(text).size(TABLE_TEXT);
    let r = if bold { r.bold() } else { r };
    TableCell::new()
        .add_paragraph(Paragraph::new().add_run(r).align(align))
        .width(twips(width_mm) as usize, WidthType::Dxa)
}

/// A table with a bold header row; the first column left-aligned, the others right.
fn table(header: &[&str], rows: &[Vec<String>], widths_mm: &[f64]) -> Table {
    let mut out = vec![TableRow::new(
        header
            .iter()
            .zip(widths_mm)
            .map(|(h, w)| cell(h, *w, true, AlignmentType::Center))
            .collect(),
    )];
    for row in rows {
        out.push(
            TableRow::new(
                row.iter()
                    .zip(widths_mm)
                    .enumerate()
                    .map(|(i, (t, w))| {
                        let align = if i == 0 || (i == 1 && widths_mm.len() > 2 && *w > 40.0) {
                            AlignmentType::Left
                        } else {
                            AlignmentType::Right
                        };
                        cell(t, *w, false, align)
                    })
                    .collect(),
            )
            .cant_split(),
        );
    }
    Table::new(out).set_grid(widths_mm.iter().map(|w| twips(*w) as usize).collect())
}

/// A chart of the charts step at print size: the text's width less 5 mm, its height kept
/// in proportion; with its caption below.
fn chart(path: &Path, caption: &str) -> Result<Vec<Paragraph>, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::write(path, e))?;
    let (w, h) = {
        let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
        let reader = decoder.read_info().map_err(|e| {
            Error::Usage(format!(
                "The chart \"{}\" is not a PNG that can be read: {e}.",
                path.display()
            ))
        })?;
        let info = reader.info();
        (info.width, info.height)
    };
    // As wide as the text allows, unless that makes it taller than a page holds with its
    // caption (a chart of 63 provinces): then as tall as that, in proportion.
    let aspect = f64::from(h) / f64::from(w.max(1));
    let width_mm = (TEXT_MM - 5.0).min(MAX_CHART_MM / aspect);
    let width = (width_mm * f64::from(EMU_MM)) as u32;
    let height = (width_mm * aspect * f64::from(EMU_MM)) as u32;
    let pic = Pic::new_with_dimensions(bytes, w, h).size(width, height);
    Ok(vec![
        Paragraph::new()
            .add_run(Run::new().add_image(pic))
            .align(AlignmentType::Center)
            .keep_next(true),
        Paragraph::new()
            .add_run(run(caption).italic().size(24))
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().after(160)),
    ])
}

/// The plan's targets in the order of section II.
fn ordered_targets<'a>(x: &'a Contents) -> Vec<&'a crate::config::Target> {
    groups(x)
        .into_iter()
        .flat_map(|(_, inds, _)| inds)
        .filter_map(|ind| x.plan.targets.iter().find(|t| t.indicator == ind))
        .collect()
}

/// Section II's parts, in the plan's order of targets (T1–T6, then the districts'
/// reports): a heading, the indicators whose targets it reports, the charts that show
/// them. A target of the pipeline file in none of them comes last, under its own name.
fn groups(x: &Contents) -> Vec<(String, Vec<String>, Vec<&'static str>)> {
    let known: [(&str, &[&str], &[&'static str]); 7] = [
        (
            "Trợ giúp trẻ em có hoàn cảnh đặc biệt",
            &["special_support_rate"],
            &["t1_support_rate"],
        ),
        (
            "Tổ chức Tháng hành động vì trẻ em, Tết Trung thu, Diễn đàn trẻ em",
            &[
                "event_month_of_action",
                "event_mid_autumn",
                "event_children_forum",
            ],
            &["t2_events"],
        ),
        (
            "Tập huấn cán bộ làm công tác trẻ em",
            &["staff_trained_rate"],
            &["t3_staff_trained"],
        ),
        (
            "Hỗ trợ, can thiệp trẻ em bị xâm hại",
            &[
                "abused_children_supported_rate",
                "abuse_intervention_timely_rate",
                "abuse_plan_timely_rate",
            ],
            &["t4_abuse_delays"],
        ),
        (
            "Phòng, chống tai nạn thương tích và xâm hại trẻ em",
            &["injured_children", "injury_deaths", "abused_children"],
            &[
                "t5_injuries_by_subtype",
                "t5_injuries_by_district",
                "t5_abuse_by_subtype",
            ],
        ),
        (
            "Vận động Quỹ Bảo trợ trẻ em",
            &["fund_raised_vnd"],
            &["t6_fund"],
        ),
        (
            "Chế độ báo cáo của các huyện",
            &["report_completeness", "report_timeliness"],
            &["report_timeliness"],
        ),
    ];
    let mut out: Vec<(String, Vec<String>, Vec<&'static str>)> = known
        .iter()
        .map(|(h, inds, stems)| {
            (
                h.replace("các huyện", &format!("các {}", child_word(x))),
                inds.iter().map(|s| s.to_string()).collect(),
                stems.to_vec(),
            )
        })
        .collect();
    for t in &x.plan.targets {
        if !known
            .iter()
            .any(|(_, inds, _)| inds.contains(&t.indicator.as_str()))
        {
            out.push((
                x.indicator_name(&t.indicator),
                vec![t.indicator.clone()],
                Vec::new(),
            ));
        }
    }
    out
}

/// One part of the document: a paragraph or a table.
enum Part {
    P(Box<Paragraph>),
    T(Box<Table>),
}

impl Part {
    fn p(p: Paragraph) -> Self {
        Part::P(Box::new(p))
    }

    fn t(t: Table) -> Self {
        Part::T(Box::new(t))
    }
}

/// The letterhead's columns: the agency's name on one line or two, the motto on one.
const LEFT_MM: f64 = 72.0;
const RIGHT_MM: f64 = TEXT_MM - LEFT_MM;

/// The letterhead (Decree 30/2020, appendix I): two columns without borders.
fn letterhead(x: &Contents, province: &str) -> Table {
    let s = &x.plan.report;
    // Defaults: a province's department (Sở) under its People's Committee; for the
    // country, the ministry's department of children (Cục Trẻ em) in Hà Nội.
    let country = x.top.code == c::COUNTRY;
    let (governing, agency, number, place) = match country {
        true => (
            "BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI".to_string(),
            "CỤC TRẺ EM".to_string(),
            "/BC-TE",
            "Hà Nội".to_string(),
        ),
        false => (
            format!("UBND {}", province.to_uppercase()),
            "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI".to_string(),
            "/BC-SLĐTB&XH",
            province
                .trim_start_matches("Tỉnh ")
                .trim_start_matches("Thành phố ")
                .to_string(),
        ),
    };
    let governing = s.governing_body.clone().unwrap_or(governing);
    let agency = s.agency.clone().unwrap_or(agency);
    let number = s.number.clone().unwrap_or_else(|| number.to_string());
    let place = s.place.clone().unwrap_or(place);
    let left = |p: Paragraph| p.align(AlignmentType::Center);
    let left_cell = TableCell::new()
        .add_paragraph(left(Paragraph::new().add_run(run(&governing).size(BODY))))
        .add_paragraph(left(
            Paragraph::new().add_run(run(&agency).bold().size(BODY)),
        ))
        .add_paragraph(left(Paragraph::new().add_run(run("———").size(BODY))))
        .add_paragraph(left(
            Paragraph::new().add_run(run(&format!("Số:        {number}")).size(BODY)),
        ))
        .width(twips(LEFT_MM) as usize, WidthType::Dxa);
    let right_cell = TableCell::new()
        .add_paragraph(left(
            Paragraph::new().add_run(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold().size(24)),
        ))
        .add_paragraph(left(
            Paragraph::new().add_run(run("Độc lập - Tự do - Hạnh phúc").bold().size(BODY)),
        ))
        .add_paragraph(left(Paragraph::new().add_run(run("———————").size(BODY))))
        .add_paragraph(left(
            Paragraph::new().add_run(
                run(&format!(
                    "{place}, ngày      tháng      năm {}",
                    x.period.to.format("%Y")
                ))
                .italic()
                .size(BODY),
            ),
        ))
        .width(twips(RIGHT_MM) as usize, WidthType::Dxa);
    Table::without_borders(vec![TableRow::new(vec![left_cell, right_cell])])
        .set_grid(vec![twips(LEFT_MM) as usize, twips(RIGHT_MM) as usize])
}

/// The signature block: "Nơi nhận" on the left, the signer on the right.
fn signature(x: &Contents) -> Table {
    let s = &x.plan.report;
    let recipients = s.recipients.clone().unwrap_or_else(|| {
        vec![
            "Bộ Lao động - Thương binh và Xã hội;".to_string(),
            "UBND tỉnh;".to_string(),
            "Lưu: VT.".to_string(),
        ]
    });
    let mut left = TableCell::new()
        .add_paragraph(Paragraph::new().add_run(run("Nơi nhận:").bold().italic().size(24)));
    for r in &recipients {
        left = left.add_paragraph(Paragraph::new().add_run(run(&format!("- {r}")).size(22)));
    }
    let mut right = TableCell::new();
    if let Some(authority) = &s.signer_authority {
        right = right.add_paragraph(
            Paragraph::new()
                .add_run(run(authority).bold().size(BODY))
                .align(AlignmentType::Center),
        );
    }
    let title = s
        .signer_title
        .clone()
        .unwrap_or_else(|| "GIÁM ĐỐC".to_string());
    right = right
        .add_paragraph(
            Paragraph::new()
                .add_run(run(&title).bold().size(BODY))
                .align(AlignmentType::Center),
        )
        .add_paragraph(
            Paragraph::new()
                .add_run(
                    run(&text::placeholder("chữ ký, dấu, họ và tên"))
                        .italic()
                        .highlight("yellow")
                        .size(22),
                )
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().before(1200)),
        );
    Table::without_borders(vec![TableRow::new(vec![
        left.width(twips(82.0) as usize, WidthType::Dxa),
        right.width(twips(83.0) as usize, WidthType::Dxa),
    ])])
    .set_grid(vec![twips(82.0) as usize, twips(83.0) as usize])
}

/// A unit's name inside a sentence: "Tỉnh Gia Lai" → "tỉnh Gia Lai"; the country is
/// "toàn quốc".
fn in_sentence(name: &str) -> String {
    if name == c::COUNTRY_NAME {
        return "toàn quốc".to_string();
    }
    match name.strip_prefix("Tỉnh ") {
        Some(rest) => format!("tỉnh {rest}"),
        None => name.to_string(),
    }
}

/// The top unit's total row of `indicator` in the period.
fn top_row<'a>(x: &'a Contents, indicator: &str) -> Option<&'a PublishedRow> {
    x.published.get(indicator, &x.period.key, &x.top.code, None)
}

/// Builds the document of `x`'s period and writes it to `path`.
pub fn write(x: &Contents, path: &Path) -> Result<(), Error> {
    let min = x.plan.min_count;
    let province = x.name(&x.top.code);
    let period_words = words::period(&x.period.key, VI).to_lowercase();
    let baseline_year = x.plan.baseline_year;
    let annual =
        crate::indicators::scorecard::annual_period(x.plan).is_some_and(|p| p.key == x.period.key);
    let mut parts: Vec<Part> = vec![Part::t(letterhead(x, &province))];
    parts.push(Part::p(
        title("BÁO CÁO", 28).line_spacing(LineSpacing::new().before(360)),
    ));
    for line in [
        "Kết quả thực hiện công tác bảo vệ, chăm sóc trẻ em".to_string(),
        match x.top.code == c::COUNTRY {
            true => format!("{period_words} trên phạm vi toàn quốc"),
            false => format!("{period_words} trên địa bàn {}", in_sentence(&province)),
        },
    ] {
        parts.push(Part::p(title(&line, 28)));
    }
    parts.push(Part::p(
        centered("————").line_spacing(LineSpacing::new().after(240)),
    ));

    // I. Situation.
    parts.push(Part::p(heading("I. TÌNH HÌNH CHUNG")));
    if let Some(r) = top_row(x, "special_support_rate") {
        let at_risk = top_row(x, "at_risk_children")
            .map(|a| figure(a.value, "count", min))
            .filter(|s| !s.is_empty());
        let mut sentence = format!(
            "Theo phần mềm quản lý trẻ em, {} có {} trẻ em có hoàn cảnh đặc biệt",
            in_sentence(&province),
            figure(r.denominator, "count", min)
        );
        if let Some(at_risk) = at_risk {
            sentence.push_str(&format!(
                " và {at_risk} trẻ em có nguy cơ rơi vào hoàn cảnh đặc biệt"
            ));
        }
        sentence.push_str(" (số liệu của lần cập nhật cuối cùng trong kỳ).");
        parts.push(Part::p(body(&sentence)));
    }
    if let (Some(sent), Some(on_time)) = (
        top_row(x, "report_completeness"),
        top_row(x, "report_timeliness"),
    ) {
        parts.push(Part::p(body(&format!(
            "{}/{} đơn vị cấp {} đã gửi báo cáo kỳ này ({}), trong đó {} gửi đúng hạn ({}).",
            figure(sent.numerator, "count", min),
            figure(sent.denominator, "count", min),
            child_word(x),
            figure(sent.value, "ratio", min),
            figure(on_time.numerator, "count", min),
            figure(on_time.value, "ratio", min),
        ))));
    }
    parts.push(Part::p(placeholder(
        "đặc điểm tình hình kinh tế - xã hội, thuận lợi và khó khăn trong kỳ",
    )));

    // II. Results, target by target.
    parts.push(Part::p(heading("II. KẾT QUẢ THỰC HIỆN")));
    parts.push(Part::p(placeholder(
        "công tác tham mưu, chỉ đạo, truyền thông; các hoạt động đã triển khai và kết quả định tính",
    )));
    let mut chart_no = 0;
    let mut n = 0;
    for (heading_text, indicators, stems) in groups(x) {
        let targets: Vec<&crate::config::Target> = indicators
            .iter()
            .filter_map(|ind| x.plan.targets.iter().find(|t| &t.indicator == ind))
            .filter(|t| top_row(x, &t.indicator).is_some())
            .collect();
        if targets.is_empty() {
            continue;
        }
        n += 1;
        parts.push(Part::p(heading(&format!("{n}. {heading_text}"))));
        for target in targets {
            if let Some(row) = top_row(x, &target.indicator) {
                parts.push(Part::p(body(&format!(
                    "- {}",
                    text::target_sentence(row, target, baseline_year, min, x.top.reporting_level)
                ))));
            }
        }
        // The charts draw the reporting year's annual period: only its report shows them.
        for stem in stems.iter().filter(|_| annual) {
            if let Some(png) = x.charts.get(*stem) {
                chart_no += 1;
                for p in chart(
                    png,
                    &format!("Biểu đồ {chart_no}. {}", chart_title(stem, child_word(x))),
                )? {
                    parts.push(Part::p(p));
                }
            }
        }
    }
    parts.push(Part::p(body(
        "Số liệu chi tiết của các đơn vị theo các phụ lục 1, 2, 3, 4 kèm theo báo cáo này.",
    )));

    // III. Evaluation.
    parts.push(Part::p(heading("III. ĐÁNH GIÁ")));
    parts.push(Part::p(heading(&format!(
        "1. So sánh với cùng kỳ năm {baseline_year}"
    ))));
    let mut rows = Vec::new();
    let mut not_met = Vec::new();
    for target in ordered_targets(x) {
        let Some(r) = top_row(x, &target.indicator) else {
            continue;
        };
        let verdict = match text::verdict(r) {
            Some(v) => v.to_string(),
            None if !target.judges(&x.period.key) => "chưa đánh giá".to_string(),
            None => String::new(),
        };
        if text::verdict(r) == Some("chưa đạt") {
            not_met.push(x.indicator_name(&target.indicator));
        }
        let change = match r.change {
            Cell::Value(v) => words::change(v, &r.unit, VI),
            other => figure(other, &r.unit, min),
        };
        rows.push(vec![
            (rows.len() + 1).to_string(),
            x.indicator_name(&target.indicator),
            figure(r.value, &r.unit, min),
            words::goal(&target.rule, &r.unit, VI),
            figure(r.baseline, &r.unit, min),
            change,
            verdict,
        ]);
    }
    let same_period = format!("Cùng kỳ {baseline_year}");
    parts.push(Part::t(table(
        &[
            "TT",
            "Chỉ tiêu",
            "Kết quả",
            "Mục tiêu",
            &same_period,
            "Tăng, giảm",
            "Đánh giá",
        ],
        &rows,
        &[9.0, 52.0, 24.0, 22.0, 20.0, 22.0, 16.0],
    )));
    parts.push(Part::p(body(&format!(
        "Ghi chú: \"<{min}\" là số từ 1 đến {} không công bố để bảo vệ trẻ em; \"x\" là số ẩn để không suy ra được số nhỏ; \"chưa đánh giá\": chỉ tiêu của cả năm, kỳ này chỉ nêu tiến độ (mục IV).",
        min - 1
    ))));
    if annual {
        if let Some(png) = x.charts.get("scorecard") {
            chart_no += 1;
            for p in chart(
                png,
                &format!("Biểu đồ {chart_no}. Kết quả thực hiện các chỉ tiêu"),
            )? {
                parts.push(Part::p(p));
            }
        }
    }
    parts.push(Part::p(heading("2. Tồn tại, hạn chế")));
    if !not_met.is_empty() {
        parts.push(Part::p(body(&format!(
            "Các chỉ tiêu chưa đạt trong kỳ: {}.",
            not_met.join("; ")
        ))));
    }
    parts.push(Part::p(placeholder("những tồn tại, hạn chế")));
    parts.push(Part::p(heading("3. Nguyên nhân")));
    parts.push(Part::p(placeholder(
        "nguyên nhân khách quan, chủ quan của các tồn tại, hạn chế",
    )));

    // IV. The next period: the distance to every target.
    parts.push(Part::p(heading("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI")));
    parts.push(Part::p(heading(
        "1. Khoảng cách đến các mục tiêu của Kế hoạch",
    )));
    for target in ordered_targets(x) {
        for p in distance_sentences(x, target) {
            parts.push(Part::p(body(&p)));
        }
    }
    let units = x.children();
    if !units.is_empty() {
        parts.push(Part::p(body(&format!(
            "Số trẻ em có hoàn cảnh đặc biệt còn phải trợ giúp để đạt mục tiêu, theo {}:",
            child_word(x)
        ))));
        let mut rows = Vec::new();
        for unit in units.iter().chain(std::iter::once(&x.top.code)) {
            let get = |ind: &str| x.published.get(ind, &x.period.key, unit, None);
            let (Some(rate), Some(short)) = (
                get("special_support_rate"),
                get(&format!("special_support_rate{}", c::SHORTFALL)),
            ) else {
                continue;
            };
            rows.push(vec![
                if unit == &x.top.code {
                    "Tổng cộng".to_string()
                } else {
                    x.name(unit)
                },
                figure(rate.denominator, "count", min),
                figure(rate.numerator, "count", min),
                figure(rate.value, "ratio", min),
                figure(short.value, "count", min),
            ]);
        }
        parts.push(Part::t(table(
            &[
                "Đơn vị",
                "Trẻ em có HCĐB",
                "Được trợ giúp",
                "Tỷ lệ",
                "Còn phải trợ giúp",
            ],
            &rows,
            &[55.0, 28.0, 28.0, 24.0, 30.0],
        )));
    }
    parts.push(Part::p(heading("2. Nhiệm vụ, giải pháp và kinh phí")));
    parts.push(Part::p(placeholder(
        "nhiệm vụ, giải pháp trọng tâm, chỉ tiêu và kinh phí kỳ tới",
    )));
    parts.push(Part::p(body(&format!(
        "Trên đây là báo cáo kết quả thực hiện công tác bảo vệ, chăm sóc trẻ em {period_words}."
    ))));
    parts.push(Part::t(signature(x)));

    // Appendices 1–4.
    for form in crate::sources::district_reports::FORMS {
        parts.extend(appendix(x, form));
    }

    let mut doc = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(twips(20.0))
                .bottom(twips(20.0))
                .left(twips(30.0))
                .right(twips(15.0))
                .header(twips(10.0))
                .footer(twips(10.0)),
        )
        .default_fonts(
            RunFonts::new()
                .ascii("Times New Roman")
                .hi_ansi("Times New Roman")
                .cs("Times New Roman")
                .east_asia("Times New Roman"),
        )
        .default_size(BODY);
    for part in parts {
        doc = match part {
            Part::P(p) => doc.add_paragraph(*p),
            Part::T(t) => doc.add_table(*t),
        };
    }
    let staged = crate::store::layout::temporary_name(path);
    let file = std::fs::File::create(&staged).map_err(|e| Error::write(&staged, e))?;
    doc.build()
        .pack(file)
        .map_err(|e| Error::write(&staged, std::io::Error::other(e.to_string())))?;
    std::fs::rename(&staged, path).map_err(|e| Error::write(path, e))
}

/// A chart's caption; `by` names the units its bars stand for ("huyện", "tỉnh").
fn chart_title(stem: &str, by: &str) -> String {
    match stem {
        "t1_support_rate" => {
            format!("Tỷ lệ trẻ em có hoàn cảnh đặc biệt được trợ giúp, theo {by}")
        }
        "t2_events" => format!("Số {by} tổ chức Tháng hành động, Tết Trung thu, Diễn đàn trẻ em"),
        "t3_staff_trained" => {
            format!("Tỷ lệ cán bộ làm công tác trẻ em được tập huấn, theo {by}")
        }
        "t4_abuse_delays" => "Vụ xâm hại trẻ em theo thời gian từ tiếp nhận đến can thiệp".into(),
        "t5_injuries_by_subtype" => "Trẻ em bị tai nạn thương tích theo nguyên nhân".into(),
        "t5_injuries_by_district" => {
            format!("Thay đổi số trẻ em bị tai nạn thương tích so với năm gốc, theo {by}")
        }
        "t5_abuse_by_subtype" => "Trẻ em bị xâm hại theo hình thức".into(),
        "t6_fund" => "Quỹ Bảo trợ trẻ em: số vận động lũy kế theo tháng".into(),
        "report_timeliness" => format!("Tình hình gửi báo cáo của các {by}"),
        _ => String::new(),
    }
}

/// The word for the units one level below the top: "huyện", "xã" under the 2025 units, or
/// "tỉnh" at national scope.
fn child_word(x: &Contents) -> &'static str {
    VI.unit_word(x.top.child_level)
}

/// What section IV says of one target at the top level: what is still missing (in the
/// words of what it counts), per month left, and for a part-year period the projection
/// with its method and range. Nothing when the distance is not published.
fn distance_sentences(x: &Contents, target: &crate::config::Target) -> Vec<String> {
    let min = x.plan.min_count;
    let indicator = target.indicator.as_str();
    let get = |suffix: &str| top_row(x, &format!("{indicator}{suffix}"));
    let mut out = Vec::new();
    let Some(short) = get(c::SHORTFALL) else {
        return out;
    };
    let n = figure(short.value, &short.unit, min);
    if n.is_empty() {
        return out;
    }
    let goal = top_row(x, indicator)
        .map(|r| words::goal(&target.rule, &r.unit, VI))
        .unwrap_or_default();
    let done = short.value == Cell::Value(0.0);
    let base = x.plan.baseline_year;
    let sentence = match (indicator, done) {
        ("special_support_rate", false) => format!(
            "Để đạt mục tiêu {goal} trẻ em có hoàn cảnh đặc biệt được trợ giúp, cần trợ giúp thêm ít nhất {n} trẻ em."
        ),
        ("staff_trained_rate", false) => {
            format!("Còn {n} cán bộ làm công tác trẻ em chưa được tập huấn.")
        }
        ("abused_children_supported_rate", false) => {
            format!("Còn {n} trẻ em bị xâm hại chưa được hỗ trợ, can thiệp.")
        }
        ("abuse_intervention_timely_rate", false) => format!(
            "Có {n} vụ xâm hại chưa được can thiệp trong {} giờ kể từ khi tiếp nhận.",
            x.plan.rules.intervention_within_hours
        ),
        ("abuse_plan_timely_rate", false) => format!(
            "Có {n} vụ xâm hại chưa có kế hoạch hỗ trợ được phê duyệt trong {} ngày làm việc.",
            x.plan.rules.plan_within_working_days
        ),
        ("event_month_of_action" | "event_mid_autumn" | "event_children_forum", false) => {
            let event = match indicator {
                "event_month_of_action" => "Tháng hành động vì trẻ em",
                "event_mid_autumn" => "Tết Trung thu cho trẻ em",
                _ => "Diễn đàn trẻ em",
            };
            format!("Còn {n} đơn vị cấp {} chưa báo cáo tổ chức {event}.", child_word(x))
        }
        ("report_completeness", false) => {
            format!("Còn {n} đơn vị cấp {} chưa gửi báo cáo kỳ này.", child_word(x))
        }
        ("report_timeliness", false) => {
            format!("Có {n} đơn vị cấp {} không gửi báo cáo đúng hạn.", child_word(x))
        }
        ("injured_children" | "abused_children" | "injury_deaths", false) => format!(
            "{} cần giảm thêm ít nhất {n} trẻ em để thấp hơn cùng kỳ năm {base}.",
            x.indicator_name(indicator)
        ),
        ("injured_children" | "abused_children" | "injury_deaths", true) => format!(
            "{}: đã thấp hơn cùng kỳ năm {base}.",
            x.indicator_name(indicator)
        ),
        ("fund_raised_vnd", false) => {
            let mut s = format!(
                "Quỹ Bảo trợ trẻ em còn phải vận động {} để đạt mục tiêu {goal} đồng",
                text::dong(short.value, min)
            );
            if let Some(per_month) = get(c::SHORTFALL_PER_MONTH) {
                s.push_str(&format!(
                    ", bình quân {} mỗi tháng từ nay đến hết ngày 31/12/{}",
                    text::dong(per_month.value, min),
                    x.plan.year
                ));
            }
            s.push('.');
            s
        }
        (_, true) => format!("{}: đã đạt mục tiêu {goal}.", x.indicator_name(indicator)),
        (_, false) => format!(
            "{}: {n}.",
            x.indicator_name(&format!("{indicator}{}", c::SHORTFALL))
        ),
    };
    out.push(sentence);
    if let (Some(mid), Some(low), Some(high)) = (
        get(c::PROJECTION),
        get(c::PROJECTION_LOW),
        get(c::PROJECTION_HIGH),
    ) {
        out.push(format!(
            "Dự báo đến ngày 31/12/{} ({}): ước đạt {} nếu các tháng còn lại giữ nhịp bình quân của các tháng đã qua; khoảng dự báo từ {} (nếu mỗi tháng còn lại chỉ bằng tháng thấp nhất đã qua) đến {} (nếu bằng tháng cao nhất).",
            x.plan.year,
            x.indicator_name(indicator),
            text::dong(mid.value, min),
            text::dong(low.value, min),
            text::dong(high.value, min),
        ));
    }
    out
}

/// Appendix `form`: the items of the form, summed by unit, under disclosure control.
fn appendix(x: &Contents, form: u8) -> Vec<Part> {
    let min = x.plan.min_count;
    let items: Vec<_> = ITEMS.iter().filter(|i| i.form == form).collect();
    let mut parts = vec![Part::p(
        Paragraph::new()
            .add_run(Run::new().add_break(BreakType::Page))
            .add_run(run(&format!("Phụ lục {form}")).bold())
            .align(AlignmentType::Center),
    )];
    parts.push(Part::p(
        centered(&format!(
            "Biểu {form}: số liệu của các đơn vị, {}",
            words::period(&x.period.key, VI).to_lowercase()
        ))
        .italic(),
    ));
    for item in &items {
        parts.push(Part::p(
            Paragraph::new()
                .add_run(
                    run(&format!(
                        "{}: {} ({})",
                        item.code,
                        item.name,
                        words::counted(item.unit, VI)
                    ))
                    .size(20),
                )
                .indent(Some(twips(5.0)), None, None, None),
        ));
    }
    let mut units: Vec<String> = x
        .forms
        .rows()
        .iter()
        .filter(|r| r.level == x.top.child_level)
        .map(|r| r.org_unit.clone())
        .collect();
    units.sort();
    units.dedup();
    let mut header = vec!["Đơn vị"];
    header.extend(items.iter().map(|i| i.code));
    let mut rows = Vec::new();
    for unit in units.iter().chain(std::iter::once(&x.top.code)) {
        let mut row = vec![if unit == &x.top.code {
            "Tổng cộng".to_string()
        } else {
            x.name(unit)
        }];
        for item in &items {
            let shown = x
                .forms
                .get(
                    &format!("{FORM_ITEM}{}", item.code),
                    &x.period.key,
                    unit,
                    None,
                )
                .map(|r| figure(r.value, &r.unit, min))
                .unwrap_or_default();
            row.push(shown);
        }
        rows.push(row);
    }
    let first = 38.0;
    let rest = (TEXT_MM - first) / items.len().max(1) as f64;
    let mut widths = vec![first];
    widths.extend(std::iter::repeat_n(rest, items.len()));
    parts.push(Part::t(table(&header, &rows, &widths)));
    parts.push(Part::p(
        Paragraph::new()
            .add_run(
                run(&format!(
                    "\"<{min}\": từ 1 đến {} (không công bố); \"x\": ẩn để không suy ra được số nhỏ; ô trống: đơn vị không báo cáo.",
                    min - 1
                ))
                .italic()
                .size(20),
            ),
    ));
    parts
}
