//! The country of the national sample: the GSO list of 2021 (embedded, so a fresh clone
//! needs no input files) with a synthetic child population, a special-circumstance weight
//! and a support rate per district, all drawn from one stream in the list's order.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;

use super::rows::quoted_if_needed;
use super::GenerateError;

pub(super) const VN_ORG_UNITS: &str = include_str!("../../../reference/vn_org_units_2021.csv");

/// Children under 16 in the whole country, 2021 (about 24 million).
const CHILDREN_UNDER_16: usize = 24_000_000;

#[derive(Debug, Deserialize)]
struct RawUnit {
    code: String,
    level: String,
    full_name: String,
    parent_code: String,
}

#[derive(Debug, Clone)]
pub(super) struct Commune {
    /// The GSO code as the list writes it (five digits, leading zeros kept).
    pub code: String,
    pub code_num: u32,
    /// `Xã`: the full name, ready for a CSV field.
    pub csv_full_name: String,
}

#[derive(Debug, Clone)]
pub(super) struct District {
    pub code: String,
    pub code_num: u32,
    /// `Huyện`: the full name, ready for a CSV field.
    pub csv_full_name: String,
    pub communes: Vec<Commune>,
    /// Cumulative commune weights (children per commune), for drawing a commune.
    pub commune_cdf: Vec<f64>,
    /// Children under 16 in 2020 and 2021.
    pub children: [u32; 2],
    /// Children in special circumstances (or at risk) per child, relative to the country.
    pub special_weight: f64,
    /// Support rate of special-circumstance children in January 2021, and its gain by December.
    pub support_base: f64,
    pub support_gain: f64,
}

impl District {
    /// Weight of the district in the registry: no communes (island districts), no children.
    pub fn registry_weight(&self) -> f64 {
        if self.communes.is_empty() {
            0.0
        } else {
            f64::from(self.children[1]) * self.special_weight
        }
    }

    /// Support rate of special-circumstance children at month end `m` (0 = January).
    pub fn support_rate(&self, m: usize) -> f64 {
        (self.support_base + self.support_gain * m as f64 / 11.0).min(0.998)
    }

    /// The support rate a month before the first month end: the baseline year's December.
    pub fn support_rate_before(&self) -> f64 {
        (self.support_base - self.support_gain / 11.0).clamp(0.0, 0.998)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Region {
    NorthernMountains,
    CentralHighlands,
    Khmer,
    Lowlands,
}

#[derive(Debug, Clone)]
pub(super) struct Province {
    pub code: String,
    pub region: Region,
    pub districts: Vec<District>,
}

impl Province {
    pub fn registry_weight(&self) -> f64 {
        self.districts.iter().map(District::registry_weight).sum()
    }
}

pub(super) struct Nation {
    pub provinces: Vec<Province>,
}

fn region(province_code: u32) -> Region {
    match province_code {
        2 | 4 | 6 | 8 | 10 | 11 | 12 | 14 | 15 | 17 | 19 | 20 | 24 | 25 => {
            Region::NorthernMountains
        }
        62 | 64 | 66 | 67 | 68 => Region::CentralHighlands,
        84 | 89 | 91 | 94 | 95 | 96 => Region::Khmer,
        _ => Region::Lowlands,
    }
}

fn number(code: &str) -> Result<u32, GenerateError> {
    code.parse()
        .map_err(|_| GenerateError::Reference(format!("the code \"{code}\" is not a number")))
}

impl Nation {
    pub fn load(rng: &mut ChaCha8Rng) -> Result<Nation, GenerateError> {
        let mut reader = csv::Reader::from_reader(VN_ORG_UNITS.as_bytes());
        let mut units = Vec::new();
        for rec in reader.deserialize::<RawUnit>() {
            units.push(rec.map_err(|e| GenerateError::Reference(e.to_string()))?);
        }
        let mut provinces: Vec<Province> = Vec::new();
        for p in units.iter().filter(|u| u.level == "province") {
            provinces.push(Province {
                code: p.code.clone(),
                region: region(number(&p.code)?),
                districts: Vec::new(),
            });
        }
        let province_of = |code: &str| provinces.iter().position(|p| p.code == code);
        let mut placed = Vec::new();
        for d in units.iter().filter(|u| u.level == "district") {
            let pi = province_of(&d.parent_code).ok_or_else(|| {
                GenerateError::Reference(format!("district \"{}\" has no province", d.code))
            })?;
            placed.push((pi, d));
        }
        for (pi, d) in placed {
            let urban = d.full_name.starts_with("Quận") || d.full_name.starts_with("Thành phố");
            provinces[pi].districts.push(District {
                code: d.code.clone(),
                code_num: number(&d.code)?,
                csv_full_name: quoted_if_needed(&d.full_name),
                communes: Vec::new(),
                commune_cdf: Vec::new(),
                children: [0, 0],
                special_weight: rng.gen_range(0.7..1.3) * if urban { 0.75 } else { 1.0 },
                support_base: rng.gen_range(0.962..0.982),
                support_gain: rng.gen_range(0.0..0.012),
            });
        }
        let mut district_at = std::collections::HashMap::new();
        for (pi, p) in provinces.iter().enumerate() {
            for (di, d) in p.districts.iter().enumerate() {
                district_at.insert(d.code.clone(), (pi, di));
            }
        }
        for c in units.iter().filter(|u| u.level == "commune") {
            let &(pi, di) = district_at.get(&c.parent_code).ok_or_else(|| {
                GenerateError::Reference(format!("commune \"{}\" has no district", c.code))
            })?;
            let d = &mut provinces[pi].districts[di];
            d.communes.push(Commune {
                code: c.code.clone(),
                code_num: number(&c.code)?,
                csv_full_name: quoted_if_needed(&c.full_name),
            });
            let w = rng.gen_range(0.5..1.5);
            let last = d.commune_cdf.last().copied().unwrap_or(0.0);
            d.commune_cdf.push(last + w);
        }
        // Children per district: its communes, denser in towns, with a random weight; the
        // island districts without communes still have a few.
        let weights: Vec<f64> = provinces
            .iter()
            .flat_map(|p| &p.districts)
            .map(|d| {
                let urban = d.full_name_is_urban();
                d.communes.len().max(1) as f64
                    * rng.gen_range(0.6..1.6)
                    * if urban { 1.6 } else { 1.0 }
            })
            .collect();
        let children = super::super::apportion(CHILDREN_UNDER_16, &weights, None);
        for (d, n) in provinces
            .iter_mut()
            .flat_map(|p| p.districts.iter_mut())
            .zip(children)
        {
            let n2021 = n as u32;
            let n2020 = (f64::from(n2021) * rng.gen_range(0.985..0.998)).round() as u32;
            d.children = [n2020, n2021];
        }
        Ok(Nation { provinces })
    }

    pub fn districts(&self) -> impl Iterator<Item = &District> {
        self.provinces.iter().flat_map(|p| &p.districts)
    }
}

impl District {
    fn full_name_is_urban(&self) -> bool {
        self.csv_full_name.starts_with("Quận")
            || self.csv_full_name.starts_with("Thành phố")
            || self.csv_full_name.starts_with("Thị xã")
    }
}
