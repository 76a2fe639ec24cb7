//! Ethnicities by region and names as up to three static parts, so a child's name costs no
//! allocation: the Kinh, Jrai and Bahnar tables of the Gia Lai profile, plus H'Mông and
//! Khmer names for the northern mountains and the Mekong delta.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::super::people::{
    BAHNAR_GIVEN_FEMALE, BAHNAR_GIVEN_MALE, JRAI_FAMILY, JRAI_GIVEN_FEMALE, JRAI_GIVEN_MALE,
    KINH_FAMILY, KINH_GIVEN_FEMALE, KINH_GIVEN_MALE, KINH_MIDDLE_FEMALE, KINH_MIDDLE_MALE,
    NORTHERN_FAMILY,
};
use super::geography::Region;

/// A name as parts joined by single spaces; empty parts are skipped.
pub(super) type Name = [&'static str; 3];

pub(super) fn push_name(buf: &mut Vec<u8>, name: &Name) {
    let mut first = true;
    for part in name.iter().filter(|p| !p.is_empty()) {
        if !first {
            buf.push(b' ');
        }
        buf.extend_from_slice(part.as_bytes());
        first = false;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Kinh,
    Northern,
    Hmong,
    Khmer,
    Jrai,
    Bahnar,
    Highland,
}

/// (name, naming style).
const ETHNICITIES: [(&str, Style); 13] = [
    ("Kinh", Style::Kinh),
    ("Tày", Style::Northern),
    ("Thái", Style::Northern),
    ("Mường", Style::Northern),
    ("Nùng", Style::Northern),
    ("H'Mông", Style::Hmong),
    ("Dao", Style::Northern),
    ("Khmer", Style::Khmer),
    ("Hoa", Style::Kinh),
    ("Jrai", Style::Jrai),
    ("Bahnar", Style::Bahnar),
    ("Ê Đê", Style::Highland),
    ("Xơ Đăng", Style::Highland),
];

/// Weights of `ETHNICITIES` among the registry's children of a region.
fn region_mix(region: Region) -> [f64; 13] {
    match region {
        Region::NorthernMountains => [
            40.0, 14.0, 12.0, 8.0, 8.0, 12.0, 6.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
        ],
        Region::CentralHighlands => [
            58.0, 3.0, 1.0, 1.0, 3.0, 1.0, 1.0, 0.0, 0.0, 13.0, 7.0, 8.0, 4.0,
        ],
        Region::Khmer => [
            74.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 22.0, 4.0, 0.0, 0.0, 0.0, 0.0,
        ],
        Region::Lowlands => [
            95.0, 0.5, 1.5, 2.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0,
        ],
    }
}

const JRAI_GIVEN_FEMALE_H: [&str; 18] = [
    "H'Ly", "H'Nhi", "H'Bia", "H'Uyên", "H'Nga", "H'Lan", "H'Mai", "H'Nơn", "H'Hiên", "H'Blăk",
    "H'Ngơ", "H'Dlin", "H'Jen", "H'Thúy", "H'Yuih", "H'Phin", "H'Kim", "H'Thanh",
];
const HMONG_FAMILY: [&str; 10] = [
    "Giàng", "Vàng", "Sùng", "Thào", "Lý", "Hầu", "Mùa", "Lầu", "Tráng", "Hờ",
];
const HMONG_GIVEN_MALE: [&str; 10] = [
    "Páo", "Sử", "Chứ", "Dế", "Pó", "Tủa", "Lử", "Chinh", "Sình", "Thề",
];
const HMONG_GIVEN_FEMALE: [&str; 10] = [
    "Mỷ", "Pà", "Sua", "Dợ", "Chía", "Mai", "Say", "Lan", "Dinh", "Xá",
];
const KHMER_FAMILY: [&str; 8] = ["Thạch", "Sơn", "Danh", "Kim", "Lâm", "Châu", "Lý", "Trần"];
const KHMER_GIVEN_MALE: [&str; 10] = [
    "Sóc",
    "Ry",
    "Rết",
    "Sa Rươn",
    "Phol",
    "Sang",
    "Đa",
    "Thol",
    "Chanh",
    "Vi",
];
const KHMER_GIVEN_FEMALE: [&str; 10] = [
    "Sa Rết",
    "Srây",
    "Sô Phia",
    "Chanh Đa",
    "Ly",
    "Thi",
    "Mây",
    "Kim Ngọc",
    "Sô Khom",
    "Ra",
];

fn one(rng: &mut ChaCha8Rng, items: &[&'static str]) -> &'static str {
    items[rng.gen_range(0..items.len())]
}

fn cumulative(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut total = 0.0;
    weights
        .map(|w| {
            total += w;
            total
        })
        .collect()
}

/// Index drawn from cumulative weights.
pub(super) fn draw(rng: &mut ChaCha8Rng, cdf: &[f64]) -> usize {
    let total = cdf.last().copied().unwrap_or(0.0);
    if total <= 0.0 {
        return 0;
    }
    let r = rng.gen::<f64>() * total;
    cdf.partition_point(|&c| c <= r).min(cdf.len() - 1)
}

/// The drawing tables, built once.
pub(super) struct Names {
    kinh_family: Vec<f64>,
    regions: [Vec<f64>; 4],
}

impl Names {
    pub fn new() -> Names {
        let region = |r| cumulative(region_mix(r).into_iter());
        Names {
            kinh_family: cumulative(KINH_FAMILY.iter().map(|f| f.1)),
            regions: [
                region(Region::NorthernMountains),
                region(Region::CentralHighlands),
                region(Region::Khmer),
                region(Region::Lowlands),
            ],
        }
    }

    /// An index into the ethnicities, drawn for a child of `region`.
    pub fn ethnicity(&self, rng: &mut ChaCha8Rng, region: Region) -> u8 {
        let cdf = match region {
            Region::NorthernMountains => &self.regions[0],
            Region::CentralHighlands => &self.regions[1],
            Region::Khmer => &self.regions[2],
            Region::Lowlands => &self.regions[3],
        };
        draw(rng, cdf) as u8
    }

    pub fn name(&self, rng: &mut ChaCha8Rng, ethnicity: u8, female: bool) -> Name {
        let style = ETHNICITIES
            .get(usize::from(ethnicity))
            .map_or(Style::Kinh, |e| e.1);
        match style {
            Style::Kinh => {
                let family = KINH_FAMILY[draw(rng, &self.kinh_family)].0;
                kinh_style(rng, family, female)
            }
            Style::Northern => {
                let family = one(rng, &NORTHERN_FAMILY);
                kinh_style(rng, family, female)
            }
            Style::Hmong => {
                let family = one(rng, &HMONG_FAMILY);
                if female {
                    [family, "Thị", one(rng, &HMONG_GIVEN_FEMALE)]
                } else {
                    [family, "A", one(rng, &HMONG_GIVEN_MALE)]
                }
            }
            Style::Khmer => {
                let family = one(rng, &KHMER_FAMILY);
                if female {
                    let middle = if rng.gen_bool(0.5) { "Thị" } else { "" };
                    [family, middle, one(rng, &KHMER_GIVEN_FEMALE)]
                } else {
                    [family, "", one(rng, &KHMER_GIVEN_MALE)]
                }
            }
            Style::Jrai => {
                let family = one(rng, &JRAI_FAMILY);
                if female {
                    match rng.gen_range(0..10) {
                        0..=4 => [family, "", one(rng, &JRAI_GIVEN_FEMALE_H)],
                        5..=7 => [family, "Thị", one(rng, &JRAI_GIVEN_FEMALE)],
                        _ => [family, "Y", one(rng, &JRAI_GIVEN_FEMALE)],
                    }
                } else {
                    let middle = if rng.gen_bool(0.3) { "Văn" } else { "" };
                    [family, middle, one(rng, &JRAI_GIVEN_MALE)]
                }
            }
            Style::Bahnar => {
                let family = if rng.gen_bool(0.85) {
                    "Đinh"
                } else {
                    one(rng, &["Nay", "Trương", "Hờ"])
                };
                let (middle, given) = if female {
                    ("Thị", one(rng, &BAHNAR_GIVEN_FEMALE))
                } else {
                    ("Văn", one(rng, &BAHNAR_GIVEN_MALE))
                };
                [family, if rng.gen_bool(0.7) { middle } else { "" }, given]
            }
            Style::Highland => {
                if female {
                    ["Y", "", one(rng, &JRAI_GIVEN_FEMALE)]
                } else {
                    ["A", "", one(rng, &BAHNAR_GIVEN_MALE)]
                }
            }
        }
    }
}

pub(super) fn ethnicity_name(ethnicity: u8) -> &'static str {
    ETHNICITIES
        .get(usize::from(ethnicity))
        .map_or("Kinh", |e| e.0)
}

fn kinh_style(rng: &mut ChaCha8Rng, family: &'static str, female: bool) -> Name {
    if female {
        [
            family,
            one(rng, &KINH_MIDDLE_FEMALE),
            one(rng, &KINH_GIVEN_FEMALE),
        ]
    } else {
        [
            family,
            one(rng, &KINH_MIDDLE_MALE),
            one(rng, &KINH_GIVEN_MALE),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn names_join_their_parts_with_single_spaces() {
        let mut buf = Vec::new();
        push_name(&mut buf, &["Siu", "", "H'Ly"]);
        buf.push(b'|');
        push_name(&mut buf, &["Nguyễn", "Văn", "An"]);
        assert_eq!(
            String::from_utf8(buf).ok().as_deref(),
            Some("Siu H'Ly|Nguyễn Văn An")
        );
    }

    #[test]
    fn no_name_part_needs_csv_quotes() {
        let names = Names::new();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for i in 0..5_000u32 {
            let name = names.name(&mut rng, (i % 13) as u8, i % 2 == 0);
            assert!(
                name.iter().all(|p| !p.contains([',', '"', '\n'])),
                "{name:?}"
            );
            assert!(!name[0].is_empty() && !name[2].is_empty(), "{name:?}");
        }
    }
}
