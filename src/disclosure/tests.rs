//! Disclosure control on small hand-made tables; every expected cell is worked out in the
//! comment above its test. Province 64, districts 622, 623, 624; min_count 5.

use super::*;

/// (indicator, org_unit, breakdown, numerator, denominator, value, baseline)
type Spec<'a> = (
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
);

fn table(specs: &[Spec]) -> DataFrame {
    let n = specs.len();
    let unit = |ind: &str| {
        if ind.ends_with("_per_100k") {
            "per_100k"
        } else if ind.ends_with("_rate") || ind == "source_gap" {
            "ratio"
        } else {
            "count"
        }
    };
    let change: Vec<Option<f64>> = specs
        .iter()
        .map(|s| s.5.zip(s.6).map(|(v, b)| v - b))
        .collect();
    df!(
        c::INDICATOR => specs.iter().map(|s| s.0).collect::<Vec<_>>(),
        c::PERIOD => vec!["2021"; n],
        c::ORG_UNIT => specs.iter().map(|s| s.1).collect::<Vec<_>>(),
        c::LEVEL => specs.iter().map(|s| if s.1 == "64" { "province" } else { "district" }).collect::<Vec<_>>(),
        c::BREAKDOWN => specs.iter().map(|s| s.2).collect::<Vec<_>>(),
        c::NUMERATOR => specs.iter().map(|s| s.3).collect::<Vec<_>>(),
        c::DENOMINATOR => specs.iter().map(|s| s.4).collect::<Vec<_>>(),
        c::VALUE => specs.iter().map(|s| s.5).collect::<Vec<_>>(),
        c::UNIT => specs.iter().map(|s| unit(s.0)).collect::<Vec<_>>(),
        c::BASELINE => specs.iter().map(|s| s.6).collect::<Vec<_>>(),
        // Counts: the baseline's numerator is the baseline count.
        c::BASELINE_NUMERATOR => specs.iter().map(|s| if unit(s.0) == "count" { s.6 } else { None }).collect::<Vec<_>>(),
        c::BASELINE_DENOMINATOR => vec![None::<f64>; n],
        c::CHANGE => change,
        c::TARGET => vec![None::<&str>; n],
        c::TARGET_MET => vec![None::<bool>; n],
    )
    .unwrap()
}

/// A count row: numerator = value.
fn count<'a>(ind: &'a str, unit: &'a str, v: f64, base: Option<f64>) -> Spec<'a> {
    (ind, unit, None, Some(v), None, Some(v), base)
}

fn publish(specs: &[Spec]) -> Published {
    Published::publish(&table(specs), 5).unwrap()
}

fn value(p: &Published, ind: &str, unit: &str) -> Cell {
    p.get(ind, "2021", unit, None).unwrap().value
}

#[test]
fn small_counts_show_as_small_and_true_zeros_stay() {
    // 622 has 3 abused children (1..4 → "<5"), 623 none (a true 0 stays), 624 has 9.
    // The province's 12 is published, so 622 alone could be recovered as 12 − 0 − 9:
    // the smallest other non-zero district, 624, is hidden too.
    let p = publish(&[
        count("abused_children", "64", 12.0, None),
        count("abused_children", "622", 3.0, None),
        count("abused_children", "623", 0.0, None),
        count("abused_children", "624", 9.0, None),
    ]);
    assert_eq!(value(&p, "abused_children", "64"), Cell::Value(12.0));
    assert_eq!(value(&p, "abused_children", "622"), Cell::Small);
    assert_eq!(value(&p, "abused_children", "623"), Cell::Value(0.0));
    assert_eq!(value(&p, "abused_children", "624"), Cell::Hidden);
    assert_eq!(
        p.get("abused_children", "2021", "622", None)
            .unwrap()
            .numerator,
        Cell::Small
    );
}

#[test]
fn two_suppressed_cells_need_no_more() {
    // 622: 3 and 623: 2 are both "<5"; 624's 40 can stay: 45 − 40 = 5 gives only their sum.
    let p = publish(&[
        count("injured_children", "64", 45.0, None),
        count("injured_children", "622", 3.0, None),
        count("injured_children", "623", 2.0, None),
        count("injured_children", "624", 40.0, None),
    ]);
    assert_eq!(value(&p, "injured_children", "622"), Cell::Small);
    assert_eq!(value(&p, "injured_children", "623"), Cell::Small);
    assert_eq!(value(&p, "injured_children", "624"), Cell::Value(40.0));
}

#[test]
fn when_every_other_cell_is_zero_the_total_is_hidden() {
    // 622: 2, the others 0 → the province's 2 would give it away; it is itself "<5".
    // With 622: 2 and a province of 6 (a child with no district?) the total is hidden.
    let p = publish(&[
        count("injury_deaths", "64", 6.0, None),
        count("injury_deaths", "622", 2.0, None),
        count("injury_deaths", "623", 0.0, None),
        count("injury_deaths", "624", 0.0, None),
    ]);
    assert_eq!(value(&p, "injury_deaths", "622"), Cell::Small);
    assert_eq!(value(&p, "injury_deaths", "64"), Cell::Hidden);
}

#[test]
fn rates_built_on_small_counts_are_hidden() {
    // 622: 3 of 4 special children supported → both counts "<5", the 75 % hidden.
    // 623: 95 of 100 → shown, but its numerator and denominator are the smallest others
    // under the province's 98/104: both hidden (complementary); the rate 95 % stays, as no
    // count can be recovered from it. 624: 0 of 0 → no value.
    let p = publish(&[
        (
            "special_support_rate",
            "64",
            None,
            Some(98.0),
            Some(104.0),
            Some(98.0 / 104.0),
            None,
        ),
        (
            "special_support_rate",
            "622",
            None,
            Some(3.0),
            Some(4.0),
            Some(0.75),
            None,
        ),
        (
            "special_support_rate",
            "623",
            None,
            Some(95.0),
            Some(100.0),
            Some(0.95),
            None,
        ),
        (
            "special_support_rate",
            "624",
            None,
            Some(0.0),
            Some(0.0),
            None,
            None,
        ),
    ]);
    let r = |u| {
        p.get("special_support_rate", "2021", u, None)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (r("622").numerator, r("622").denominator, r("622").value),
        (Cell::Small, Cell::Small, Cell::Hidden)
    );
    assert_eq!(
        (r("623").numerator, r("623").denominator),
        (Cell::Hidden, Cell::Hidden)
    );
    assert_eq!(
        r("623").value,
        Cell::Hidden,
        "a rate whose counts are hidden is hidden"
    );
    assert_eq!(r("624").value, Cell::Missing);
    assert_eq!(r("64").value, Cell::Value(98.0 / 104.0));
}

#[test]
fn a_rate_per_100k_of_a_hidden_count_is_hidden_with_its_count() {
    // 622's 3 abused children → "<5"; its rate per 100,000 (3 / 40,000) is hidden, and so is
    // the numerator the rate row would otherwise repeat.
    let p = publish(&[
        count("abused_children", "64", 3.0, None),
        count("abused_children", "622", 3.0, None),
        (
            "abused_children_per_100k",
            "622",
            None,
            Some(3.0),
            Some(40_000.0),
            Some(7.5),
            None,
        ),
        (
            "abused_children_per_100k",
            "64",
            None,
            Some(3.0),
            Some(50_000.0),
            Some(6.0),
            None,
        ),
    ]);
    let r = p
        .get("abused_children_per_100k", "2021", "622", None)
        .unwrap();
    assert_eq!((r.numerator, r.value), (Cell::Small, Cell::Hidden));
    assert_eq!(
        value(&p, "abused_children", "64"),
        Cell::Small,
        "the province's 3 is small too"
    );
}

#[test]
fn a_change_from_a_small_baseline_is_hidden() {
    // 622 had 2 injured children in 2020 and 12 in 2021: the baseline is "<5", and the
    // change (+10) would give it back from the 12 → hidden. 623: 30 → 20 is shown.
    let p = publish(&[
        count("injured_children", "64", 32.0, Some(32.0)),
        count("injured_children", "622", 12.0, Some(2.0)),
        count("injured_children", "623", 20.0, Some(30.0)),
    ]);
    let r = |u| p.get("injured_children", "2021", u, None).unwrap().clone();
    assert_eq!(r("622").baseline, Cell::Small);
    assert_eq!(r("622").change, Cell::Hidden);
    assert_eq!(r("622").value, Cell::Value(12.0));
    // 623's baseline is the other cell under the province's 32 (2020): hidden as well.
    assert_eq!(r("623").baseline, Cell::Hidden);
    assert_eq!(r("623").change, Cell::Hidden);
}

#[test]
fn a_single_small_subtype_under_a_total_takes_another_with_it() {
    // 622: 12 injured children, 3 by drowning ("<5"), 9 in traffic: 12 − 9 = 3, so the
    // traffic cell is hidden too. The province rows (equal here) go the same way.
    let p = publish(&[
        count("injured_children", "64", 12.0, None),
        (
            "injured_children",
            "64",
            Some("subtype=drowning"),
            Some(3.0),
            None,
            Some(3.0),
            None,
        ),
        (
            "injured_children",
            "64",
            Some("subtype=traffic"),
            Some(9.0),
            None,
            Some(9.0),
            None,
        ),
        count("injured_children", "622", 12.0, None),
        (
            "injured_children",
            "622",
            Some("subtype=drowning"),
            Some(3.0),
            None,
            Some(3.0),
            None,
        ),
        (
            "injured_children",
            "622",
            Some("subtype=traffic"),
            Some(9.0),
            None,
            Some(9.0),
            None,
        ),
    ]);
    let b = |u, s| p.get("injured_children", "2021", u, Some(s)).unwrap().value;
    assert_eq!(b("622", "subtype=drowning"), Cell::Small);
    assert_eq!(b("622", "subtype=traffic"), Cell::Hidden);
    assert_eq!(value(&p, "injured_children", "622"), Cell::Value(12.0));
}

#[test]
fn other_indicators_are_not_touched() {
    // Districts holding an event, days late and đồng are not counts of children.
    let p = publish(&[
        (
            "event_children_forum",
            "64",
            None,
            Some(2.0),
            Some(3.0),
            Some(2.0 / 3.0),
            None,
        ),
        (
            "fund_raised_vnd",
            "64",
            None,
            Some(3.0),
            None,
            Some(3.0),
            None,
        ),
    ]);
    assert_eq!(
        value(&p, "event_children_forum", "64"),
        Cell::Value(2.0 / 3.0)
    );
    assert_eq!(value(&p, "fund_raised_vnd", "64"), Cell::Value(3.0));
}

#[test]
fn the_frame_holds_no_suppressed_value_only_its_label() {
    let p = publish(&[
        count("abused_children", "64", 12.0, None),
        count("abused_children", "622", 3.0, None),
        count("abused_children", "623", 0.0, None),
        count("abused_children", "624", 9.0, None),
    ]);
    let df = p.frame().unwrap();
    let units: Vec<&str> = df
        .column(c::ORG_UNIT)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    let values = df.column(c::VALUE).unwrap().f64().unwrap().clone();
    let labels = df.column("value_label").unwrap().str().unwrap().clone();
    let numerators = df.column(c::NUMERATOR).unwrap().f64().unwrap().clone();
    for (i, unit) in units.iter().enumerate() {
        match *unit {
            "622" => {
                assert_eq!((values.get(i), labels.get(i)), (None, Some("<5")));
                assert_eq!(numerators.get(i), None);
            }
            "624" => assert_eq!((values.get(i), labels.get(i)), (None, Some("x"))),
            "623" => assert_eq!((values.get(i), labels.get(i)), (Some(0.0), None)),
            _ => assert_eq!((values.get(i), labels.get(i)), (Some(12.0), None)),
        }
    }
}

#[test]
fn a_source_gap_row_hides_a_count_its_indicator_hid() {
    // 622: 3 injured children ("<5"), 623: 5 (hidden: 8 − 3), 624: 0. The source_gap row of
    // 623 compares the form's 5 with the software's 5: shown, it would give 623 back, and
    // 622 with it. Its counts are hidden, and so its gap; 624's row stays.
    let gap = |unit: &'static str, form: f64, software: f64| -> Spec<'static> {
        let value = (software > 0.0).then(|| form / software - 1.0);
        (
            "source_gap",
            unit,
            Some("item=B2.04"),
            Some(form),
            Some(software),
            value,
            None,
        )
    };
    let p = publish(&[
        count("injured_children", "64", 8.0, None),
        count("injured_children", "622", 3.0, None),
        count("injured_children", "623", 5.0, None),
        count("injured_children", "624", 0.0, None),
        gap("623", 5.0, 5.0),
        gap("624", 0.0, 0.0),
    ]);
    assert_eq!(value(&p, "injured_children", "623"), Cell::Hidden);
    let r = p
        .get("source_gap", "2021", "623", Some("item=B2.04"))
        .unwrap();
    assert_eq!(
        (r.numerator, r.denominator, r.value),
        (Cell::Hidden, Cell::Hidden, Cell::Hidden)
    );
    let r = p
        .get("source_gap", "2021", "624", Some("item=B2.04"))
        .unwrap();
    assert_eq!(
        (r.numerator, r.denominator),
        (Cell::Value(0.0), Cell::Value(0.0))
    );
}

// Several provinces: the country VN over provinces 64 (districts 622, 623, 624), 01 (001,
// 002) and 70 (701, 702).

const NATIONAL: [(&str, &str, Option<&str>); 10] = [
    ("64", "province", None),
    ("622", "district", Some("64")),
    ("623", "district", Some("64")),
    ("624", "district", Some("64")),
    ("01", "province", None),
    ("001", "district", Some("01")),
    ("002", "district", Some("01")),
    ("70", "province", None),
    ("701", "district", Some("70")),
    ("702", "district", Some("70")),
];

fn national_parents() -> Parents {
    let org_units = df!(
        c::CODE => NATIONAL.iter().map(|u| u.0).collect::<Vec<_>>(),
        c::LEVEL => NATIONAL.iter().map(|u| u.1).collect::<Vec<_>>(),
        c::PARENT_CODE => NATIONAL.iter().map(|u| u.2).collect::<Vec<_>>(),
    )
    .unwrap();
    Parents::from_org_units(&org_units).unwrap()
}

fn level_of(unit: &str) -> &'static str {
    match NATIONAL.iter().find(|u| u.0 == unit) {
        Some(u) => u.1,
        None => "country",
    }
}

/// The abused children of every district (in `NATIONAL` order of districts: 622, 623, 624,
/// 001, 002, 701, 702), each province and the country their exact sums.
fn national_counts(districts: [f64; 7]) -> DataFrame {
    let mut units: Vec<(&str, f64)> = Vec::new();
    let codes = ["622", "623", "624", "001", "002", "701", "702"];
    let sum = |of: &[usize]| of.iter().map(|&i| districts[i]).sum::<f64>();
    units.push(("VN", districts.iter().sum()));
    units.push(("64", sum(&[0, 1, 2])));
    units.push(("01", sum(&[3, 4])));
    units.push(("70", sum(&[5, 6])));
    units.extend(codes.iter().zip(districts).map(|(c, v)| (*c, v)));
    let n = units.len();
    df!(
        c::INDICATOR => vec!["abused_children"; n],
        c::PERIOD => vec!["2021"; n],
        c::ORG_UNIT => units.iter().map(|u| u.0).collect::<Vec<_>>(),
        c::LEVEL => units.iter().map(|u| level_of(u.0)).collect::<Vec<_>>(),
        c::BREAKDOWN => vec![None::<&str>; n],
        c::NUMERATOR => units.iter().map(|u| Some(u.1)).collect::<Vec<_>>(),
        c::DENOMINATOR => vec![None::<f64>; n],
        c::VALUE => units.iter().map(|u| Some(u.1)).collect::<Vec<_>>(),
        c::UNIT => vec!["count"; n],
        c::BASELINE => vec![None::<f64>; n],
        c::BASELINE_NUMERATOR => vec![None::<f64>; n],
        c::BASELINE_DENOMINATOR => vec![None::<f64>; n],
        c::CHANGE => vec![None::<f64>; n],
        c::TARGET => vec![None::<&str>; n],
        c::TARGET_MET => vec![None::<bool>; n],
    )
    .unwrap()
}

fn publish_national(districts: [f64; 7]) -> Published {
    Published::publish_under(&national_counts(districts), &national_parents(), 5).unwrap()
}

/// The equations an attacker holds: each total = Σ its members.
const EQUATIONS: [(&str, &[&str]); 4] = [
    ("VN", &["64", "01", "70"]),
    ("64", &["622", "623", "624"]),
    ("01", &["001", "002"]),
    ("70", &["701", "702"]),
];

/// Whether some suppressed cell's value follows from the published ones by the equations:
/// the cell's unit vector lies in the span of the equations over the suppressed cells.
fn recoverable(p: &Published) -> Option<String> {
    let hidden: Vec<&str> = p
        .rows()
        .iter()
        .filter(|r| r.value.is_suppressed())
        .map(|r| r.org_unit.as_str())
        .collect();
    let column = |unit: &str| hidden.iter().position(|h| *h == unit);
    let equations: Vec<Vec<f64>> = EQUATIONS
        .iter()
        .map(|(total, members)| {
            let mut row = vec![0.0; hidden.len()];
            if let Some(i) = column(total) {
                row[i] = -1.0;
            }
            for m in *members {
                if let Some(i) = column(m) {
                    row[i] = 1.0;
                }
            }
            row
        })
        .collect();
    let rank = |rows: &[Vec<f64>]| {
        let mut m = rows.to_vec();
        let mut rank = 0;
        for col in 0..hidden.len() {
            let Some(pivot) = (rank..m.len()).find(|&r| m[r][col].abs() > 1e-9) else {
                continue;
            };
            m.swap(rank, pivot);
            let pivot = m[rank].clone();
            for (_, row) in m.iter_mut().enumerate().filter(|(r, _)| *r != rank) {
                let f = row[col] / pivot[col];
                for (x, p) in row.iter_mut().zip(&pivot) {
                    *x -= f * p;
                }
            }
            rank += 1;
        }
        rank
    };
    let base = rank(&equations);
    hidden.iter().enumerate().find_map(|(i, unit)| {
        let mut with = equations.clone();
        let mut e = vec![0.0; hidden.len()];
        e[i] = 1.0;
        with.push(e);
        (rank(&with) == base).then(|| unit.to_string())
    })
}

fn national_value(p: &Published, unit: &str) -> Cell {
    value(p, "abused_children", unit)
}

#[test]
fn a_small_district_takes_its_complement_within_its_own_province() {
    // 64: 622 has 3 ("<5"), 623 0, 624 9; 01: 20 and 28; 70: 8 and 12. Only 64's group has a
    // suppressed district: 624 (its smallest other non-zero) is hidden; 01 and 70, whose
    // districts add up to their own published totals, are untouched, and so is the country.
    let p = publish_national([3.0, 0.0, 9.0, 20.0, 28.0, 8.0, 12.0]);
    assert_eq!(national_value(&p, "622"), Cell::Small);
    assert_eq!(national_value(&p, "623"), Cell::Value(0.0));
    assert_eq!(national_value(&p, "624"), Cell::Hidden);
    for (unit, v) in [
        ("64", 12.0),
        ("01", 48.0),
        ("001", 20.0),
        ("002", 28.0),
        ("70", 20.0),
        ("701", 8.0),
        ("702", 12.0),
        ("VN", 80.0),
    ] {
        assert_eq!(national_value(&p, unit), Cell::Value(v), "{unit}");
    }
    assert_eq!(recoverable(&p), None);
}

#[test]
fn a_small_province_takes_a_complement_among_provinces_and_into_its_districts() {
    // 64 has 3 in all (622: 3): "<5" at both levels. Under the country's 73, 64 alone would
    // be 73 − 50 − 20: the smallest other province, 70 (20), is hidden. 70's districts
    // would add up to its 20, so the smallest of them, 701 (8), is hidden too; 702's 12
    // gives only 70 − 701. 01 and its districts stay.
    let p = publish_national([3.0, 0.0, 0.0, 20.0, 30.0, 8.0, 12.0]);
    assert_eq!(national_value(&p, "64"), Cell::Small);
    assert_eq!(national_value(&p, "622"), Cell::Small);
    assert_eq!(national_value(&p, "70"), Cell::Hidden);
    assert_eq!(national_value(&p, "701"), Cell::Hidden);
    assert_eq!(national_value(&p, "702"), Cell::Value(12.0));
    assert_eq!(national_value(&p, "01"), Cell::Value(50.0));
    assert_eq!(national_value(&p, "VN"), Cell::Value(73.0));
    assert_eq!(recoverable(&p), None);
}

#[test]
fn a_table_of_several_provinces_needs_the_districts_parents() {
    // Without org units, 622 could belong to 64 or 01: publishing it unprotected would be
    // a guess, so it is an error.
    let err = Published::publish(&national_counts([3.0; 7]), 5).unwrap_err();
    assert!(err.to_string().contains("has no province"), "{err}");
}

#[test]
fn no_suppressed_cell_can_be_recovered_from_the_country_or_a_province_total() {
    // Every table of district counts 0, 3 ("<5") or 9 over the seven districts: in every
    // group under a total (the total counted) no cell is alone suppressed, and no
    // suppressed cell follows from the published ones by any combination of the equations.
    let choices = [0.0, 3.0, 9.0];
    for n in 0..3usize.pow(7) {
        let mut districts = [0.0; 7];
        let mut rest = n;
        for d in &mut districts {
            *d = choices[rest % 3];
            rest /= 3;
        }
        let p = publish_national(districts);
        for (total, members) in EQUATIONS {
            let hidden = std::iter::once(total)
                .chain(members.iter().copied())
                .filter(|u| national_value(&p, u).is_suppressed())
                .count();
            assert_ne!(
                hidden, 1,
                "{districts:?}: only one suppressed under {total}"
            );
        }
        assert_eq!(recoverable(&p), None, "{districts:?}");
    }
}

#[test]
fn a_distance_is_hidden_where_the_row_it_is_worked_from_is() {
    // 622: 3 of 4 children supported (both small): the rate is hidden, and so must be the
    // one child still to support, which with the rate's goal gives the counts back. 623
    // and 624: 100 of 120 and 50 of 50, shown, their shortfalls too — except that one of
    // them is hidden as 622's complement, and its shortfall goes with it.
    let rate = |unit, n: f64, d: f64| {
        (
            "special_support_rate",
            unit,
            None,
            Some(n),
            Some(d),
            Some(n / d),
            None,
        )
    };
    let short = |unit, v: f64| {
        (
            "special_support_rate_shortfall",
            unit,
            None,
            None,
            None,
            Some(v),
            None,
        )
    };
    let p = publish(&[
        rate("64", 153.0, 174.0),
        rate("622", 3.0, 4.0),
        rate("623", 100.0, 120.0),
        rate("624", 50.0, 50.0),
        short("64", 19.0),
        short("622", 1.0),
        short("623", 19.0),
        short("624", 0.0),
        // A distance whose indicator has no row: nothing to check it against, hidden.
        (
            "fund_raised_vnd_shortfall",
            "64",
            None,
            None,
            None,
            Some(5.0e8),
            None,
        ),
    ]);
    let get = |ind: &str, unit: &str| p.get(ind, "2021", unit, None).unwrap().clone();
    assert_eq!(
        get("special_support_rate_shortfall", "622").value,
        Cell::Hidden
    );
    for unit in ["64", "623", "624"] {
        let rate = get("special_support_rate", unit);
        let hidden = [rate.numerator, rate.denominator, rate.value]
            .iter()
            .any(|c| c.is_suppressed());
        let shortfall = get("special_support_rate_shortfall", unit).value;
        assert_eq!(
            shortfall.is_suppressed(),
            hidden,
            "{unit}: {rate:?} / {shortfall:?}"
        );
    }
    assert_eq!(get("fund_raised_vnd_shortfall", "64").value, Cell::Hidden);
}

#[test]
fn a_row_is_found_by_its_whole_key_and_no_other() {
    let p = publish(&[
        count("abused_children", "64", 12.0, None),
        count("abused_children", "622", 3.0, None),
        count("injured_children", "622", 7.0, None),
    ]);
    for r in p.rows() {
        let found = p
            .get(&r.indicator, &r.period, &r.org_unit, r.breakdown.as_deref())
            .unwrap();
        assert_eq!(found, r);
    }
    assert_eq!(
        p.get("injured_children", "2021", "622", None)
            .unwrap()
            .numerator,
        Cell::Value(7.0)
    );
    // A key that differs in any one part finds nothing.
    assert!(p.get("injured_children", "2021", "64", None).is_none());
    assert!(p.get("abused_children", "2020", "622", None).is_none());
    assert!(p
        .get("abused_children", "2021", "622", Some("subtype=violence"))
        .is_none());
}
