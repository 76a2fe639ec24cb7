#!/usr/bin/env python3
"""Writes the project's org-unit lists of the 2024-2025 reform from the statistics office's
published tables (../shared/reference/2025, see its README), in the columns of
reference/vn_org_units_2021.csv (code, level, unit_type, name, full_name, name_ascii,
parent_code):

- reference/vn_org_units_2025-01-04.csv: the list in force on 4 January 2025 (provinces,
  districts, communes), the last before the reform;
- reference/vn_org_units_2025-07-01.csv: the list in force from 1 July 2025 (34 provinces,
  3,321 communes, no districts: a commune's parent is its province), from the new side of
  the conversion table;
- and copies the conversion table and old Gia Lai's step of 1 November 2024 unchanged.

Usage: scripts/reference_2025.py SOURCE_DIR OUT_DIR
"""
import csv
import shutil
import sys
import unicodedata

TYPES = ["Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã"]


def split_type(full):
    # The published table spells one name without its diacritic ("Xa Ea Kly").
    if full.startswith("Xa "):
        full = "Xã " + full[3:]
    for t in TYPES:
        # A few names write the type with a capital ("Thành Phố Bắc Kạn").
        if full.lower().startswith(t.lower() + " "):
            return t, full[len(t) + 1:]
    raise SystemExit(f"no unit type in {full!r}")


def ascii_name(name):
    s = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in s if not unicodedata.combining(c))


def write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "level", "unit_type", "name", "full_name", "name_ascii", "parent_code"])
        w.writerows(rows)


def unit(code, level, full, parent):
    t, name = split_type(full)
    return [code, level, t, name, f"{t} {name}", ascii_name(name), parent]


def main(src, out):
    rows, seen = [], set()
    provinces, districts, communes = [], [], []
    with open(f"{src}/communes_2025-01-04.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["province_code"] not in seen:
                seen.add(r["province_code"])
                provinces.append(unit(r["province_code"], "province", r["province_name"], ""))
            if r["district_code"] not in seen:
                seen.add(r["district_code"])
                districts.append(unit(r["district_code"], "district", r["district_name"], r["province_code"]))
            # Island districts without communes (Bạch Long Vĩ, Cồn Cỏ, …) have a row with
            # the commune left blank.
            if r["commune_code"]:
                communes.append(unit(r["commune_code"], "commune", r["commune_name"], r["district_code"]))
    write(f"{out}/vn_org_units_2025-01-04.csv", provinces + districts + communes)

    provinces, communes, seen = [], [], set()
    with open(f"{src}/commune_crosswalk_2025.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            p, c = r["new_province_code"], r["new_commune_code"]
            if ("p", p) not in seen:
                seen.add(("p", p))
                provinces.append(unit(p, "province", r["new_province_name"], ""))
            if c not in seen:
                seen.add(c)
                communes.append(unit(c, "commune", r["new_commune_name"], p))
    write(f"{out}/vn_org_units_2025-07-01.csv", provinces + communes)
    for name in ["commune_crosswalk_2025.csv", "gia_lai_2024_changes.csv"]:
        shutil.copyfile(f"{src}/{name}", f"{out}/{name}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
