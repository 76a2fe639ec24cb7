//! Delimited bytes into records: the framing of CSV, before any decoding. A line with no
//! quote is a record whose cells lie between the delimiters, found by `memchr`
//! (`scan.rs`) — nearly every line of a machine export. A line with a quote goes to
//! `csv_core`, which knows quoted cells, doubled quotes and records over several lines.
//!
//! The two agree on what a record is: `csv_core` is run with the same delimiter, `\n` as
//! the only terminator (a CRLF line keeps its `\r` in its last cell, as csv leaves it),
//! and blank lines skipped.

use std::collections::VecDeque;
use std::io::Read;
use std::ops::Range;

use super::scan::{self, Found};

/// Bytes read from the stream at a time, at the most.
const READ_BYTES: usize = 1 << 20;
/// Lines are checked for plain text in stretches of about this many bytes, as they are
/// read in: a line that is not costs its stretch's lines their own checks.
const CHECK_BYTES: usize = 4 << 10;
/// The least room a reader starts with.
const MIN_READ_BYTES: usize = 64 << 10;

/// One record, borrowed from the reader until the next.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct RawRecord<'a> {
    /// The line the record starts on, from 1.
    pub line: usize,
    /// The cells' bytes, each `gap` bytes after the one before (1: a delimiter between
    /// them, as the line holds them; 0: run together, as `csv_core` unquotes them).
    pub bytes: &'a [u8],
    /// Where each cell ends in `bytes`.
    pub ends: &'a [usize],
    pub gap: usize,
    /// The record is a whole line of a stretch of the buffer found to be plain text
    /// (`text::plain_lines`) when it was read in: if it is UTF-8 ([`text`](Self::text)),
    /// it needs no check of its own.
    pub plain: bool,
}

impl<'a> RawRecord<'a> {
    /// Cell `i`'s bytes.
    pub fn cell(&self, i: usize) -> &'a [u8] {
        let start = match i {
            0 => 0,
            _ => self.ends.get(i - 1).map_or(0, |end| end + self.gap),
        };
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.bytes.get(start..end).unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// The record as text, if it is valid UTF-8.
    pub fn text(&self) -> Option<&'a str> {
        simdutf8::basic::from_utf8(self.bytes).ok()
    }
}

pub(super) struct RecordReader {
    stream: Box<dyn Read + Send>,
    delimiter: u8,
    buffer: Vec<u8>,
    /// The unread bytes are `buffer[start..end]`.
    start: usize,
    end: usize,
    at_end_of_stream: bool,
    /// The line `buffer[start]` is on.
    line: usize,
    quoted: csv_core::Reader,
    /// A record `csv_core` parsed: its cells run together, and their ends.
    cells: Vec<u8>,
    ends: Vec<usize>,
    /// Stretches of whole lines of `buffer`, in order, found plain text.
    plain: VecDeque<Range<usize>>,
    /// The buffer's lines before this have been checked, plain or not.
    checked: usize,
}

impl RecordReader {
    /// A reader of `stream`, which holds about `size` bytes: a small file's buffer is no
    /// bigger than the file (a year of cases is 126 files of a few hundred rows, and a
    /// buffer is zeroed before it is read into).
    pub fn new(stream: Box<dyn Read + Send>, delimiter: u8, size: u64) -> Self {
        let room = usize::try_from(size.saturating_add(1))
            .unwrap_or(READ_BYTES)
            .clamp(MIN_READ_BYTES, READ_BYTES);
        RecordReader {
            stream,
            delimiter,
            buffer: vec![0; room],
            start: 0,
            end: 0,
            at_end_of_stream: false,
            line: 1,
            quoted: csv_core::ReaderBuilder::new()
                .delimiter(delimiter)
                .terminator(csv_core::Terminator::Any(b'\n'))
                .build(),
            cells: Vec::new(),
            ends: Vec::new(),
            plain: VecDeque::new(),
            checked: 0,
        }
    }

    /// The next record; `None` at the end of the stream.
    pub fn next(&mut self) -> std::io::Result<Option<RawRecord<'_>>> {
        loop {
            // One pass over the line finds its delimiters, its end, and any quote.
            let unread = &self.buffer[self.start..self.end];
            self.ends.clear();
            match scan::line(unread, self.delimiter, &mut self.ends) {
                // A blank line is no record.
                Found::Line(0) => {
                    self.start += 1;
                    self.line += 1;
                }
                Found::Line(length) => return Ok(Some(self.take_line(length))),
                Found::Quote => return self.take_quoted(),
                Found::Nothing if self.at_end_of_stream => {
                    return match unread.len() {
                        0 => Ok(None),
                        length => Ok(Some(self.take_line(length))),
                    };
                }
                Found::Nothing => self.fill()?,
            }
        }
    }

    /// The quote-free line of `length` bytes at `start` (its delimiters in `ends`), and its
    /// newline if any.
    fn take_line(&mut self, length: usize) -> RawRecord<'_> {
        let line = self.line;
        let (from, to) = (self.start, self.start + length);
        while self
            .plain
            .front()
            .is_some_and(|stretch| stretch.end <= from)
        {
            self.plain.pop_front();
        }
        // Its newline inside the stretch too: the whole line was checked.
        let plain = self
            .plain
            .front()
            .is_some_and(|stretch| stretch.start <= from && to < stretch.end);
        let bytes = &self.buffer[from..to];
        self.ends.push(length);
        self.start = (self.start + length + 1).min(self.end);
        self.line += 1;
        RawRecord {
            line,
            bytes,
            ends: &self.ends,
            gap: 1,
            plain,
        }
    }

    /// A record with a quote, parsed by `csv_core` over as many lines (and reads) as it
    /// takes.
    fn take_quoted(&mut self) -> std::io::Result<Option<RawRecord<'_>>> {
        use csv_core::ReadRecordResult as R;
        let line = self.line;
        self.cells.clear();
        self.ends.clear();
        let (mut written, mut ended) = (0, 0);
        loop {
            if self.cells.len() < written + 1024 {
                self.cells.resize(written + 64 * 1024, 0);
            }
            if self.ends.len() < ended + 64 {
                self.ends.resize(ended + 64, 0);
            }
            let input = &self.buffer[self.start..self.end];
            let (result, read, wrote, ends) =
                self.quoted
                    .read_record(input, &mut self.cells[written..], &mut self.ends[ended..]);
            self.line += memchr::memchr_iter(b'\n', &input[..read]).count();
            self.start += read;
            written += wrote;
            ended += ends;
            match result {
                R::InputEmpty if self.at_end_of_stream => {}
                R::InputEmpty => self.fill()?,
                R::OutputFull | R::OutputEndsFull => {}
                R::Record => {
                    self.ends.truncate(ended);
                    return Ok(Some(RawRecord {
                        line,
                        bytes: &self.cells[..written],
                        ends: &self.ends,
                        gap: 0,
                        plain: false,
                    }));
                }
                R::End => return Ok(None),
            }
        }
    }

    /// Keeps the unread bytes, at the buffer's start, and reads more after them; a line
    /// longer than the buffer doubles it.
    fn fill(&mut self) -> std::io::Result<()> {
        let shift = self.start;
        self.buffer.copy_within(self.start..self.end, 0);
        self.end -= shift;
        self.start = 0;
        // The stretches move with the bytes, and what was read goes: a stretch cut at the
        // unread bytes' start keeps every line that `take_line` can still ask about.
        self.checked = self.checked.saturating_sub(shift);
        self.plain.retain_mut(|stretch| {
            stretch.start = stretch.start.saturating_sub(shift);
            stretch.end = stretch.end.saturating_sub(shift);
            stretch.end > 0
        });
        if self.end == self.buffer.len() {
            self.buffer.resize(self.buffer.len() * 2, 0);
        }
        let read = self.stream.read(&mut self.buffer[self.end..])?;
        self.end += read;
        self.at_end_of_stream = read == 0;
        self.check_lines();
        Ok(())
    }

    /// Checks the whole lines read in since the last time, a stretch of about
    /// [`CHECK_BYTES`] at a time, for plain text (`text::plain_lines`), so that each line
    /// need not be checked alone. One pass over many lines costs less than a pass a line:
    /// a registry line is 120 bytes. (Whether a line is UTF-8 is asked of each line, as its
    /// text is taken.)
    fn check_lines(&mut self) {
        let unchecked = &self.buffer[self.checked..self.end];
        let Some(last_newline) = memchr::memrchr(b'\n', unchecked) else {
            return;
        };
        let until = self.checked + last_newline + 1;
        while self.checked < until {
            let from = self.checked;
            let past = (from + CHECK_BYTES).min(until - 1);
            let to =
                memchr::memchr(b'\n', &self.buffer[past..until]).map_or(until, |i| past + i + 1);
            let stretch = &self.buffer[from..to];
            if crate::text::plain_lines(stretch) {
                match self.plain.back_mut() {
                    Some(last) if last.end == from => last.end = to,
                    _ => self.plain.push_back(from..to),
                }
            }
            self.checked = to;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Trickle<'a>(&'a [u8], usize);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// A reader of `bytes`, read `chunk` bytes at a time.
    fn reader(bytes: &[u8], chunk: usize) -> RecordReader {
        let bytes: &'static [u8] = Box::leak(bytes.to_vec().into_boxed_slice());
        RecordReader::new(Box::new(Trickle(bytes, chunk)), b',', 0)
    }

    /// Every record of `text`, read `chunk` bytes at a time: (line, cells).
    fn records(text: &str, chunk: usize) -> Vec<(usize, Vec<String>)> {
        let mut reader = reader(text.as_bytes(), chunk);
        let mut out = Vec::new();
        while let Some(r) = reader.next().unwrap() {
            let cells = (0..r.len())
                .map(|i| String::from_utf8(r.cell(i).to_vec()).unwrap())
                .collect();
            out.push((r.line, cells));
        }
        out
    }

    #[test]
    fn a_record_is_plain_only_when_its_line_is_valid_and_plain_text() {
        // Lines that are plain, and each kind that is not, over several stretches.
        let plain_line = "TE-00001-000022,Nguyễn Bảo Hằng,12/03/2018,Nữ,Kinh,Có";
        let not_plain: [&[u8]; 6] = [
            b"a,b  c",
            b"a,b\r",
            b"a\tb,c",
            b"a,\xE1\xBB",
            b"a,\xFF\xFEb",
            "a,e\u{0301}".as_bytes(),
        ];
        let mut text: Vec<u8> = Vec::new();
        let mut expected: Vec<bool> = Vec::new();
        // About 120 kB, a line that is not plain every 18 kB.
        for round in 0..2000 {
            text.extend_from_slice(plain_line.as_bytes());
            text.push(b'\n');
            expected.push(true);
            if round % 300 == 0 {
                text.extend_from_slice(not_plain[round % not_plain.len()]);
                text.push(b'\n');
                expected.push(false);
            }
        }
        // A last line with no newline is read whole, but not as checked.
        text.extend_from_slice(plain_line.as_bytes());
        expected.push(false);
        for chunk in [1, 5, 100, 4096, 5000, 1 << 20] {
            let mut reader = reader(&text, chunk);
            let mut seen = Vec::new();
            while let Some(r) = reader.next().unwrap() {
                // A line of a plain stretch that is not UTF-8 is no text at all.
                let plain = r.plain && r.text().is_some();
                if plain {
                    assert_eq!(r.text(), Some(plain_line), "reads of {chunk} bytes");
                }
                seen.push(plain);
            }
            assert_eq!(seen.len(), expected.len());
            for (i, (got, plain)) in seen.iter().zip(&expected).enumerate() {
                // Never plain when the line is not; a plain line may be left unchecked.
                assert!(!got || *plain, "line {} in reads of {chunk} bytes", i + 1);
            }
            // Read in large blocks, most plain lines are found so: a line that is not
            // costs the lines of its own stretch of about 4 kB (some 70) their check.
            if chunk >= 4096 {
                let found = seen.iter().filter(|p| **p).count();
                assert!(
                    found > 1500,
                    "{found} plain lines in reads of {chunk} bytes"
                );
            }
        }
    }

    #[test]
    fn lines_and_quoted_records_read_alike_whatever_the_reads() {
        let text = "a,b,c\n\nd,,\"e, f\"\n\"g\nh\",\"i \"\"j\"\"\"\nk,l\r\nlast,\"line\"";
        let expected = vec![
            (1, vec!["a", "b", "c"]),
            (3, vec!["d", "", "e, f"]),
            (4, vec!["g\nh", "i \"j\""]),
            (6, vec!["k", "l\r"]),
            (7, vec!["last", "line"]),
        ];
        let expected: Vec<(usize, Vec<String>)> = expected
            .into_iter()
            .map(|(l, cells)| (l, cells.into_iter().map(String::from).collect()))
            .collect();
        for chunk in [1, 2, 3, 7, 1 << 20] {
            assert_eq!(records(text, chunk), expected, "reads of {chunk} bytes");
        }
        assert_eq!(records("x,y", 1), vec![(1, vec!["x".into(), "y".into()])]);
        assert!(records("", 4).is_empty());
    }

    #[test]
    fn a_line_longer_than_the_buffer_grows_it() {
        let long = "x".repeat(3 * READ_BYTES);
        let text = format!("{long},1\n2,3\n");
        let read = records(&text, READ_BYTES);
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].1[0].len(), 3 * READ_BYTES);
        assert_eq!(read[1], (2, vec!["2".into(), "3".into()]));
    }
}
