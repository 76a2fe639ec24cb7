//! A batch of a clean table written as one Parquet row group, each column encoded as
//! polars' own `write_batch` encodes it but the keys.
//!
//! A key column (`child_key`, `case_key`) holds 64 hex digits of an HMAC: every value is
//! new and they fall anywhere between 0…0 and f…f. Polars would still hash every key to
//! guess whether a dictionary pays (it never does) and compare every key to find the row
//! group's least and greatest (which rule out no row group: a reader looking for one key
//! finds it within their range in each). Here a key column goes straight to plain pages
//! with no minimum or maximum: about 3 % of a national ingest's CPU. The pages themselves,
//! and every other column, are what polars writes.

use std::io::Write;

use polars::io::parquet::write::BatchedWriter;
use polars::prelude::*;
use polars_parquet::read::ParquetError;
use polars_parquet::write::FallibleStreamingIterator;
use polars_parquet::write::{
    array_to_columns, get_dtype_encoding, CompressedPage, Compressor, DynIter,
    DynStreamingIterator, Encoding, StatisticsOptions, Version, WriteOptions,
};

use crate::columns as col;

/// The columns of keyed hashes: written plain, their minimum and maximum not kept.
const KEY_COLUMNS: [&str; 2] = [col::CHILD_KEY, col::CASE_KEY];

/// The clean tables' parts are not compressed (why: `table.rs`, where the writer is made
/// with it); the pages written here are compressed as the writer's own would be.
pub const COMPRESSION: ParquetCompression = ParquetCompression::Uncompressed;

/// Writes `df` to `writer` as one row group a chunk (a batch is built as one chunk).
pub fn write<W: Write>(writer: &mut BatchedWriter<W>, df: &DataFrame) -> PolarsResult<()> {
    let fields = writer.parquet_schema().fields().to_vec();
    // What polars' writer does for a column: ParquetWriter's defaults, and COMPRESSION.
    let options = WriteOptions {
        statistics: StatisticsOptions::default(),
        version: Version::V1,
        compression: COMPRESSION.into(),
        data_page_size: None,
    };
    let key_options = WriteOptions {
        statistics: StatisticsOptions {
            min_value: false,
            max_value: false,
            ..StatisticsOptions::default()
        },
        ..options
    };
    let is_key: Vec<bool> = df
        .get_column_names()
        .iter()
        .map(|name| KEY_COLUMNS.contains(&name.as_str()))
        .collect();
    for batch in df.iter_chunks(CompatLevel::newest(), false) {
        if batch.is_empty() {
            continue;
        }
        let mut columns = Vec::with_capacity(fields.len());
        for ((array, type_), key) in batch.columns().iter().zip(&fields).zip(&is_key) {
            let (options, encoding) = match key {
                true => (key_options, vec![Encoding::Plain]),
                false => (options, get_dtype_encoding(array.dtype())),
            };
            for pages in array_to_columns(array, type_.clone(), options, &encoding)? {
                let pages = pages.map(|page| {
                    page.map_err(|e| ParquetError::FeatureNotSupported(format!("{e}")))
                });
                let compressed = Compressor::new_from_vec(pages, options.compression, vec![]);
                columns.push(Ok(
                    DynStreamingIterator::<CompressedPage, PolarsError>::new(
                        compressed.map_err(PolarsError::from),
                    ),
                ));
            }
        }
        let file = writer.get_writer();
        let mut file = file
            .lock()
            .map_err(|_| polars_err!(ComputeError: "the Parquet writer was poisoned"))?;
        file.write(batch.len() as u64, DynIter::new(columns.into_iter()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use polars_parquet::parquet::statistics::Statistics;

    use super::*;

    /// A column's name, and the least and greatest value it keeps.
    type Range = (String, Option<Vec<u8>>, Option<Vec<u8>>);

    /// The range each column of the file's first row group keeps.
    fn min_max(path: &std::path::Path) -> Vec<Range> {
        let mut file = std::fs::File::open(path).unwrap();
        let metadata = polars_parquet::read::read_metadata(&mut file).unwrap();
        metadata.row_groups[0]
            .parquet_columns()
            .iter()
            .map(|c| {
                let name = c.descriptor().path_in_schema.join(".");
                match c.statistics(&metadata.footer_buf).unwrap().unwrap() {
                    Statistics::Binary(s) => (name, s.min_value, s.max_value),
                    other => panic!("{name}: {other:?}"),
                }
            })
            .collect()
    }

    #[test]
    fn keys_are_written_plain_with_no_range_and_other_columns_as_polars_writes_them() {
        let dir = tempfile::tempdir().unwrap();
        let keys = ["f0".repeat(32), "0a".repeat(32), "77".repeat(32)];
        let df = df!(
            col::CHILD_KEY => keys.clone(),
            col::DISTRICT_CODE => ["622", "618", "622"],
        )
        .unwrap();
        let path = dir.path().join("part.parquet");
        let mut writer = ParquetWriter::new(std::fs::File::create(&path).unwrap())
            .with_compression(COMPRESSION)
            .batched(df.schema())
            .unwrap();
        write(&mut writer, &df).unwrap();
        writer.finish().unwrap();

        let read = ParquetReader::new(std::fs::File::open(&path).unwrap())
            .finish()
            .unwrap();
        assert!(read.equals(&df));
        // The district keeps its range ("618" to "622"); the key keeps none.
        assert_eq!(
            min_max(&path),
            vec![
                (col::CHILD_KEY.to_string(), None, None),
                (
                    col::DISTRICT_CODE.to_string(),
                    Some(b"618".to_vec()),
                    Some(b"622".to_vec())
                ),
            ]
        );
    }
}
