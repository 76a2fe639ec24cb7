#!/bin/sh
# Rebuilds the files of tests/corpus/libreoffice/ from sample_data with LibreOffice
# (7.4, Debian 12: apt-get install libreoffice-calc python3-uno), as
# tests/corpus/README.md lists them. Run from the repository's root:
#
#     sh tests/corpus/libreoffice/make.sh
#
# Two throwaway LibreOffice profiles set the office's locale: vi-VN (a Vietnamese
# office's computer) and en-US (an English-locale one). CI has no LibreOffice: the files
# are committed, and tests/corpus.rs only reads them.
set -eu

out=tests/corpus/libreoffice
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for locale in vi-VN en-US; do
  mkdir -p "$work/$locale/user"
  cat > "$work/$locale/user/registrymodifications.xcu" <<XCU
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>$locale</value></prop></item>
</oor:items>
XCU
done
VI="-env:UserInstallation=file://$work/vi-VN"
EN="-env:UserInstallation=file://$work/en-US"

# CSV import: UTF-8, Vietnamese. "Detect special numbers" off is LibreOffice's default
# (dates stay text as typed); on, dates and times become date cells.
CSV_IN='Text - txt - csv (StarCalc):44,34,76,1,,1066,false,false'
CSV_IN_DATES='Text - txt - csv (StarCalc):44,34,76,1,,1066,false,true'
# CSV export: separator, quote, character set (76 UTF-8, 65535 UTF-16, 40 Windows-1258),
# first line, no formats, language, quoted as text, detect special numbers, as shown.
SEMICOLON_UTF8='csv:Text - txt - csv (StarCalc):59,34,76,1,,1066,false,false,true'
COMMA_UTF16='csv:Text - txt - csv (StarCalc):44,34,65535,1,,1066,false,false,true'
TAB_UTF16='txt:Text - txt - csv (StarCalc):9,34,65535,1,,1066,false,false,true'
COMMA_1258='csv:Text - txt - csv (StarCalc):44,34,40,1,,1066,false,false,true'
COMMA_UTF8='csv:Text - txt - csv (StarCalc):44,34,76,1,,1066,false,false,true'

lo() { soffice "$@" 2>&1 | grep -v javaldx || true; }

mkdir -p "$out/originals" "$work/csv"
head -n 31 sample_data/child_registry/2021-12-31/tre_em_an_khe_31122021.csv > "$out/originals/registry.csv"
head -n 21 sample_data/cases/2020/vu_viec_2020_6_thang_dau.csv > "$out/originals/cases.csv"

for name in registry cases; do
  src="$out/originals/$name.csv"
  for format in xlsx xls ods; do
    lo "$VI" --headless --infilter="$CSV_IN_DATES" --convert-to "$format" --outdir "$out" "$src"
  done
  for variant in semicolon:"$SEMICOLON_UTF8" utf16:"$COMMA_UTF16" cp1258:"$COMMA_1258"; do
    suffix=${variant%%:*}
    lo "$VI" --headless --infilter="$CSV_IN" --convert-to "${variant#*:}" --outdir "$work/csv" "$src"
    mv "$work/csv/$name.csv" "$out/${name}_$suffix.csv"
  done
  lo "$VI" --headless --infilter="$CSV_IN" --convert-to "$TAB_UTF16" --outdir "$work/csv" "$src"
  mv "$work/csv/$name.txt" "$out/${name}_utf16_tab.txt"
  # Dates as date cells, saved as the Vietnamese office shows them (dd/mm/yy, "sáng").
  lo "$VI" --headless --infilter="$CSV_IN_DATES" --convert-to "$COMMA_UTF8" --outdir "$work/csv" "$src"
  mv "$work/csv/$name.csv" "$out/${name}_dates_as_shown.csv"
done

# The fund ledger of 2021, the sample's CSV (95 rows, "41.000.000", "94.000.000 đ").
src=sample_data/fund/quy_bao_tro_tre_em_2021.csv
mkdir -p "$work/fund"
for format in xlsx xls ods; do
  lo "$VI" --headless --infilter="$CSV_IN_DATES" --convert-to "$format" --outdir "$work/fund" "$src"
  mv "$work/fund/quy_bao_tro_tre_em_2021.$format" "$out/fund_2021.$format"
done
for variant in semicolon:"$SEMICOLON_UTF8" utf16:"$COMMA_UTF16" cp1258:"$COMMA_1258"; do
  suffix=${variant%%:*}
  lo "$VI" --headless --infilter="$CSV_IN" --convert-to "${variant#*:}" --outdir "$work/fund" "$src"
  mv "$work/fund/quy_bao_tro_tre_em_2021.csv" "$out/fund_2021_$suffix.csv"
done

# The fund ledger of 2020, the sample's xlsx (88 rows, amounts as numbers, dates as date
# cells "dd/mm/yyyy"): re-saved as it is, then with its amounts formatted "#,##0" (as a
# user does with Format > Cells) and saved as CSV on an English-locale office
# ("800,000") and a Vietnamese one ("800.000").
src=sample_data/fund/quy_bao_tro_tre_em_2020.xlsx
for format in xls ods; do
  lo "$VI" --headless --convert-to "$format" --outdir "$work/fund" "$src"
  mv "$work/fund/quy_bao_tro_tre_em_2020.$format" "$out/fund_2020.$format"
done
soffice "$EN" --headless --accept="socket,host=localhost,port=2002;urp;" >/dev/null 2>&1 &
office=$!
/usr/bin/python3 "$out/group_thousands.py" "$src" "$out/fund_2020_grouped.xlsx"
kill "$office"
wait "$office" || true
lo "$EN" --headless --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,false,true' --outdir "$work/fund" "$out/fund_2020_grouped.xlsx"
mv "$work/fund/fund_2020_grouped.csv" "$out/fund_2020_english_locale.csv"
lo "$VI" --headless --convert-to "$COMMA_UTF8" --outdir "$work/fund" "$out/fund_2020_grouped.xlsx"
mv "$work/fund/fund_2020_grouped.csv" "$out/fund_2020_vietnamese_locale.csv"

# A district's report workbook, 627 Chư Păh 2021 (every value a text cell: "24.368",
# "219.000.000", "-"), re-saved as each workbook format, and its first sheet as CSV.
src=sample_data/district_reports/2021/bao_cao_627_chu_pah_2021.xlsx
mkdir -p "$work/report"
for format in xlsx xls ods "$COMMA_UTF8"; do
  lo "$VI" --headless --convert-to "$format" --outdir "$work/report" "$src"
  extension=${format%%:*}
  mv "$work/report/bao_cao_627_chu_pah_2021.$extension" "$out/report_627.$extension"
done

# 625 KBang 2021, typed in the TCVN3 font (text cells hold the font's bytes as
# characters U+0000–U+00FF), re-saved as xls and ods.
src=sample_data/district_reports/2021/bao_cao_625_kbang_2021.xlsx
for format in xls ods; do
  lo "$VI" --headless --convert-to "$format" --outdir "$work/report" "$src"
  mv "$work/report/bao_cao_625_kbang_2021.$format" "$out/report_625_tcvn3.$format"
done

# The registry saved as CSV in Windows-1252 (character set 1), as an English-locale
# Windows office writes "CSV": every Vietnamese letter outside that code page becomes "?".
lo "$VI" --headless --infilter="$CSV_IN" --convert-to 'csv:Text - txt - csv (StarCalc):44,34,1,1,,1066,false,false,true' --outdir "$work/csv" "$out/originals/registry.csv"
mv "$work/csv/registry.csv" "$out/registry_windows_1252.csv"
