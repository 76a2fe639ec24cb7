//! Text columns of few distinct values — a commune's code, a sex, an ethnicity, a list of
//! support forms — handed to the Parquet writer already coded, batch by batch.
//!
//! Left as text, each cell is copied into a string column, and polars' Parquet writer then
//! finds the column's dictionary itself: it hashes every cell twice, once to guess whether
//! a dictionary pays and once to build it — more time, and more memory for the copies,
//! than the numbering here. A batch's cells are numbered by the address of the text they
//! share (the reader's memo hands out one `Rc<str>` per distinct text, and fixed texts are
//! `&'static str`), so a cell costs a look-up among a few hundred addresses, most often
//! none (rows come grouped by commune), and a text is hashed once a batch. The numbers and
//! the batch's texts, in the order it first has them, are a polars Enum.
//!
//! The writer stores an Enum as its texts and codes: a dictionary page and the
//! dictionary-encoded `BYTE_ARRAY` (UTF8) column it writes for such a text column anyway,
//! the texts in the same order. Only the file's Arrow schema would say "dictionary":
//! [`TextSchema`] writes the text schema there instead, as polars itself writes it for the
//! text columns. So a part is the one the text would have made, byte for byte, and polars,
//! pyarrow, DuckDB and Spark read plain strings, as before.

use polars::io::parquet::write::KeyValueMetadata;
use polars::prelude::*;

/// Column `name` of a batch, its texts coded: a polars Enum of the texts the batch has, in
/// the order it first has them, and each row's code. Equal texts at different addresses get
/// the same code; the address only spares hashing a text again.
pub fn coded<'a>(
    name: &'static str,
    values: impl ExactSizeIterator<Item = Option<&'a str>>,
) -> PolarsResult<Column> {
    // Addresses are only compared while the batch holds every text it points at.
    let mut by_address: foldhash::HashMap<(usize, usize), u32> = Default::default();
    let mut by_text: foldhash::HashMap<&'a str, u32> = Default::default();
    let mut texts: Vec<&'a str> = Vec::new();
    // Rows come grouped (a commune's children together): many repeat the row before.
    let mut last: Option<((usize, usize), u32)> = None;
    let mut code_of = |text: &'a str| {
        let address = (text.as_ptr() as usize, text.len());
        let code = match last {
            Some((at, code)) if at == address => code,
            _ => *by_address.entry(address).or_insert_with(|| {
                *by_text.entry(text).or_insert_with(|| {
                    texts.push(text);
                    texts.len() as u32 - 1
                })
            }),
        };
        last = Some((address, code));
        code
    };
    let codes: Vec<Option<u32>> = values.map(|value| value.map(&mut code_of)).collect();
    let dtype = DataType::from_frozen_categories(FrozenCategories::new(texts)?);
    // The codes in the Enum's own width: a byte for up to 256 texts.
    let codes = match dtype.cat_physical()? {
        CategoricalPhysical::U8 => narrowed::<UInt8Type>(name, &codes)?,
        CategoricalPhysical::U16 => narrowed::<UInt16Type>(name, &codes)?,
        CategoricalPhysical::U32 => narrowed::<UInt32Type>(name, &codes)?,
    };
    // Checked: every code must name a text (each is its text's place in `texts`, which
    // `FrozenCategories` numbers in order).
    Ok(Series::from_cats_and_dtype(&codes, &dtype, true)?.into_column())
}

/// The codes as a column of `T`, which holds every one of them.
fn narrowed<T>(name: &str, codes: &[Option<u32>]) -> PolarsResult<Series>
where
    T: PolarsNumericType,
    T::Native: TryFrom<u32>,
    ChunkedArray<T>: IntoSeries,
{
    let codes = codes
        .iter()
        .map(|code| code.map(T::Native::try_from).transpose())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| polars_err!(ComputeError: "the codes of {name} do not fit their Enum"))?;
    Ok(super::frames::numbers::<T>(name, codes.into_iter()).into_series())
}

/// The Arrow schema of a table as text columns, written in place of the one polars would
/// derive from the coded columns: what the file holds reads back as strings.
pub struct TextSchema(KeyValueMetadata);

impl TextSchema {
    /// The schema of `text_frame`, a table's frame with its text columns as strings: the
    /// file-level metadata polars writes for it, taken from an empty file written in
    /// memory (polars makes that schema's text, but does not hand it out).
    pub fn of(text_frame: &DataFrame) -> PolarsResult<Self> {
        let mut file = Vec::new();
        ParquetWriter::new(&mut file).finish(&mut text_frame.clear())?;
        let mut reader = ParquetReader::new(std::io::Cursor::new(file));
        let pairs: Vec<(String, String)> = reader
            .get_metadata()?
            .key_value_metadata
            .iter()
            .flatten()
            .filter_map(|kv| Some((kv.key.clone(), kv.value.clone()?)))
            .collect();
        polars_ensure!(
            !pairs.is_empty(),
            ComputeError: "polars wrote no Arrow schema for the text columns"
        );
        Ok(TextSchema(KeyValueMetadata::from_static(pairs)))
    }

    pub fn metadata(&self) -> KeyValueMetadata {
        self.0.clone()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn codes(column: &Column) -> Vec<Option<u32>> {
        let physical = column.as_materialized_series().to_physical_repr();
        let physical = physical.cast(&DataType::UInt32).unwrap();
        physical.u32().unwrap().iter().collect()
    }

    fn texts(column: &Column) -> Vec<Option<String>> {
        let texts = column.cast(&DataType::String).unwrap();
        let texts = texts.str().unwrap().iter();
        texts.map(|t| t.map(str::to_string)).collect()
    }

    #[test]
    fn equal_texts_share_a_code_wherever_they_are_held() {
        let shared: Arc<str> = Arc::from("64633");
        let elsewhere = String::from("64633");
        let other: Arc<str> = Arc::from("64636");
        let cells = [
            Some(&*other),
            Some(&*shared),
            Some(elsewhere.as_str()),
            None,
            Some(&*other),
            Some(&*shared),
        ];
        let column = coded("commune_code", cells.iter().copied()).unwrap();
        // "64636" first, at row 0 (code 0); "64633" at row 1 (code 1), held twice.
        assert_eq!(
            codes(&column),
            vec![Some(0), Some(1), Some(1), None, Some(0), Some(1)]
        );
        let expected: Vec<Option<String>> = cells.iter().map(|c| c.map(str::to_string)).collect();
        assert_eq!(texts(&column), expected);
    }

    #[test]
    fn a_batch_of_many_texts_is_coded_as_wide_as_it_needs() {
        // 300 texts do not fit a byte's codes.
        let cells: Vec<String> = (0..300).map(|i| format!("xã {i}")).collect();
        let column = coded("commune_code", cells.iter().map(|c| Some(c.as_str()))).unwrap();
        assert_eq!(codes(&column)[299], Some(299));
        assert_eq!(texts(&column)[299].as_deref(), Some("xã 299"));
    }

    /// The bytes of a Parquet file of `frame` written by polars' batched writer.
    fn written(frame: &DataFrame, metadata: Option<KeyValueMetadata>) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut writer = ParquetWriter::new(&mut bytes)
            .with_key_value_metadata(metadata)
            .batched(frame.schema())
            .unwrap();
        writer.write_batch(frame).unwrap();
        writer.finish().unwrap();
        drop(writer);
        bytes
    }

    #[test]
    fn a_coded_part_is_the_file_its_text_makes_and_reads_back_as_text() {
        let cells = [Some("Kinh"), None, Some("Gia Rai"), Some("Kinh")];
        let text =
            DataFrame::new(4, vec![Column::new("ethnicity".into(), cells.to_vec())]).unwrap();
        let coded =
            DataFrame::new(4, vec![coded("ethnicity", cells.iter().copied()).unwrap()]).unwrap();
        let schema = TextSchema::of(&text).unwrap().metadata();
        let bytes = written(&coded, Some(schema));
        assert_eq!(bytes, written(&text, None));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("part.parquet");
        std::fs::write(&path, &bytes).unwrap();
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
