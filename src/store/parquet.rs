//! The Parquet files the steps hand each other: written whole under a temporary name and
//! renamed into place, so a reader never opens half a file; scanned lazily, one file or a
//! hive-partitioned table folder (`<table>/year=YYYY/*.parquet`).

use std::path::Path;

use polars::prelude::*;

use super::layout::temporary_name;
use crate::error::Error;

/// A new file for a Parquet writer, buffered: the writer hands its pages over in pieces of
/// a few bytes (a national run made 300,000 write calls for 39,000 cases). The writer's
/// footer flushes the buffer, so a failed write is still reported.
pub fn create_buffered(path: &Path) -> std::io::Result<std::io::BufWriter<std::fs::File>> {
    Ok(std::io::BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(path)?,
    ))
}

/// Writes `df` under a temporary name beside `path`, then renames it into place.
pub fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<(), Error> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
    }
    let tmp = temporary_name(path);
    let file = create_buffered(&tmp).map_err(|e| Error::write(path, e))?;
    let written = ParquetWriter::new(file)
        .finish(df)
        .map_err(|e| Error::polars(&format!("writing {}", path.display()), e))
        .and_then(|_| std::fs::rename(&tmp, path).map_err(|e| Error::write(path, e)));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Scans one Parquet file.
pub fn scan_parquet_file(path: &Path) -> PolarsResult<LazyFrame> {
    LazyFrame::scan_parquet(
        PlRefPath::new(path.to_string_lossy().as_ref()),
        ScanArgsParquet::default(),
    )
}

/// Scans a hive-partitioned table folder (`<table>/year=YYYY/*.parquet`); `None` when it
/// holds no Parquet file.
pub fn scan_partitioned(dir: &Path) -> Option<PolarsResult<LazyFrame>> {
    let has_parts = std::fs::read_dir(dir).ok()?.flatten().any(|e| {
        e.path().is_dir()
            && std::fs::read_dir(e.path()).is_ok_and(|parts| {
                parts
                    .flatten()
                    .any(|p| p.path().extension().is_some_and(|x| x == "parquet"))
            })
    });
    if !has_parts {
        return None;
    }
    let pattern = dir.join("*").join("*.parquet");
    Some(LazyFrame::scan_parquet(
        PlRefPath::new(pattern.to_string_lossy().as_ref()),
        ScanArgsParquet {
            hive_options: HiveOptions::new_enabled(),
            ..Default::default()
        },
    ))
}
