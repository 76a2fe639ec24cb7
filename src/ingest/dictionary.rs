//! Text columns of few distinct values — a commune's code, a sex, an ethnicity, a list of
//! support forms — handed to the Parquet writer already coded, as a part file is written.
//!
//! Left as text, each cell is copied into a string column, and polars' Parquet writer then
//! finds the column's dictionary itself: it hashes every cell twice, once to guess whether
//! a dictionary pays and once to build it. That was a tenth of a national ingest. Here a
//! batch's cells are numbered by the address of the text they share (the reader's memo
//! hands out one `Arc<str>` per distinct text, and fixed texts are `&'static str`), so a
//! cell costs a look-up among a few hundred addresses, most often none (rows come grouped
//! by commune), and a text is hashed once a batch. The numbers are a polars Categorical
//! whose categories belong to the part file alone.
//!
//! The writer stores a Categorical as a dictionary of the texts its row group has, in the
//! order it first has them, and their codes: the dictionary-encoded `BYTE_ARRAY` (UTF8)
//! column it writes for such a text column anyway. Only the file's Arrow schema would say
//! "dictionary": [`TextSchema`] writes the text schema there instead. So the part is the
//! one the text would have made, byte for byte (the national registry's 63 parts are), and
//! polars, pyarrow, DuckDB and Spark read plain strings, as before.

use std::collections::HashMap;

use polars::io::parquet::write::KeyValueMetadata;
use polars::prelude::*;

/// A part file's coded text columns: for each, the categories of this file alone.
#[derive(Default)]
pub struct Dictionaries {
    columns: HashMap<&'static str, DataType>,
}

impl Dictionaries {
    pub fn new() -> Self {
        Self::default()
    }

    /// Column `name` of a batch, as the codes of its texts in this file's dictionary.
    /// Equal texts at different addresses get the same code; the address only spares
    /// hashing a text again.
    pub fn column<'a>(
        &mut self,
        name: &'static str,
        values: impl ExactSizeIterator<Item = Option<&'a str>>,
    ) -> PolarsResult<Column> {
        let dtype = self.columns.entry(name).or_insert_with(|| {
            let categories = Categories::random(name.into(), CategoricalPhysical::U32);
            let mapping = categories.mapping();
            DataType::Categorical(categories, mapping)
        });
        let DataType::Categorical(_, mapping) = &*dtype else {
            unreachable!("Dictionaries only makes Categorical types")
        };
        // Addresses are only compared while the batch holds every text it points at.
        let mut by_address: foldhash::HashMap<(usize, usize), u32> = Default::default();
        // Rows come grouped (a commune's children together): many repeat the row before.
        let mut last: Option<((usize, usize), u32)> = None;
        let rows = values.len();
        let mut codes: Vec<u32> = Vec::with_capacity(rows);
        // Which rows are null, once one is.
        let mut nulls: Vec<bool> = Vec::new();
        for (row, value) in values.enumerate() {
            let Some(text) = value else {
                if nulls.is_empty() {
                    nulls = vec![false; rows];
                }
                if let Some(null) = nulls.get_mut(row) {
                    *null = true;
                }
                codes.push(0);
                continue;
            };
            let address = (text.as_ptr() as usize, text.len());
            let code = match last {
                Some((at, code)) if at == address => code,
                _ => match by_address.get(&address) {
                    Some(code) => *code,
                    None => {
                        let code = mapping.insert_cat(text)?;
                        by_address.insert(address, code);
                        code
                    }
                },
            };
            last = Some((address, code));
            codes.push(code);
        }
        let mut codes = UInt32Chunked::from_vec(name.into(), codes);
        if !nulls.is_empty() {
            codes = codes.set(&BooleanChunked::from_slice(name.into(), &nulls), None)?;
        }
        Series::from_cats_and_dtype(&codes.into_series(), dtype, true).map(Column::from)
    }
}

/// The Arrow schema of a table as text columns, written in place of the one polars would
/// derive from the coded columns: what the file holds reads back as strings.
pub struct TextSchema(KeyValueMetadata);

impl TextSchema {
    /// The schema of `text_frame`, a table's frame with its text columns as strings.
    pub fn of(text_frame: &DataFrame) -> Self {
        let arrow = text_frame.schema().to_arrow(CompatLevel::newest());
        let key = polars_parquet::write::schema_to_metadata_key(&arrow);
        TextSchema(KeyValueMetadata::from_static(vec![(
            key.key,
            key.value.unwrap_or_default(),
        )]))
    }

    pub fn metadata(&self) -> KeyValueMetadata {
        self.0.clone()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn equal_texts_share_a_code_wherever_they_are_held() {
        let shared: Arc<str> = Arc::from("64633");
        let elsewhere = String::from("64633");
        let other: Arc<str> = Arc::from("64636");
        let cells = [
            Some(&*shared),
            Some(elsewhere.as_str()),
            None,
            Some(&*other),
            Some(&*shared),
        ];
        let mut dictionaries = Dictionaries::new();
        let column = dictionaries
            .column("commune_code", cells.iter().copied())
            .unwrap();
        let codes = column.as_materialized_series().to_physical_repr();
        let codes: Vec<Option<u32>> = codes.u32().unwrap().iter().collect();
        // "64633" first met at row 0 (code 0), again at rows 1 and 4; "64636" next (code 1).
        assert_eq!(codes, vec![Some(0), Some(0), None, Some(1), Some(0)]);
        let texts = column.cast(&DataType::String).unwrap();
        let texts: Vec<Option<&str>> = texts.str().unwrap().iter().collect();
        assert_eq!(texts, cells.to_vec());
    }

    #[test]
    fn a_later_batch_of_the_file_keeps_the_codes_of_the_first() {
        let mut dictionaries = Dictionaries::new();
        let first = dictionaries
            .column("sex", [Some("F"), Some("M")].into_iter())
            .unwrap();
        let second = dictionaries
            .column("sex", [Some("M"), Some("X"), Some("F")].into_iter())
            .unwrap();
        let codes = |c: &Column| -> Vec<Option<u32>> {
            let physical = c.as_materialized_series().to_physical_repr();
            physical.u32().unwrap().iter().collect()
        };
        assert_eq!(codes(&first), vec![Some(0), Some(1)]);
        assert_eq!(codes(&second), vec![Some(1), Some(2), Some(0)]);
        // Another file's dictionary starts afresh.
        let other = Dictionaries::new()
            .column("sex", [Some("M")].into_iter())
            .unwrap();
        assert_eq!(codes(&other), vec![Some(0)]);
    }

    #[test]
    fn a_coded_part_reads_back_as_the_text_it_was_built_from() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("part.parquet");
        let cells = [Some("Kinh"), None, Some("Gia Rai"), Some("Kinh")];
        let text =
            DataFrame::new(4, vec![Column::new("ethnicity".into(), cells.to_vec())]).unwrap();
        let mut dictionaries = Dictionaries::new();
        let coded = DataFrame::new(
            4,
            vec![dictionaries
                .column("ethnicity", cells.iter().copied())
                .unwrap()],
        )
        .unwrap();
        let file = std::fs::File::create(&path).unwrap();
        let mut writer = ParquetWriter::new(file)
            .with_key_value_metadata(Some(TextSchema::of(&text.clear()).metadata()))
            .batched(coded.schema())
            .unwrap();
        writer.write_batch(&coded).unwrap();
        writer.finish().unwrap();

        let read = LazyFrame::scan_parquet(
            PlRefPath::new(path.to_string_lossy().as_ref()),
            ScanArgsParquet::default(),
        )
        .unwrap()
        .collect()
        .unwrap();
        assert_eq!(read.schema().get("ethnicity"), Some(&DataType::String));
        assert!(read.equals_missing(&text));
    }
}
