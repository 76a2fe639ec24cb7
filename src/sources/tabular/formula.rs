//! The few spreadsheet formulas a report form adds its totals up with — `SUM` of ranges
//! and lists, `+ - * /` of cell references and numbers, parentheses — parsed and computed
//! over one sheet, for the formula cells a workbook holds no result of (files written by
//! scripts and by some export tools). Anything else is refused, saying what it was, so that
//! a value is rejected rather than guessed: this is not a spreadsheet engine.
//!
//! Formulas are read as the xlsx format stores them, in its invariant syntax: English
//! function names, `,` between arguments and `.` for decimals, whatever the language of
//! the Excel that wrote them (ECMA-376 Part 1, §18.17; `;` only separates the rows of an
//! array constant). So a `;` between arguments is an error here, not a Vietnamese habit.
//!
//! Written by hand rather than taken from a crate: the one Rust crate that evaluates
//! Excel formulas on its own (xlformula_engine) computes in `f32`, which cannot hold an
//! amount in đồng such as 125,000,001 exactly, and knows nothing of a sheet's other
//! formulas; full engines (IronCalc) are whole spreadsheets. The grammar here is a dozen
//! rules.

use std::collections::BTreeMap;
use std::fmt;

use super::column_letters;

/// A cell of the sheet, zero-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cell {
    pub row: u32,
    pub column: u32,
}

/// `E9`, as a person reads it.
impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}",
            column_letters(self.column as usize),
            u64::from(self.row) + 1
        )
    }
}

/// The last row and column a sheet can have (Excel 2007 and later): beyond them a text
/// such as `ABCD1` is a name, not a cell.
const MAX_ROW: u32 = 1_048_576;
const MAX_COLUMN: u32 = 16_384;

/// `E9`, `$E$9`, `e9` → the cell; anything else → `None`.
pub fn parse_cell(text: &str) -> Option<Cell> {
    let text = text.strip_prefix('$').unwrap_or(text);
    let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (letters, rest) = text.split_at(letters);
    let digits = rest.strip_prefix('$').unwrap_or(rest);
    if !(1..=3).contains(&letters.len())
        || digits.is_empty()
        || digits.len() > 7
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let column = letters.bytes().fold(0u32, |n, b| {
        n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1
    });
    let row: u32 = digits.parse().ok()?;
    if column > MAX_COLUMN || row == 0 || row > MAX_ROW {
        return None;
    }
    Some(Cell {
        row: row - 1,
        column: column - 1,
    })
}

/// How many cells `A1:C3` (or `A1`) covers; `None` when it is not a reference.
pub fn area(reference: &str) -> Option<u64> {
    let (from, to) = reference.split_once(':').unwrap_or((reference, reference));
    let (a, b) = (parse_cell(from)?, parse_cell(to)?);
    let rows = u64::from(a.row.abs_diff(b.row)) + 1;
    let columns = u64::from(a.column.abs_diff(b.column)) + 1;
    Some(rows * columns)
}

/// A formula, parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Number(f64),
    Ref(Cell),
    /// A rectangle by its top-left and bottom-right cells; only as an argument of `SUM`.
    Range(Cell, Cell),
    Negate(Box<Expr>),
    /// Operands of one precedence joined left to right: `a - b + c` is `(a - b) + c`. A
    /// list rather than nested pairs, so that a long total is no deeper than a short one.
    Chain(Box<Expr>, Vec<(Op, Expr)>),
    Sum(Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Subtract,
    Multiply,
    Divide,
}

/// Why a formula was not parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseError {
    /// Well formed, but beyond what is computed here: another function, another sheet, text…
    Unsupported(String),
    /// Not a formula as the file format writes one.
    Malformed(String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Unsupported(what) => write!(
                f,
                "it uses {what}, and treem computes only SUM, + - * /, numbers and cells of the same sheet"
            ),
            ParseError::Malformed(why) => write!(f, "it cannot be read: {why}"),
        }
    }
}

/// Parentheses, signs and calls nested deeper than this are refused: no form needs it, and
/// the parser recurses once per level.
const MAX_NESTING: usize = 32;

/// The longest formula Excel itself accepts.
const MAX_LENGTH: usize = 8_192;

/// Parses `formula` (with or without its leading `=`), a formula of the sheet `sheet`:
/// a reference to that sheet by name is a reference to the same sheet.
pub fn parse(formula: &str, sheet: &str) -> Result<Expr, ParseError> {
    let body = formula.trim_start();
    let body = body.strip_prefix('=').unwrap_or(body);
    if body.chars().count() > MAX_LENGTH {
        return Err(ParseError::Malformed(format!(
            "it is longer than the {MAX_LENGTH} characters Excel allows"
        )));
    }
    let tokens = lex(body)?;
    let mut parser = Parser {
        tokens: &tokens,
        at: 0,
        depth: 0,
        sheet,
    };
    let expr = parser.expression()?;
    match parser.peek() {
        None => scalar(expr),
        Some(t) => Err(unexpected(t, "after the end")),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Cell(Cell),
    /// A function, a defined name or an unquoted sheet name.
    Name(String),
    /// A quoted sheet name, `'Biểu 1'`.
    Quoted(String),
    /// A text in double quotes.
    Text,
    /// `#REF!` and the like: what Excel leaves where a reference was deleted.
    ErrorValue(String),
    Open,
    Close,
    Comma,
    Colon,
    Bang,
    Plus,
    Minus,
    Star,
    Slash,
    Semicolon,
    /// An operator beyond the four: `^`, `&`, `%`, `=`, `<`, `>`, `{`.
    Other(char),
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::Number(n) => format!("the number {n}"),
            Token::Cell(c) => format!("the cell {c}"),
            Token::Name(n) => format!("\"{n}\""),
            Token::Quoted(n) => format!("'{n}'"),
            Token::Text => "a text in quotes".to_string(),
            Token::ErrorValue(e) => e.clone(),
            Token::Open => "\"(\"".to_string(),
            Token::Close => "\")\"".to_string(),
            Token::Comma => "\",\"".to_string(),
            Token::Colon => "\":\"".to_string(),
            Token::Bang => "\"!\"".to_string(),
            Token::Plus => "\"+\"".to_string(),
            Token::Minus => "\"-\"".to_string(),
            Token::Star => "\"*\"".to_string(),
            Token::Slash => "\"/\"".to_string(),
            Token::Semicolon => "\";\"".to_string(),
            Token::Other(c) => format!("\"{c}\""),
        }
    }
}

fn lex(text: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        i += 1;
        let token = match c {
            ' ' | '\t' | '\r' | '\n' => continue,
            '(' => Token::Open,
            ')' => Token::Close,
            ',' => Token::Comma,
            ':' => Token::Colon,
            '!' => Token::Bang,
            '+' => Token::Plus,
            '-' => Token::Minus,
            '*' => Token::Star,
            '/' => Token::Slash,
            ';' => Token::Semicolon,
            '^' | '&' | '%' | '=' | '<' | '>' | '{' | '}' => Token::Other(c),
            '0'..='9' | '.' => {
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                if i < chars.len() && matches!(chars[i], 'e' | 'E') {
                    let mut j = i + 1;
                    if j < chars.len() && matches!(chars[j], '+' | '-') {
                        j += 1;
                    }
                    if j < chars.len() && chars[j].is_ascii_digit() {
                        while j < chars.len() && chars[j].is_ascii_digit() {
                            j += 1;
                        }
                        i = j;
                    }
                }
                let literal: String = chars[start..i].iter().collect();
                match literal.parse::<f64>() {
                    Ok(n) => Token::Number(n),
                    Err(_) => {
                        return Err(ParseError::Malformed(format!(
                            "\"{literal}\" is not a number"
                        )))
                    }
                }
            }
            '"' | '\'' => {
                // Quoted text or sheet name; the quote is doubled inside.
                let mut inner = String::new();
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(ParseError::Malformed(format!("an unclosed {c}")));
                        }
                        Some(&q) if q == c => {
                            if chars.get(i + 1) == Some(&c) {
                                inner.push(c);
                                i += 2;
                            } else {
                                i += 1;
                                break;
                            }
                        }
                        Some(&other) => {
                            inner.push(other);
                            i += 1;
                        }
                    }
                }
                if c == '"' {
                    Token::Text
                } else {
                    Token::Quoted(inner)
                }
            }
            '#' => {
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || "/!?".contains(chars[i]))
                {
                    i += 1;
                }
                Token::ErrorValue(chars[start..i].iter().collect())
            }
            c if c == '$' || c == '_' || c == '\\' || c.is_alphabetic() => {
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || matches!(chars[i], '$' | '_' | '.' | '\\'))
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let called = chars[i..].iter().find(|c| **c != ' ') == Some(&'(');
                match parse_cell(&word) {
                    Some(cell) if !called => Token::Cell(cell),
                    _ if word.contains('$') => {
                        return Err(ParseError::Malformed(format!(
                            "\"{word}\" is not a cell reference"
                        )))
                    }
                    _ => Token::Name(word),
                }
            }
            other => {
                return Err(ParseError::Malformed(format!(
                    "the character \"{other}\" has no meaning in a formula"
                )))
            }
        };
        tokens.push(token);
    }
    Ok(tokens)
}

/// A range is only an argument of `SUM`; anywhere else Excel would take one cell of it by
/// the position of the formula ("implicit intersection"), which no form means.
fn scalar(expr: Expr) -> Result<Expr, ParseError> {
    match expr {
        Expr::Range(..) => Err(ParseError::Unsupported("a range outside SUM".to_string())),
        e => Ok(e),
    }
}

/// The recursive descent, one method per rule:
/// `expression = term { ("+" | "-") term }`, `term = unary { ("*" | "/") unary }`,
/// `unary = ("+" | "-") unary | primary`,
/// `primary = number | reference | "SUM(" [expression {"," expression}] ")" | "(" expression ")"`,
/// `reference = [sheet "!"] cell [":" cell]`.
struct Parser<'a> {
    tokens: &'a [Token],
    at: usize,
    depth: usize,
    sheet: &'a str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn expect(&mut self, wanted: Token, context: &str) -> Result<(), ParseError> {
        match self.next() {
            Some(t) if t == wanted => Ok(()),
            Some(t) => Err(unexpected(&t, context)),
            None => Err(ParseError::Malformed(format!(
                "it ends before {} {context}",
                wanted.describe()
            ))),
        }
    }

    fn expression(&mut self) -> Result<Expr, ParseError> {
        self.chain(Self::term, |t| match t {
            Token::Plus => Some(Op::Add),
            Token::Minus => Some(Op::Subtract),
            _ => None,
        })
    }

    fn term(&mut self) -> Result<Expr, ParseError> {
        self.chain(Self::unary, |t| match t {
            Token::Star => Some(Op::Multiply),
            Token::Slash => Some(Op::Divide),
            _ => None,
        })
    }

    /// `operand { op operand }` for the operators `op_of` knows.
    fn chain(
        &mut self,
        operand: fn(&mut Self) -> Result<Expr, ParseError>,
        op_of: fn(&Token) -> Option<Op>,
    ) -> Result<Expr, ParseError> {
        let first = operand(self)?;
        let mut rest = Vec::new();
        while let Some(op) = self.peek().and_then(op_of) {
            self.at += 1;
            rest.push((op, scalar(operand(self)?)?));
        }
        if rest.is_empty() {
            Ok(first)
        } else {
            Ok(Expr::Chain(Box::new(scalar(first)?), rest))
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(ParseError::Malformed(format!(
                "it nests more than {MAX_NESTING} levels deep"
            )));
        }
        let expr = match self.peek() {
            Some(Token::Minus) => {
                self.at += 1;
                Expr::Negate(Box::new(scalar(self.unary()?)?))
            }
            Some(Token::Plus) => {
                self.at += 1;
                scalar(self.unary()?)?
            }
            _ => self.primary()?,
        };
        self.depth -= 1;
        Ok(expr)
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let token = self.next().ok_or_else(|| {
            ParseError::Malformed("it ends where a number or a cell should be".to_string())
        })?;
        let whole_line = matches!(token, Token::Name(_) | Token::Number(_))
            && self.peek() == Some(&Token::Colon);
        if whole_line {
            // `E:E`, `9:9`
            return Err(ParseError::Unsupported("a whole row or column".to_string()));
        }
        match token {
            Token::Number(n) => Ok(Expr::Number(n)),
            // An unquoted sheet name that looks like a cell, such as B1: Excel would quote it.
            Token::Cell(sheet) if self.peek() == Some(&Token::Bang) => {
                self.qualified(&sheet.to_string())
            }
            Token::Cell(cell) => self.range_from(cell),
            Token::Open => {
                let inner = self.expression()?;
                self.expect(Token::Close, "to close a parenthesis")?;
                Ok(inner)
            }
            Token::Quoted(sheet) => self.qualified(&sheet),
            Token::Name(name) => match self.peek() {
                Some(Token::Bang) => self.qualified(&name),
                Some(Token::Open) if name.eq_ignore_ascii_case("SUM") => {
                    self.at += 1;
                    self.sum_arguments()
                }
                Some(Token::Open) => Err(ParseError::Unsupported(format!(
                    "the function {}",
                    name.to_uppercase()
                ))),
                _ if name.eq_ignore_ascii_case("TRUE") || name.eq_ignore_ascii_case("FALSE") => {
                    Err(ParseError::Unsupported(format!(
                        "the logical value {}",
                        name.to_uppercase()
                    )))
                }
                _ => Err(ParseError::Unsupported(format!("the name \"{name}\""))),
            },
            Token::Text => Err(ParseError::Unsupported("a text in quotes".to_string())),
            Token::ErrorValue(e) => Err(ParseError::Unsupported(format!("the error value {e}"))),
            Token::Semicolon => Err(semicolon()),
            Token::Other(c) => Err(ParseError::Unsupported(format!("the operator \"{c}\""))),
            t => Err(unexpected(&t, "where a number or a cell should be")),
        }
    }

    /// `'Biểu 1'!E9`: the same sheet by name is fine; another sheet is beyond this module.
    fn qualified(&mut self, sheet: &str) -> Result<Expr, ParseError> {
        self.expect(Token::Bang, "after a sheet name")?;
        // Excel compares sheet names without regard to case.
        if sheet.to_lowercase() != self.sheet.to_lowercase() {
            return Err(ParseError::Unsupported(format!(
                "a cell of another sheet (\"{sheet}\")"
            )));
        }
        match self.next() {
            Some(Token::Cell(cell)) => self.range_from(cell),
            Some(t) => Err(unexpected(&t, "after a sheet name")),
            None => Err(ParseError::Malformed(
                "it ends after a sheet name".to_string(),
            )),
        }
    }

    fn range_from(&mut self, from: Cell) -> Result<Expr, ParseError> {
        if self.peek() != Some(&Token::Colon) {
            return Ok(Expr::Ref(from));
        }
        self.at += 1;
        match self.next() {
            Some(Token::Cell(to)) => Ok(Expr::Range(
                Cell {
                    row: from.row.min(to.row),
                    column: from.column.min(to.column),
                },
                Cell {
                    row: from.row.max(to.row),
                    column: from.column.max(to.column),
                },
            )),
            Some(Token::Number(_)) | Some(Token::Name(_)) => {
                Err(ParseError::Unsupported("a whole row or column".to_string()))
            }
            Some(t) => Err(unexpected(&t, "after \":\"")),
            None => Err(ParseError::Malformed("it ends after \":\"".to_string())),
        }
    }

    /// After `SUM(`: its arguments, each a range or an expression, then `)`.
    fn sum_arguments(&mut self) -> Result<Expr, ParseError> {
        let mut arguments = Vec::new();
        if self.peek() == Some(&Token::Close) {
            return Err(ParseError::Malformed("SUM() has no argument".to_string()));
        }
        loop {
            arguments.push(self.expression()?);
            match self.next() {
                Some(Token::Comma) => continue,
                Some(Token::Close) => break,
                Some(Token::Semicolon) => return Err(semicolon()),
                Some(t) => return Err(unexpected(&t, "in the arguments of SUM")),
                None => {
                    return Err(ParseError::Malformed(
                        "it ends before the \")\" of SUM".to_string(),
                    ))
                }
            }
        }
        Ok(Expr::Sum(arguments))
    }
}

/// A token where the grammar has no place for it: an operator beyond the four is
/// something not computed here; anything else, a formula that is not well formed.
fn unexpected(token: &Token, context: &str) -> ParseError {
    match token {
        Token::Other(c) => ParseError::Unsupported(format!("the operator \"{c}\"")),
        Token::Semicolon => semicolon(),
        _ => ParseError::Malformed(format!("{} {context}", token.describe())),
    }
}

fn semicolon() -> ParseError {
    ParseError::Malformed(
        "\";\" between arguments (the file format always stores \",\", whatever the language of Excel)"
            .to_string(),
    )
}

/// What a cell holds, for a formula that reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64),
    Text,
    Bool(bool),
    /// An error value, as Excel writes it (`#DIV/0!`).
    Error(String),
}

/// Why a formula could not be computed.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    Parse(ParseError),
    DivideByZero,
    /// Past what a double holds.
    TooLarge,
    /// A cell that an operator reads holds text (Excel would convert it by the locale).
    Text(Cell),
    ErrorValue(Cell, String),
    /// The cells that refer to each other, the first repeated at the end.
    Circular(Vec<Cell>),
    /// A cell this formula reads whose own formula cannot be computed: the innermost one.
    Inner {
        cell: Cell,
        failure: Box<Failure>,
    },
    TooDeep,
    TooMuchWork,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Parse(p) => write!(f, "{p}"),
            Failure::DivideByZero => write!(f, "it divides by zero"),
            Failure::TooLarge => write!(f, "its result is too large for a number"),
            Failure::Text(cell) => write!(f, "cell {cell} holds text, not a number"),
            Failure::ErrorValue(cell, e) => write!(f, "cell {cell} holds the error {e}"),
            Failure::Circular(cells) => {
                let path: Vec<String> = cells.iter().map(Cell::to_string).collect();
                write!(
                    f,
                    "its cells refer to each other in a circle ({})",
                    path.join(" → ")
                )
            }
            Failure::Inner { cell, failure } => write!(
                f,
                "it reads cell {cell}, whose formula cannot be computed: {failure}"
            ),
            Failure::TooDeep => write!(
                f,
                "its formulas read formulas more than {MAX_FRAMES} levels deep"
            ),
            Failure::TooMuchWork => write!(
                f,
                "the sheet's formulas read more than {MAX_WORK} cells in all"
            ),
        }
    }
}

/// Levels of evaluation (a formula's parentheses and signs, and each formula it reads in
/// turn) beyond which computing stops: the evaluator recurses once per level, and
/// workbooks are read on threads with small stacks. A form's totals need a dozen.
const MAX_FRAMES: usize = 400;

/// Cells read by all the formulas of one sheet together: a hostile sheet of a million
/// `SUM(A1:A1000000)` stops here rather than running for hours.
const MAX_WORK: u64 = 10_000_000;

/// One sheet's cells, for computing its formulas: stored values, and formulas to compute
/// (each at most once; a formula that reads a formula computes that one first).
#[derive(Debug)]
pub struct Sheet {
    name: String,
    cells: BTreeMap<Cell, Slot>,
    /// The formulas being computed, outermost first: the cycle when one comes back to
    /// itself.
    trail: Vec<Cell>,
    /// Levels of evaluation now open.
    frames: usize,
    work: u64,
}

#[derive(Debug)]
enum Slot {
    Value(Value),
    Formula { text: String, state: State },
}

#[derive(Debug)]
enum State {
    Pending,
    Computing,
    Done(Result<f64, Failure>),
}

impl Sheet {
    pub fn new(name: &str) -> Self {
        Sheet {
            name: name.to_string(),
            cells: BTreeMap::new(),
            trail: Vec::new(),
            frames: 0,
            work: 0,
        }
    }

    /// A stored value (a formula cell whose stored result counts is a value too).
    pub fn set_value(&mut self, at: Cell, value: Value) {
        self.cells.insert(at, Slot::Value(value));
    }

    /// A formula to compute, in place of whatever the cell stores.
    pub fn set_formula(&mut self, at: Cell, text: String) {
        self.cells.insert(
            at,
            Slot::Formula {
                text,
                state: State::Pending,
            },
        );
    }

    /// The value of the cell `at` as a formula reading it sees it: a formula's result,
    /// computing what it reads first, or a stored number.
    pub fn compute(&mut self, at: Cell) -> Result<f64, Failure> {
        let text = match self.cells.get_mut(&at) {
            Some(Slot::Formula { text, state }) => match state {
                State::Done(result) => return result.clone(),
                State::Computing => {
                    let from = self.trail.iter().position(|c| *c == at).unwrap_or(0);
                    let mut cycle = self.trail[from..].to_vec();
                    cycle.push(at);
                    return Err(Failure::Circular(cycle));
                }
                State::Pending => {
                    *state = State::Computing;
                    text.clone()
                }
            },
            _ => return self.evaluate(&Expr::Ref(at)),
        };
        self.trail.push(at);
        let result = parse(&text, &self.name)
            .map_err(Failure::Parse)
            .and_then(|expr| self.evaluate(&expr));
        self.trail.pop();
        if let Some(Slot::Formula { state, .. }) = self.cells.get_mut(&at) {
            // Too deep from where this computing started, not necessarily from elsewhere:
            // left to be tried again.
            *state = match result {
                Err(Failure::TooDeep) => State::Pending,
                _ => State::Done(result.clone()),
            };
        }
        result
    }

    fn evaluate(&mut self, expr: &Expr) -> Result<f64, Failure> {
        if self.frames >= MAX_FRAMES {
            return Err(Failure::TooDeep);
        }
        self.frames += 1;
        let result = self.evaluate_within(expr);
        self.frames -= 1;
        match result {
            Ok(n) if !n.is_finite() => Err(Failure::TooLarge),
            other => other,
        }
    }

    fn evaluate_within(&mut self, expr: &Expr) -> Result<f64, Failure> {
        Ok(match expr {
            Expr::Number(n) => *n,
            Expr::Ref(cell) => match self.read(*cell)? {
                None => 0.0,
                Some(Value::Number(n)) => n,
                Some(Value::Bool(b)) => f64::from(u8::from(b)),
                Some(Value::Text) => return Err(Failure::Text(*cell)),
                Some(Value::Error(e)) => return Err(Failure::ErrorValue(*cell, e)),
            },
            // The parser lets a range through only as an argument of SUM.
            Expr::Range(..) => {
                return Err(Failure::Parse(ParseError::Unsupported(
                    "a range outside SUM".to_string(),
                )))
            }
            Expr::Negate(inner) => -self.evaluate(inner)?,
            Expr::Chain(first, rest) => {
                let mut value = self.evaluate(first)?;
                for (op, operand) in rest {
                    let b = self.evaluate(operand)?;
                    value = match op {
                        Op::Add => value + b,
                        Op::Subtract => value - b,
                        Op::Multiply => value * b,
                        Op::Divide if b == 0.0 => return Err(Failure::DivideByZero),
                        Op::Divide => value / b,
                    };
                }
                value
            }
            Expr::Sum(arguments) => {
                let mut total = 0.0;
                for argument in arguments {
                    total += match argument {
                        Expr::Range(from, to) => self.sum_range(*from, *to)?,
                        // A cell named alone is a range of one: text and logical values in
                        // it are left out, as Excel's SUM does.
                        Expr::Ref(cell) => self.sum_range(*cell, *cell)?,
                        other => self.evaluate(other)?,
                    };
                }
                total
            }
        })
    }

    /// Excel's SUM over a rectangle: numbers added; text, logical values and blanks left
    /// out; an error value an error.
    fn sum_range(&mut self, from: Cell, to: Cell) -> Result<f64, Failure> {
        // Only the cells the sheet holds, never every address of a large rectangle.
        // The rows between hold cells of every column; each one looked at is work.
        let mut looked_at = 0u64;
        let mut held = Vec::new();
        for cell in self.cells.range(from..=to).map(|(c, _)| *c) {
            looked_at += 1;
            if self.work + looked_at > MAX_WORK {
                return Err(Failure::TooMuchWork);
            }
            if (from.column..=to.column).contains(&cell.column) {
                held.push(cell);
            }
        }
        self.work += looked_at;
        let mut total = 0.0;
        for cell in held {
            match self.read(cell)? {
                Some(Value::Number(n)) => total += n,
                Some(Value::Error(e)) => return Err(Failure::ErrorValue(cell, e)),
                Some(_) | None => {}
            }
        }
        Ok(total)
    }

    /// A cell as the formula being computed sees it (`None`: blank): a stored value, or
    /// the result of the cell's own formula.
    fn read(&mut self, cell: Cell) -> Result<Option<Value>, Failure> {
        self.count_work()?;
        match self.cells.get(&cell) {
            None => Ok(None),
            Some(Slot::Value(v)) => Ok(Some(v.clone())),
            Some(Slot::Formula { .. }) => match self.compute(cell) {
                Ok(n) => Ok(Some(Value::Number(n))),
                Err(failure) => Err(self.through(cell, failure)),
            },
        }
    }

    fn count_work(&mut self) -> Result<(), Failure> {
        self.work += 1;
        if self.work > MAX_WORK {
            Err(Failure::TooMuchWork)
        } else {
            Ok(())
        }
    }

    /// The failure of a formula read by the one being computed, as that one's failure: a
    /// circle it is part of stays the circle; anything else names the innermost culprit.
    fn through(&self, cell: Cell, failure: Failure) -> Failure {
        let current = self.trail.last().copied();
        match failure {
            Failure::Circular(ref cycle) if current.is_some_and(|c| cycle.contains(&c)) => failure,
            Failure::Inner { .. } | Failure::TooMuchWork | Failure::TooDeep => failure,
            other => Failure::Inner {
                cell,
                failure: Box::new(other),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str) -> Cell {
        parse_cell(text).unwrap()
    }

    fn num(n: f64) -> Box<Expr> {
        Box::new(Expr::Number(n))
    }

    #[test]
    fn cells_read_with_and_without_dollars() {
        assert_eq!(parse_cell("A1"), Some(Cell { row: 0, column: 0 }));
        assert_eq!(parse_cell("$E$9"), Some(Cell { row: 8, column: 4 }));
        assert_eq!(parse_cell("e$9"), Some(Cell { row: 8, column: 4 }));
        assert_eq!(parse_cell("AA10"), Some(Cell { row: 9, column: 26 }));
        assert_eq!(
            parse_cell("XFD1048576"),
            Some(Cell {
                row: 1_048_575,
                column: 16_383
            })
        );
        for not_a_cell in [
            "XFE1", "A0", "A1048577", "ABCD1", "E", "9", "E9$", "$$E9", "",
        ] {
            assert_eq!(parse_cell(not_a_cell), None, "{not_a_cell}");
        }
        assert_eq!(cell("E9").to_string(), "E9");
        assert_eq!(cell("$AB$12").to_string(), "AB12");
    }

    #[test]
    fn areas_of_references() {
        assert_eq!(area("E9"), Some(1));
        assert_eq!(area("E9:E12"), Some(4));
        assert_eq!(area("B2:D4"), Some(9));
        // Written backwards, as a shared formula's ref never is but a hostile one may be.
        assert_eq!(area("D4:B2"), Some(9));
        assert_eq!(area("A1:XFD1048576"), Some(17_179_869_184));
        assert_eq!(area("Tổng"), None);
    }

    #[test]
    fn precedence_and_associativity_follow_excel() {
        // 1 + 2 * 3 groups as 1 + (2 * 3); 8 - 3 - 2 as (8 - 3) - 2, one chain.
        assert_eq!(
            parse("1+2*3", "S"),
            Ok(Expr::Chain(
                num(1.0),
                vec![(
                    Op::Add,
                    Expr::Chain(num(2.0), vec![(Op::Multiply, Expr::Number(3.0))])
                )]
            ))
        );
        assert_eq!(
            parse("=8-3-2", "S"),
            Ok(Expr::Chain(
                num(8.0),
                vec![
                    (Op::Subtract, Expr::Number(3.0)),
                    (Op::Subtract, Expr::Number(2.0))
                ]
            ))
        );
        assert_eq!(
            parse(" -(E9) ", "S"),
            Ok(Expr::Negate(Box::new(Expr::Ref(cell("E9")))))
        );
        let mut s = Sheet::new("S");
        for (at, f, expected) in [
            ("A1", "1+2*3", 7.0),
            ("A2", "8-3-2", 3.0),
            ("A3", "(1+2)*3", 9.0),
            ("A4", "12/3/2", 2.0),
            ("A5", "-2*-3", 6.0),
            ("A6", "2-(-3)", 5.0),
            ("A7", "1.5e3+.5", 1500.5),
        ] {
            s.set_formula(cell(at), f.to_string());
            assert_eq!(s.compute(cell(at)), Ok(expected), "{f}");
        }
    }

    #[test]
    fn sum_takes_ranges_lists_and_expressions() {
        assert_eq!(
            parse("SUM($E$9:E12, 7, E8*2)", "S"),
            Ok(Expr::Sum(vec![
                Expr::Range(cell("E9"), cell("E12")),
                Expr::Number(7.0),
                Expr::Chain(
                    Box::new(Expr::Ref(cell("E8"))),
                    vec![(Op::Multiply, Expr::Number(2.0))]
                ),
            ]))
        );
        // A range written from its bottom-right corner is the same rectangle.
        assert_eq!(
            parse("sum(F12:E9)", "S"),
            Ok(Expr::Sum(vec![Expr::Range(cell("E9"), cell("F12"))]))
        );
        // Its own sheet by name, quoted or not, in any case, is the same sheet.
        assert_eq!(
            parse("SUM('Biểu 1'!E9:E10)+Bieu1!E8", "Biểu 1"),
            Err(ParseError::Unsupported(
                "a cell of another sheet (\"Bieu1\")".into()
            ))
        );
        assert_eq!(parse("'biểu 1'!E8", "Biểu 1"), Ok(Expr::Ref(cell("E8"))));
        assert_eq!(parse("'B1'!$E$8", "b1"), Ok(Expr::Ref(cell("E8"))));
        assert_eq!(parse("B1!E8", "B1"), Ok(Expr::Ref(cell("E8"))));
    }

    #[test]
    fn what_is_not_computed_is_named() {
        let unsupported = |f: &str| match parse(f, "Biểu 1") {
            Err(ParseError::Unsupported(what)) => what,
            other => panic!("{f}: {other:?}"),
        };
        assert_eq!(unsupported("IF(E9>0,1,0)"), "the function IF");
        assert_eq!(
            unsupported("VLOOKUP(A1,B:C,2,FALSE)"),
            "the function VLOOKUP"
        );
        assert_eq!(
            unsupported("'Biểu 2'!E9"),
            "a cell of another sheet (\"Biểu 2\")"
        );
        assert_eq!(unsupported("E9:E12"), "a range outside SUM");
        assert_eq!(unsupported("E9:E12+1"), "a range outside SUM");
        assert_eq!(unsupported("SUM(E:E)"), "a whole row or column");
        assert_eq!(unsupported("SUM(9:9)"), "a whole row or column");
        assert_eq!(unsupported("TongSo"), "the name \"TongSo\"");
        assert_eq!(unsupported("E9^2"), "the operator \"^\"");
        assert_eq!(unsupported("\"a\"&E9"), "a text in quotes");
        assert_eq!(unsupported("#REF!+1"), "the error value #REF!");
        assert_eq!(unsupported("TRUE"), "the logical value TRUE");
        // A function whose name looks like a cell is still a function.
        assert_eq!(unsupported("LOG10(100)"), "the function LOG10");
    }

    #[test]
    fn a_semicolon_between_arguments_is_malformed() {
        match parse("SUM(E9;E10)", "S") {
            Err(ParseError::Malformed(why)) => assert!(why.contains("\";\""), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn broken_formulas_are_malformed_not_panics() {
        for broken in [
            "",
            "=",
            "1+",
            "(1",
            "1)",
            "SUM(",
            "SUM()",
            "SUM(1,",
            "E9 E10",
            "'Biểu 1",
            "1..2",
            "$E",
            "E9:",
            "@",
        ] {
            assert!(
                matches!(parse(broken, "S"), Err(ParseError::Malformed(_))),
                "{broken}: {:?}",
                parse(broken, "S")
            );
        }
        let deep = format!("{}1{}", "(".repeat(100), ")".repeat(100));
        assert!(matches!(parse(&deep, "S"), Err(ParseError::Malformed(_))));
        let shallow = format!("{}1{}", "(".repeat(20), ")".repeat(20));
        assert_eq!(parse(&shallow, "S"), Ok(Expr::Number(1.0)));
    }

    /// A sheet of (address, value) and (address, formula).
    fn sheet(values: &[(&str, Value)], formulas: &[(&str, &str)]) -> Sheet {
        let mut s = Sheet::new("Biểu 1");
        for (at, v) in values {
            s.set_value(cell(at), v.clone());
        }
        for (at, f) in formulas {
            s.set_formula(cell(at), f.to_string());
        }
        s
    }

    #[test]
    fn formulas_compute_over_values_and_other_formulas() {
        let n = Value::Number;
        let mut s = sheet(
            &[("E9", n(405.0)), ("E10", n(3.0)), ("E11", Value::Text)],
            &[
                ("E8", "E9+7"),
                ("E12", "SUM(E8:E11)"),
                ("E13", "$E$12/2-(E10*E10)"),
                ("E14", "SUM(E9,E11,-5)"),
                ("E15", "E16+1"),
            ],
        );
        // 405 + 7
        assert_eq!(s.compute(cell("E8")), Ok(412.0));
        // 412 + 405 + 3, the text in E11 left out as Excel's SUM does
        assert_eq!(s.compute(cell("E12")), Ok(820.0));
        // 820 / 2 - 9
        assert_eq!(s.compute(cell("E13")), Ok(401.0));
        // 405 + (text, left out) - 5
        assert_eq!(s.compute(cell("E14")), Ok(400.0));
        // A blank cell is 0 to an operator.
        assert_eq!(s.compute(cell("E15")), Ok(1.0));
    }

    #[test]
    fn amounts_in_dong_keep_every_digit() {
        let mut s = sheet(
            &[("E9", Value::Number(125_000_000.0))],
            &[("E10", "E9+1"), ("E11", "SUM(E9:E10)*100")],
        );
        assert_eq!(s.compute(cell("E10")), Ok(125_000_001.0));
        assert_eq!(s.compute(cell("E11")), Ok(25_000_000_100.0));
    }

    #[test]
    fn failures_name_the_cell_at_fault() {
        let mut s = sheet(
            &[
                ("E9", Value::Text),
                ("E10", Value::Number(0.0)),
                ("E11", Value::Error("#N/A".into())),
            ],
            &[
                ("E20", "E9+1"),
                ("E21", "5/E10"),
                ("E22", "SUM(E10:E11)"),
                ("E23", "IF(1,2,3)"),
                ("E24", "E23*2"),
                ("E25", "E24+E10"),
            ],
        );
        assert_eq!(s.compute(cell("E20")), Err(Failure::Text(cell("E9"))));
        assert_eq!(s.compute(cell("E21")), Err(Failure::DivideByZero));
        assert_eq!(
            s.compute(cell("E22")),
            Err(Failure::ErrorValue(cell("E11"), "#N/A".into()))
        );
        let innermost = Failure::Inner {
            cell: cell("E23"),
            failure: Box::new(Failure::Parse(ParseError::Unsupported(
                "the function IF".into(),
            ))),
        };
        assert_eq!(s.compute(cell("E24")), Err(innermost.clone()));
        // Two steps away, still the innermost formula is named.
        assert_eq!(s.compute(cell("E25")), Err(innermost.clone()));
        assert_eq!(
            innermost.to_string(),
            "it reads cell E23, whose formula cannot be computed: it uses the function IF, \
             and treem computes only SUM, + - * /, numbers and cells of the same sheet"
        );
    }

    #[test]
    fn circles_are_found_and_named() {
        let mut s = sheet(
            &[],
            &[
                ("E9", "E10+1"),
                ("E10", "E11*2"),
                ("E11", "E9"),
                ("E12", "E10+5"),
                ("E13", "SUM(E8:E13)"),
            ],
        );
        let circle = Failure::Circular(vec![cell("E9"), cell("E10"), cell("E11"), cell("E9")]);
        assert_eq!(s.compute(cell("E9")), Err(circle.clone()));
        // Every cell of the circle has the circle as its failure…
        assert_eq!(s.compute(cell("E11")), Err(circle.clone()));
        // …and a cell outside it reads a cell that cannot be computed.
        assert_eq!(
            s.compute(cell("E12")),
            Err(Failure::Inner {
                cell: cell("E10"),
                failure: Box::new(circle.clone())
            })
        );
        // A SUM over a range holding its own cell.
        assert_eq!(
            s.compute(cell("E13")),
            Err(Failure::Inner {
                cell: cell("E9"),
                failure: Box::new(circle)
            })
        );
        let mut own = sheet(&[], &[("E13", "SUM(E12:E13)")]);
        assert_eq!(
            own.compute(cell("E13")),
            Err(Failure::Circular(vec![cell("E13"), cell("E13")]))
        );
        assert_eq!(
            Failure::Circular(vec![cell("E9"), cell("E10"), cell("E9")]).to_string(),
            "its cells refer to each other in a circle (E9 → E10 → E9)"
        );
    }

    #[test]
    fn long_chains_and_huge_ranges_stop() {
        // A1 = A2 + 1, A2 = A3 + 1, … A300 = A301 + 1: two levels of evaluation a cell,
        // past MAX_FRAMES from A1.
        let mut s = Sheet::new("S");
        for r in 1..=300 {
            s.set_formula(cell(&format!("A{r}")), format!("A{}+1", r + 1));
        }
        assert_eq!(s.compute(cell("A1")), Err(Failure::TooDeep));
        // Too deep from A1 is not a verdict on the cells on the way: computed from the far
        // end, the same chain is 300 short steps, A300 = 1 … A1 = 300.
        for r in (1..=300).rev() {
            assert_eq!(s.compute(cell(&format!("A{r}"))), Ok(f64::from(301 - r)));
        }
        // A long total is one chain, not a deep one.
        let total: Vec<String> = (1..=1000).map(|r| format!("B{r}")).collect();
        let mut s = Sheet::new("S");
        for r in 1..=1000 {
            s.set_value(cell(&format!("B{r}")), Value::Number(1.0));
        }
        s.set_formula(cell("C1"), total.join("+"));
        assert_eq!(s.compute(cell("C1")), Ok(1000.0));
        // A whole sheet's rectangle reads only the cells there are.
        let mut s = sheet(
            &[("B2", Value::Number(2.0))],
            &[("A1", "SUM(A2:XFD1048576)")],
        );
        assert_eq!(s.compute(cell("A1")), Ok(2.0));
    }
}
