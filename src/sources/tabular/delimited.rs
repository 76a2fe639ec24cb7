//! Delimited text (CSV, Excel's "Unicode text"), read as a stream of records: decoded
//! whatever its encoding, the delimiter sniffed, each record with the line it starts on. A
//! record longer than `max_line_bytes` is set aside alone, with its line, and the rest of
//! the file is read.
//!
//! Nothing holds the whole file: the encoding and the delimiter are decided on its first
//! block, then each record is decoded as it comes — UTF-8 where it is valid, the file's
//! 8-bit encoding elsewhere — so a national snapshot of 470 MB streams in bounded memory.
//! UTF-16 (Excel's "Unicode text") is transcoded to UTF-8 on the way in.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::records::RecordReader;
use super::{unreadable, Limits, RawRow, RawTable, UnreadableFile};
use crate::text::encoding::{
    decode_as, decode_legacy, mostly_utf8, sniff_utf16_head, SourceEncoding,
};
use crate::text::{cells_clean, cells_trimmed};

/// The encoding and delimiter are decided on this much of the file's start.
const HEAD_BYTES: usize = 64 * 1024;

/// How a record's bytes become text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RecordText {
    /// UTF-8 (or transcoded UTF-16); a record that is not valid UTF-8 is one line pasted
    /// from an 8-bit export, decoded alone in the encoding it reads best in.
    Utf8,
    /// An 8-bit file: every record in the encoding its first block reads best in.
    Legacy(SourceEncoding),
}

/// What the next call to [`DelimitedReader::next_row`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A record, now in the caller's row.
    Row,
    /// A record over the line-length limit, set aside: its line and why.
    Skipped(usize, String),
}

/// An open delimited file, yielding one record at a time into a reused row.
pub struct DelimitedReader {
    path: PathBuf,
    records: RecordReader,
    text: RecordText,
    encoding: SourceEncoding,
    max_line_bytes: u64,
    scratch: String,
    /// Where each cell of the record ends, without a CRLF line's '\r'.
    ends: Vec<usize>,
}

impl DelimitedReader {
    pub fn open(path: &Path, limits: &Limits) -> Result<Self, UnreadableFile> {
        let fail = |e: std::io::Error| unreadable(path, "unreadable_file", format!("{e}."));
        let mut file = std::fs::File::open(path).map_err(fail)?;
        // What the file holds, to size the reader's buffer (UTF-16 becomes less as UTF-8).
        let size = file.metadata().map_or(0, |m| m.len());
        let mut head = Vec::with_capacity(HEAD_BYTES);
        (&mut file)
            .take(HEAD_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(fail)?;

        let (encoding, skip) = if head.starts_with(b"\xEF\xBB\xBF") {
            (SourceEncoding::Utf8Bom, 3)
        } else if head.starts_with(b"\xFF\xFE") {
            (SourceEncoding::Utf16Le, 2)
        } else if head.starts_with(b"\xFE\xFF") {
            (SourceEncoding::Utf16Be, 2)
        } else if let Some(utf16) = sniff_utf16_head(&head) {
            (utf16, 0)
        } else {
            (head_encoding(&head), 0)
        };
        let rest = std::io::Cursor::new(head[skip..].to_vec()).chain(file);
        let (stream, text): (Box<dyn Read + Send>, RecordText) = match encoding {
            SourceEncoding::Utf16Le => (
                Box::new(Utf16Reader::new(rest, encoding_rs::UTF_16LE)),
                RecordText::Utf8,
            ),
            SourceEncoding::Utf16Be => (
                Box::new(Utf16Reader::new(rest, encoding_rs::UTF_16BE)),
                RecordText::Utf8,
            ),
            SourceEncoding::Utf8 | SourceEncoding::Utf8Bom | SourceEncoding::Mixed => {
                (Box::new(rest), RecordText::Utf8)
            }
            legacy => (Box::new(rest), RecordText::Legacy(legacy)),
        };
        let head_text = match text {
            RecordText::Legacy(legacy) => decode_as(legacy, &head),
            RecordText::Utf8
                if matches!(encoding, SourceEncoding::Utf16Le | SourceEncoding::Utf16Be) =>
            {
                let codec = match encoding {
                    SourceEncoding::Utf16Be => encoding_rs::UTF_16BE,
                    _ => encoding_rs::UTF_16LE,
                };
                codec
                    .decode_without_bom_handling(&head[skip..])
                    .0
                    .into_owned()
            }
            RecordText::Utf8 => String::from_utf8_lossy(&head[skip..]).into_owned(),
        };
        // A trailing '\r' stays in a record's last cell, and is dropped below: csv's own
        // CRLF handling would number the lines after the first one wrong.

        Ok(DelimitedReader {
            path: path.to_path_buf(),
            records: RecordReader::new(stream, sniff_delimiter(&head_text), size),
            text,
            encoding,
            max_line_bytes: limits.max_line_bytes,
            scratch: String::new(),
            ends: Vec::new(),
        })
    }

    /// How the file is being read; `Mixed` once a record needed an 8-bit decoding.
    pub fn encoding(&self) -> SourceEncoding {
        self.encoding
    }

    /// Reads the next record into `row` (cells cleaned), or says why it was set aside;
    /// `None` at the end of the file.
    pub fn next_row(&mut self, row: &mut RawRow) -> Result<Option<Record>, UnreadableFile> {
        let record = self.records.next().map_err(|e| {
            unreadable(
                &self.path,
                "unreadable_file",
                format!("it could not be read to the end ({e})."),
            )
        })?;
        let Some(record) = record else {
            return Ok(None);
        };
        let line = record.line;
        let bytes = record.bytes.len() as u64;
        if bytes > self.max_line_bytes {
            return Ok(Some(Record::Skipped(
                line,
                format!(
                    "Line {line} holds {bytes} bytes, over the {} that limits.max_line_bytes allows.",
                    self.max_line_bytes
                ),
            )));
        }
        // A record valid as UTF-8 is UTF-8 whatever the file: 8-bit Vietnamese is almost
        // never valid UTF-8 once it leaves ASCII. Its cells are cut from it by their byte
        // ranges, which fall on the delimiters, so they are valid too.
        match (record.text(), self.text) {
            (Some(text), mode) => {
                if matches!(mode, RecordText::Legacy(_)) && !text.is_ascii() {
                    self.encoding = SourceEncoding::Mixed;
                }
                self.ends.clear();
                self.ends.extend_from_slice(record.ends);
                // A CRLF line's '\r' ends its last cell; cleaning would drop it.
                let mut whole = text;
                if let (Some(stripped), Some(last)) =
                    (text.strip_suffix('\r'), self.ends.last_mut())
                {
                    whole = stripped;
                    *last -= 1;
                }
                // A plain record (checked as the buffer was read) has no '\r', and only its
                // cells' edges are left to look at.
                let clean = match record.plain {
                    true => cells_trimmed(whole, &self.ends, record.gap),
                    false => cells_clean(whole, &self.ends, record.gap),
                };
                if clean {
                    // The usual record: every cell clean already, copied in one go.
                    row.set_clean_cells(line, whole, &self.ends, record.gap);
                } else {
                    row.clear(line);
                    for i in 0..record.len() {
                        let cell = std::str::from_utf8(record.cell(i)).unwrap_or_default();
                        row.push_cleaned(cell);
                    }
                }
            }
            (None, mode) => {
                row.clear(line);
                let legacy = match mode {
                    RecordText::Legacy(legacy) => legacy,
                    RecordText::Utf8 => {
                        self.encoding = SourceEncoding::Mixed;
                        // Scored as the line reads, cells apart: run together, their
                        // syllables would not look Vietnamese in any encoding.
                        let cells: Vec<&[u8]> = (0..record.len()).map(|i| record.cell(i)).collect();
                        decode_legacy(&cells.join(&b' ')).encoding
                    }
                };
                for i in 0..record.len() {
                    let field = record.cell(i);
                    match std::str::from_utf8(field) {
                        Ok(text) if text.is_ascii() => row.push_cleaned(text),
                        _ => {
                            self.scratch = decode_as(legacy, field);
                            row.push_cleaned(&self.scratch);
                        }
                    }
                }
            }
        }
        Ok(Some(Record::Row))
    }
}

/// The whole file as one table (workbook-sized inputs, `treem check`, tests).
pub fn read(path: &Path, limits: &Limits) -> Result<RawTable, UnreadableFile> {
    let mut reader = DelimitedReader::open(path, limits)?;
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    let mut row = RawRow::default();
    while let Some(next) = reader.next_row(&mut row)? {
        match next {
            Record::Row => rows.push(std::mem::take(&mut row)),
            Record::Skipped(line, why) => skipped.push((line, why)),
        }
    }
    Ok(RawTable {
        sheet: None,
        encoding: Some(reader.encoding().name()),
        first_column: 0,
        rows,
        skipped,
        uncomputed: Vec::new(),
    })
}

/// How the first block of an 8-bit or UTF-8 file reads: UTF-8 when it is, or when most of
/// its lines beyond ASCII are (a file pieced together from several machines' exports: its
/// other lines are decoded one by one); otherwise the 8-bit encoding its non-UTF-8 lines
/// read best in.
fn head_encoding(head: &[u8]) -> SourceEncoding {
    if utf8_so_far(head) {
        return SourceEncoding::Utf8;
    }
    // The last line may be cut off by the block's end.
    let mut lines: Vec<&[u8]> = head.split(|&b| b == b'\n').collect();
    if lines.len() > 1 {
        lines.pop();
    }
    if mostly_utf8(&lines) {
        return SourceEncoding::Utf8;
    }
    let legacy: Vec<&[u8]> = lines
        .into_iter()
        .filter(|l| std::str::from_utf8(l).is_err())
        .collect();
    decode_legacy(&legacy.join(&b'\n')).encoding
}

/// Valid UTF-8, but for a character cut off at the end of the block.
fn utf8_so_far(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

/// UTF-16 bytes in, UTF-8 bytes out, a block at a time.
struct Utf16Reader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    output: Vec<u8>,
    at: usize,
    done: bool,
}

impl<R: Read> Utf16Reader<R> {
    fn new(inner: R, codec: &'static encoding_rs::Encoding) -> Self {
        Utf16Reader {
            inner,
            decoder: codec.new_decoder_without_bom_handling(),
            input: vec![0; 64 * 1024],
            output: Vec::new(),
            at: 0,
            done: false,
        }
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.output.len() && !self.done {
            let n = self.inner.read(&mut self.input)?;
            let last = n == 0;
            let capacity = self.decoder.max_utf8_buffer_length(n).unwrap_or(n * 3 + 16);
            self.output.clear();
            self.output.resize(capacity, 0);
            let (_, _, written, _) =
                self.decoder
                    .decode_to_utf8(&self.input[..n], &mut self.output, last);
            self.output.truncate(written);
            self.at = 0;
            self.done = last;
        }
        let n = buf.len().min(self.output.len() - self.at);
        buf[..n].copy_from_slice(&self.output[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Picks the delimiter that splits the first non-blank line most: Excel's "CSV" is `;`
/// in some locales and its "Unicode text" is tab-separated.
pub(super) fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut best = (b',', 0usize);
    for d in [b',', b';', b'\t', b'|'] {
        let n = count_outside_quotes(first, d as char);
        if n > best.1 {
            best = (d, n);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, delimiter: char) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if c == delimiter && !quoted {
            n += 1;
        }
    }
    n
}
