//! `treem sql [PIPELINE] "SELECT …" [--out DIR] [--format table|csv]`: ad-hoc questions of
//! the clean tables and the indicators, through polars' SQL context. Every table found under
//! the output folder is registered by its name (`registry`, `cases`, `org_units`,
//! `population`, and whatever later steps add), so the command needs no list of its own.
//! A query polars refuses is a bad command line: exit 2 with polars' message.

use std::path::{Path, PathBuf};

use polars::prelude::*;
use polars::sql::SQLContext;

use crate::config;
use crate::error::Error;
use crate::run::default_out;
use crate::store::parquet::{scan_parquet_file, scan_partitioned};
use crate::store::Layout;

/// The most rows and columns a table prints; CSV prints everything.
const MAX_ROWS: usize = 500;
const MAX_COLS: usize = 40;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// `[PIPELINE] QUERY`: the pipeline file (the bundled sample when left out) and the query.
    #[arg(num_args = 1..=2, value_names = ["PIPELINE", "QUERY"], required = true)]
    pub words: Vec<String>,
    /// Output folder to query (default: out/<pipeline name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

pub fn run(args: Args) -> Result<u8, Error> {
    let (pipeline, query) = match args.words.as_slice() {
        [query] => (None, query.as_str()),
        [pipeline, query] => (Some(PathBuf::from(pipeline)), query.as_str()),
        _ => {
            return Err(Error::Usage(
                "Give a query, and a pipeline file before it if not the sample.".into(),
            ))
        }
    };
    let root = match args.out {
        Some(out) => out,
        None => default_out(&config::load(&super::pipeline_path(pipeline))?),
    };
    let mut ctx = SQLContext::new();
    let tables = register_tables(&ctx, &Layout::new(root.clone()))?;
    if tables.is_empty() {
        return Err(Error::Usage(format!(
            "There are no tables under {}: run `treem run` first.",
            root.display()
        )));
    }
    let mut df = ctx
        .execute(query)
        .and_then(LazyFrame::collect)
        .map_err(|e| {
            Error::Usage(format!(
                "The query failed: {e}\nTables: {}.",
                tables.join(", ")
            ))
        })?;
    match args.format {
        Format::Csv => {
            let stdout = std::io::stdout();
            CsvWriter::new(stdout.lock())
                .include_header(true)
                .finish(&mut df)
                .map_err(|e| Error::polars("writing CSV to stdout", e))?;
        }
        Format::Table => {
            // polars reads its display limits from the environment when it formats.
            std::env::set_var("POLARS_FMT_MAX_ROWS", MAX_ROWS.to_string());
            std::env::set_var("POLARS_FMT_MAX_COLS", MAX_COLS.to_string());
            std::env::set_var("POLARS_FMT_STR_LEN", "80");
            std::env::set_var("POLARS_TABLE_WIDTH", "400");
            println!("{df}");
            if df.height() > MAX_ROWS || df.width() > MAX_COLS {
                super::log_line(&format!(
                    "Showing at most {MAX_ROWS} rows and {MAX_COLS} columns of {} × {}: use --format csv for all.",
                    df.height(),
                    df.width()
                ));
            }
        }
    }
    Ok(0)
}

/// Registers every table under `ingested/` (partitioned folders and single files) and the
/// indicators step's outputs; returns their names, sorted.
fn register_tables(ctx: &SQLContext, layout: &Layout) -> Result<Vec<String>, Error> {
    let mut names = Vec::new();
    for dir in [layout.ingested(), layout.indicators()] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let Some((name, lf)) = scan_table(&path) else {
                continue;
            };
            let lf = lf.map_err(|e| Error::polars(&format!("scanning {}", path.display()), e))?;
            ctx.register(&name, lf);
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

fn scan_table(path: &Path) -> Option<(String, PolarsResult<LazyFrame>)> {
    let name = path.file_stem()?.to_str()?.to_string();
    if name.starts_with('.') {
        return None;
    }
    if path.is_dir() {
        Some((name, scan_partitioned(path)?))
    } else if path.extension().is_some_and(|x| x == "parquet") {
        Some((name, scan_parquet_file(path)))
    } else {
        None
    }
}
