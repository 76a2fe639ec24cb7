//! The geography of the sample: the official Gia Lai org-unit list (embedded, so the
//! generator needs no input files) plus a synthetic child population and profile per
//! district, and the `reference/` files written from them.

use std::path::{Path, PathBuf};

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;

use super::writers::{self, Cell, Container, CsvEncoding, Table};
use super::GenerateError;

const GIA_LAI_ORG_UNITS: &str = include_str!("../../reference/gia_lai_org_units_2021.csv");

#[derive(Debug, Deserialize)]
struct RawUnit {
    code: u32,
    level: String,
    unit_type: String,
    name: String,
    full_name: String,
    name_ascii: String,
    parent_code: Option<u32>,
}

#[derive(Debug, Clone)]
pub(crate) struct Commune {
    pub code: u32,
    pub unit_type: String,
    pub name: String,
    pub full_name: String,
    pub name_ascii: String,
    /// Relative share of the district's children living here.
    pub weight: f64,
}

#[derive(Debug, Clone)]
pub(crate) struct District {
    pub code: u32,
    pub unit_type: String,
    pub name: String,
    pub full_name: String,
    pub name_ascii: String,
    pub communes: Vec<Commune>,
    /// Children under 16 in 2020 and in 2021.
    pub children: [u32; 2],
    /// Weights of Kinh, Jrai, Bahnar and the other groups among its children.
    pub ethnic_mix: [f64; 4],
    /// Children in special circumstances per child, relative to the province.
    pub special_weight: f64,
}

impl District {
    /// Index of a commune drawn by weight.
    pub fn pick_commune(&self, rng: &mut ChaCha8Rng) -> usize {
        let w: Vec<f64> = self.communes.iter().map(|c| c.weight).collect();
        super::pick_weighted(rng, &w)
    }

    pub fn commune(&self, code: u32) -> Option<&Commune> {
        self.communes.iter().find(|c| c.code == code)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Geography {
    pub province_code: u32,
    pub province: RawProvince,
    pub districts: Vec<District>,
}

#[derive(Debug, Clone)]
pub(crate) struct RawProvince {
    pub unit_type: String,
    pub name: String,
}

/// (code, children under 16 in 2021, Kinh/Jrai/Bahnar/other mix, special-circumstance weight).
/// Pleiku is the largest and most Kinh; the Jrai live mostly in the south and west
/// (Ayun Pa, Krông Pa, Ia Pa, Phú Thiện, Chư Sê, Chư Prông…), the Bahnar in the north-east
/// (KBang, Kông Chro, Mang Yang, Đăk Đoa…).
const GIA_LAI_PROFILE: [(u32, u32, [f64; 4], f64); 17] = [
    (622, 72_500, [78.0, 14.0, 5.0, 3.0], 0.75),
    (623, 19_000, [85.0, 2.0, 10.0, 3.0], 0.85),
    (624, 13_000, [45.0, 50.0, 1.0, 4.0], 1.05),
    (625, 22_000, [45.0, 1.0, 50.0, 4.0], 1.10),
    (626, 40_000, [40.0, 20.0, 37.0, 3.0], 1.05),
    (627, 24_500, [45.0, 40.0, 10.0, 5.0], 1.00),
    (628, 32_000, [50.0, 45.0, 1.0, 4.0], 1.00),
    (629, 21_500, [40.0, 5.0, 52.0, 3.0], 1.15),
    (630, 16_000, [25.0, 2.0, 70.0, 3.0], 1.30),
    (631, 24_000, [50.0, 45.0, 1.0, 4.0], 1.05),
    (632, 39_000, [45.0, 50.0, 1.0, 4.0], 1.05),
    (633, 37_500, [45.0, 48.0, 2.0, 5.0], 1.00),
    (634, 13_500, [60.0, 1.0, 36.0, 3.0], 1.00),
    (635, 17_000, [20.0, 77.0, 1.0, 2.0], 1.25),
    (637, 28_000, [25.0, 72.0, 1.0, 2.0], 1.30),
    (638, 25_500, [35.0, 62.0, 1.0, 2.0], 1.15),
    (639, 23_500, [40.0, 55.0, 1.0, 4.0], 1.05),
];

impl Geography {
    pub fn gia_lai(rng: &mut ChaCha8Rng) -> Result<Geography, GenerateError> {
        let mut reader = csv::Reader::from_reader(GIA_LAI_ORG_UNITS.as_bytes());
        let mut units = Vec::new();
        for rec in reader.deserialize::<RawUnit>() {
            units.push(rec.map_err(|e| GenerateError::Reference(e.to_string()))?);
        }
        let province = units
            .iter()
            .find(|u| u.level == "province")
            .ok_or_else(|| GenerateError::Reference("no province row".to_string()))?;
        let mut districts = Vec::new();
        for d in units.iter().filter(|u| u.level == "district") {
            let &(_, children_2021, ethnic_mix, special_weight) = GIA_LAI_PROFILE
                .iter()
                .find(|p| p.0 == d.code)
                .ok_or_else(|| {
                    GenerateError::Reference(format!("no profile for district \"{}\"", d.code))
                })?;
            let children_2021 = children_2021 + rng.gen_range(0..400) - 200;
            let children_2020 =
                (f64::from(children_2021) * rng.gen_range(0.982..0.994)).round() as u32;
            let communes = units
                .iter()
                .filter(|c| c.level == "commune" && c.parent_code == Some(d.code))
                .map(|c| Commune {
                    code: c.code,
                    unit_type: c.unit_type.clone(),
                    name: c.name.clone(),
                    full_name: c.full_name.clone(),
                    name_ascii: c.name_ascii.clone(),
                    weight: rng.gen_range(0.5..1.5),
                })
                .collect::<Vec<_>>();
            if communes.is_empty() {
                return Err(GenerateError::Reference(format!(
                    "district \"{}\" has no communes",
                    d.code
                )));
            }
            districts.push(District {
                code: d.code,
                unit_type: d.unit_type.clone(),
                name: d.name.clone(),
                full_name: d.full_name.clone(),
                name_ascii: d.name_ascii.clone(),
                communes,
                children: [children_2020, children_2021],
                ethnic_mix,
                special_weight,
            });
        }
        Ok(Geography {
            province_code: province.code,
            province: RawProvince {
                unit_type: province.unit_type.clone(),
                name: province.name.clone(),
            },
            districts,
        })
    }
}

/// Writes `reference/org_units.csv` and `reference/population.csv` (plain UTF-8, NFC).
pub(crate) fn write(geo: &Geography, out: &Path) -> Result<Vec<(PathBuf, usize)>, GenerateError> {
    let text = |s: &str| Cell::Text(s.to_string());
    let mut units = Table::new(&["code", "level", "unit_type", "name", "parent_code"]);
    units.rows.push(vec![
        Cell::Text(geo.province_code.to_string()),
        text("province"),
        text(&geo.province.unit_type),
        text(&geo.province.name),
        Cell::Blank,
    ]);
    for d in &geo.districts {
        units.rows.push(vec![
            Cell::Text(d.code.to_string()),
            text("district"),
            text(&d.unit_type),
            text(&d.name),
            Cell::Text(geo.province_code.to_string()),
        ]);
    }
    for d in &geo.districts {
        for c in &d.communes {
            units.rows.push(vec![
                Cell::Text(c.code.to_string()),
                text("commune"),
                text(&c.unit_type),
                text(&c.name),
                Cell::Text(d.code.to_string()),
            ]);
        }
    }
    let mut population = Table::new(&["district_code", "year", "children_under_16"]);
    for (i, year) in [2020, 2021].iter().enumerate() {
        for d in &geo.districts {
            population.rows.push(vec![
                Cell::Text(d.code.to_string()),
                Cell::Text(year.to_string()),
                Cell::Text(d.children[i].to_string()),
            ]);
        }
    }
    let utf8 = Container::Csv(CsvEncoding::Utf8);
    let org_path = PathBuf::from("reference").join("org_units.csv");
    let pop_path = PathBuf::from("reference").join("population.csv");
    writers::write_table(out, &org_path, utf8, &units, "")?;
    writers::write_table(out, &pop_path, utf8, &population, "")?;
    Ok(vec![
        (org_path, units.rows.len()),
        (pop_path, population.rows.len()),
    ])
}
