//! Synthetic children: ids, names by ethnicity and sex (Kinh, Jrai, Bahnar and smaller
//! groups, with diacritics), birth dates and ages. Shared by the registry and the cases so
//! that a child found in both looks the same in both.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::pick_weighted;
use super::reference::{District, Geography};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "Nam",
            Sex::Female => "Nữ",
        }
    }

    pub fn random(rng: &mut ChaCha8Rng, female_share: f64) -> Sex {
        if rng.gen_bool(female_share) {
            Sex::Female
        } else {
            Sex::Male
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Person {
    pub id: String,
    pub name: String,
    pub birth: NaiveDate,
    pub sex: Sex,
    pub ethnicity: &'static str,
    pub district: u32,
    pub commune: u32,
}

/// Child ids as the commune software gives them, `TE-<province><district>-<6 digits>`, one
/// sequence per district with the gaps deleted records leave.
pub(crate) struct IdAllocator {
    province: u32,
    next: BTreeMap<u32, u32>,
}

impl IdAllocator {
    pub fn new(rng: &mut ChaCha8Rng, geo: &Geography) -> IdAllocator {
        let next = geo
            .districts
            .iter()
            .map(|d| (d.code, rng.gen_range(1..120)))
            .collect();
        IdAllocator {
            province: geo.province_code,
            next,
        }
    }

    pub fn next(&mut self, rng: &mut ChaCha8Rng, district: u32) -> String {
        let seq = self.next.entry(district).or_insert(1);
        let id = format!("TE-{}{}-{:06}", self.province, district, *seq);
        *seq += if rng.gen_bool(0.08) {
            rng.gen_range(2..6)
        } else {
            1
        };
        id
    }
}

/// A new child of `district` aged between `min_age` and `max_age` years (exclusive) on `on`.
pub(crate) fn new_child(
    rng: &mut ChaCha8Rng,
    ids: &mut IdAllocator,
    district: &District,
    sex: Sex,
    on: NaiveDate,
    min_age: u32,
    max_age: u32,
) -> Person {
    let commune = district.communes[district.pick_commune(rng)].code;
    let ethnicity = pick_ethnicity(rng, &district.ethnic_mix);
    Person {
        id: ids.next(rng, district.code),
        name: full_name(rng, ethnicity, sex),
        birth: birth_date(rng, on, min_age, max_age),
        sex,
        ethnicity,
        district: district.code,
        commune,
    }
}

/// The same day `years` years earlier (28 Feb for a 29 Feb that does not exist).
pub(crate) fn years_before(on: NaiveDate, years: u32) -> NaiveDate {
    let y = on.year() - years as i32;
    on.with_year(y)
        .or_else(|| NaiveDate::from_ymd_opt(y, on.month(), 28))
        .unwrap_or(on)
}

/// Completed years of age on `on`.
pub(crate) fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// A birth date making the child at least `min_age` (but 30 days old at least) and younger
/// than `max_age` on `on`.
pub(crate) fn birth_date(
    rng: &mut ChaCha8Rng,
    on: NaiveDate,
    min_age: u32,
    max_age: u32,
) -> NaiveDate {
    let latest = years_before(on, min_age).min(on - Duration::days(30));
    let earliest = years_before(on, max_age) + Duration::days(1);
    let span = (latest - earliest).num_days().max(1);
    earliest + Duration::days(rng.gen_range(0..span))
}

const ETHNIC_OTHER: [(&str, f64); 8] = [
    ("Tày", 25.0),
    ("Nùng", 20.0),
    ("Mường", 15.0),
    ("Thái", 10.0),
    ("Xơ Đăng", 8.0),
    ("Ê Đê", 8.0),
    ("Dao", 8.0),
    ("Giẻ Triêng", 6.0),
];

pub(crate) fn pick_ethnicity(rng: &mut ChaCha8Rng, mix: &[f64; 4]) -> &'static str {
    match pick_weighted(rng, mix) {
        0 => "Kinh",
        1 => "Jrai",
        2 => "Bahnar",
        _ => {
            let w: Vec<f64> = ETHNIC_OTHER.iter().map(|e| e.1).collect();
            ETHNIC_OTHER[pick_weighted(rng, &w)].0
        }
    }
}

pub(crate) const KINH_FAMILY: [(&str, f64); 20] = [
    ("Nguyễn", 31.0),
    ("Trần", 11.0),
    ("Lê", 9.0),
    ("Phạm", 7.0),
    ("Hoàng", 4.0),
    ("Huỳnh", 4.0),
    ("Phan", 4.0),
    ("Vũ", 3.0),
    ("Võ", 3.0),
    ("Đặng", 2.0),
    ("Bùi", 2.0),
    ("Đỗ", 2.0),
    ("Hồ", 2.0),
    ("Ngô", 1.5),
    ("Dương", 1.5),
    ("Lý", 1.0),
    ("Đào", 1.0),
    ("Trương", 1.0),
    ("Đinh", 1.0),
    ("Lương", 1.0),
];
pub(crate) const KINH_MIDDLE_MALE: [&str; 10] = [
    "Văn", "Văn", "Văn", "Đức", "Minh", "Quốc", "Hữu", "Thành", "Gia", "Công",
];
pub(crate) const KINH_MIDDLE_FEMALE: [&str; 10] = [
    "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Mỹ", "Bảo", "Khánh", "Hồng",
];
pub(crate) const KINH_GIVEN_MALE: [&str; 30] = [
    "An", "Bình", "Cường", "Dũng", "Hùng", "Khang", "Long", "Minh", "Nam", "Phúc", "Quân", "Sơn",
    "Tài", "Thắng", "Trung", "Tuấn", "Việt", "Khoa", "Huy", "Đạt", "Bảo", "Khôi", "Lâm", "Nghĩa",
    "Phong", "Quang", "Thịnh", "Tiến", "Vinh", "Hiếu",
];
pub(crate) const KINH_GIVEN_FEMALE: [&str; 30] = [
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngân",
    "Nhung", "Phương", "Quỳnh", "Thảo", "Trang", "Uyên", "Vy", "Yến", "My", "Hiền", "Nhi", "Diệp",
    "Oanh", "Trâm", "Tuyết", "Xuân", "Ánh", "Huyền",
];
pub(crate) const JRAI_FAMILY: [&str; 14] = [
    "Rơ Châm",
    "Siu",
    "Ksor",
    "Rơ Mah",
    "Kpă",
    "Nay",
    "Rah Lan",
    "Puih",
    "Rơ Ô",
    "Kpuih",
    "Rơ Lan",
    "Hiao",
    "Romah",
    "Rcom",
];
pub(crate) const JRAI_GIVEN_MALE: [&str; 18] = [
    "Blơng", "Thoan", "Hyuh", "Tuấn", "Djung", "Phen", "Jek", "Hlim", "Thăm", "Ngơl", "Dơk", "Yin",
    "Kai", "Hanh", "Bôn", "Prôm", "Chươn", "Luyn",
];
pub(crate) const JRAI_GIVEN_FEMALE: [&str; 18] = [
    "Ly", "Nhi", "Bia", "Uyên", "Nga", "Lan", "Mai", "Nơn", "Hiên", "Blăk", "Ngơ", "Dlin", "Jen",
    "Thúy", "Yuih", "Phin", "Kim", "Thanh",
];
pub(crate) const BAHNAR_GIVEN_MALE: [&str; 16] = [
    "Blui", "Thuk", "Hyun", "Brưk", "Hlon", "Prong", "Ngưi", "Yũ", "Trel", "Bưn", "Glin", "Klưm",
    "Pơl", "Hmưk", "Thiêng", "Doa",
];
pub(crate) const BAHNAR_GIVEN_FEMALE: [&str; 14] = [
    "Hlen", "Bơn", "Pui", "Blưn", "Hnuh", "Kim", "Mlang", "Thương", "Rin", "Hlun", "Blin", "Hyơ",
    "Lứ", "Jun",
];
pub(crate) const NORTHERN_FAMILY: [&str; 11] = [
    "Hoàng", "Nông", "Lục", "Bế", "Lò", "Quách", "Hà", "Lường", "Triệu", "Đinh", "Bùi",
];

fn choose<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or("")
}

/// A realistic full name for a child of `ethnicity` and `sex`.
pub(crate) fn full_name(rng: &mut ChaCha8Rng, ethnicity: &str, sex: Sex) -> String {
    let female = sex == Sex::Female;
    match ethnicity {
        "Kinh" => {
            let w: Vec<f64> = KINH_FAMILY.iter().map(|f| f.1).collect();
            let family = KINH_FAMILY[pick_weighted(rng, &w)].0;
            kinh_style(rng, family, female)
        }
        "Jrai" => {
            let family = choose(rng, &JRAI_FAMILY);
            if female {
                let given = choose(rng, &JRAI_GIVEN_FEMALE);
                match rng.gen_range(0..10) {
                    0..=4 => format!("{family} H'{given}"),
                    5..=7 => format!("{family} Thị {given}"),
                    _ => format!("{family} Y {given}"),
                }
            } else {
                let given = choose(rng, &JRAI_GIVEN_MALE);
                if rng.gen_bool(0.3) {
                    format!("{family} Văn {given}")
                } else {
                    format!("{family} {given}")
                }
            }
        }
        "Bahnar" => {
            let family = if rng.gen_bool(0.85) {
                "Đinh"
            } else {
                choose(rng, &["Nay", "Trương", "Hờ"])
            };
            let (middle, given) = if female {
                ("Thị", choose(rng, &BAHNAR_GIVEN_FEMALE))
            } else {
                ("Văn", choose(rng, &BAHNAR_GIVEN_MALE))
            };
            if rng.gen_bool(0.7) {
                format!("{family} {middle} {given}")
            } else {
                format!("{family} {given}")
            }
        }
        "Xơ Đăng" | "Giẻ Triêng" | "Ê Đê" => {
            let given = if female {
                choose(rng, &JRAI_GIVEN_FEMALE)
            } else {
                choose(rng, &BAHNAR_GIVEN_MALE)
            };
            if female {
                format!("Y {given}")
            } else {
                format!("A {given}")
            }
        }
        _ => {
            let family = choose(rng, &NORTHERN_FAMILY);
            kinh_style(rng, family, female)
        }
    }
}

fn kinh_style(rng: &mut ChaCha8Rng, family: &str, female: bool) -> String {
    let (middle, given) = if female {
        (
            choose(rng, &KINH_MIDDLE_FEMALE),
            choose(rng, &KINH_GIVEN_FEMALE),
        )
    } else {
        (
            choose(rng, &KINH_MIDDLE_MALE),
            choose(rng, &KINH_GIVEN_MALE),
        )
    };
    format!("{family} {middle} {given}")
}
