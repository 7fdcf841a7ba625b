//! A conservative compile check for `jqPathExpressions`. Argo CD compiles each expression as
//! `del(<expr>)` with gojq (§7.1); this finds what gojq rejects for certain: syntax errors (a
//! recursive-descent parser over jq's grammar, lenient where the grammars of jq versions differ),
//! calls to functions that no jq or gojq version defines (`.metadata.labels.app.kubernetes.io/name`
//! divides by a function `name`), variables bound nowhere, and a `#` comment on the last line,
//! which comments out the closing `)`. Arity is not checked, and neither are `@formats` (gojq
//! reports an unknown one only when it runs).

use foldhash::HashSet;

#[derive(Debug, PartialEq, Eq)]
pub struct JqError {
    pub message: String,
    /// Byte range in the expression.
    pub start: usize,
    pub len: usize,
}

fn err(message: impl Into<String>, start: usize, len: usize) -> JqError {
    JqError {
        message: message.into(),
        start,
        len: len.max(1),
    }
}

/// Nesting the parser follows at most (`(`, `[`, `{`, bindings, patterns): deeper expressions
/// are refused with an error instead of overflowing the stack. Far above any real path
/// expression, and half of what a 2 MiB thread stack holds in a debug build (objects nest deepest).
pub const MAX_DEPTH: usize = 128;

/// Check one expression.
pub fn check(src: &str) -> Result<(), JqError> {
    check_with_depth(src, MAX_DEPTH)
}

/// Check one expression, refusing nesting deeper than `max_depth` (at most [`MAX_DEPTH`]).
pub fn check_with_depth(src: &str, max_depth: usize) -> Result<(), JqError> {
    if src.trim().is_empty() {
        return Err(err("empty expression", 0, src.len()));
    }
    let mut names = Names::default();
    let toks = lex(src, 0, src.len())?;
    let mut p = Parser {
        src,
        toks,
        pos: 0,
        names: &mut names,
        depth: 0,
        max_depth: max_depth.min(MAX_DEPTH),
    };
    p.pipe()?;
    p.expect_eof()?;
    names.resolve()
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok<'s> {
    Ident(&'s str),
    Field,
    Var(&'s str),
    Format(&'s str),
    Num,
    Str,
    Dot,
    DotDot,
    Op(&'static str),
    Eof,
}

#[derive(Clone, Debug)]
struct Token<'s> {
    tok: Tok<'s>,
    start: usize,
    end: usize,
    /// Interpolations `\( … )` of a string: byte ranges of their queries.
    interp: Vec<(usize, usize)>,
}

const OPS: &[&str] = &[
    "//=", "//", "|=", "+=", "-=", "*=", "/=", "%=", "==", "!=", "<=", ">=", "|", ",", "=", "<",
    ">", "+", "-", "*", "/", "%", "(", ")", "[", "]", "{", "}", ":", ";", "?",
];

fn ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}
fn ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Length of an identifier at `i` (with `::` module separators).
fn ident_len(b: &[u8], i: usize, end: usize) -> usize {
    let mut j = i;
    loop {
        while j < end && ident_char(b[j]) {
            j += 1;
        }
        if j + 2 < end && b[j] == b':' && b[j + 1] == b':' && ident_start(b[j + 2]) {
            j += 2;
            continue;
        }
        return j - i;
    }
}

fn lex(src: &str, start: usize, end: usize) -> Result<Vec<Token<'_>>, JqError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = start;
    let tok = |tok, s, e| Token {
        tok,
        start: s,
        end: e,
        interp: Vec::new(),
    };
    while i < end {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'#' {
            let from = i;
            while i < end && b[i] != b'\n' {
                i += 1;
            }
            // Argo CD appends `)` to the expression: a comment on its last line swallows it.
            if i == src.len() {
                return Err(err(
                    "a `#` comment on the last line comments out the `)` of the `del(…)` Argo CD wraps the expression in",
                    from,
                    i - from,
                ));
            }
            continue;
        }
        if c == b'"' {
            let (e, interp) = lex_string(src, i, end, 0)?;
            out.push(Token {
                tok: Tok::Str,
                start: i,
                end: e,
                interp,
            });
            i = e;
            continue;
        }
        if c == b'.' {
            if i + 1 < end && b[i + 1] == b'.' {
                out.push(tok(Tok::DotDot, i, i + 2));
                i += 2;
            } else if i + 1 < end && ident_start(b[i + 1]) {
                let mut j = i + 1;
                while j < end && ident_char(b[j]) {
                    j += 1;
                }
                out.push(tok(Tok::Field, i, j));
                i = j;
            } else if i + 1 < end && b[i + 1].is_ascii_digit() {
                let j = number_end(b, i, end);
                out.push(tok(Tok::Num, i, j));
                i = j;
            } else {
                out.push(tok(Tok::Dot, i, i + 1));
                i += 1;
            }
            continue;
        }
        if c.is_ascii_digit() {
            let j = number_end(b, i, end);
            out.push(tok(Tok::Num, i, j));
            i = j;
            continue;
        }
        if ident_start(c) {
            let n = ident_len(b, i, end);
            out.push(tok(Tok::Ident(&src[i..i + n]), i, i + n));
            i += n;
            continue;
        }
        if c == b'$' || c == b'@' {
            let mut j = i + 1;
            if c == b'$' {
                while j < end && (b[j] == b' ' || b[j] == b'\t') {
                    j += 1;
                }
            }
            // gojq lexes `@` followed by any identifier characters as a format (`@5` too).
            let starts = if c == b'$' { ident_start } else { ident_char };
            if j < end && starts(b[j]) {
                let n = ident_len(b, j, end);
                let name = &src[j..j + n];
                let t = if c == b'$' {
                    Tok::Var(name)
                } else {
                    Tok::Format(name)
                };
                out.push(tok(t, i, j + n));
                i = j + n;
                continue;
            }
            return Err(err(format!("unexpected token `{}`", c as char), i, 1));
        }
        if let Some(op) = OPS.iter().find(|op| src[i..end].starts_with(**op)) {
            out.push(tok(Tok::Op(op), i, i + op.len()));
            i += op.len();
            continue;
        }
        let ch = src[i..].chars().next().unwrap_or('?');
        return Err(err(
            format!("unexpected character `{ch}`"),
            i,
            ch.len_utf8(),
        ));
    }
    out.push(tok(Tok::Eof, end, end));
    Ok(out)
}

fn number_end(b: &[u8], mut i: usize, end: usize) -> usize {
    while i < end && b[i].is_ascii_digit() {
        i += 1;
    }
    if i < end && b[i] == b'.' {
        i += 1;
        while i < end && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i < end && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < end && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < end && b[j].is_ascii_digit() {
            i = j;
            while i < end && b[i].is_ascii_digit() {
                i += 1;
            }
        }
    }
    i
}

/// A string starting at `i` (a `"`): its end and the ranges of its interpolations. `depth`
/// counts the strings it is nested in (through interpolations).
fn lex_string(
    src: &str,
    i: usize,
    end: usize,
    depth: usize,
) -> Result<(usize, Vec<(usize, usize)>), JqError> {
    if depth >= MAX_DEPTH {
        return Err(err(
            format!("the expression is nested deeper than {MAX_DEPTH} levels"),
            i,
            1,
        ));
    }
    let b = src.as_bytes();
    let mut interp = Vec::new();
    let mut j = i + 1;
    while j < end {
        match b[j] {
            b'"' => return Ok((j + 1, interp)),
            b'\\' => {
                let Some(&e) = b.get(j + 1).filter(|_| j + 1 < end) else {
                    break;
                };
                match e {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => j += 2,
                    b'u' => {
                        let hex = b.get(j + 2..j + 6).filter(|_| j + 6 <= end);
                        if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                            return Err(err("invalid \\u escape in string", j, 2));
                        }
                        j += 6;
                    }
                    b'(' => {
                        let q = j + 2;
                        let close = interpolation_end(src, q, end, depth)?;
                        interp.push((q, close));
                        j = close + 1;
                    }
                    _ => {
                        let ch = src[j + 1..].chars().next().unwrap_or('?');
                        return Err(err(
                            format!("invalid escape sequence `\\{ch}` in string"),
                            j,
                            1 + ch.len_utf8(),
                        ));
                    }
                }
            }
            _ => j += 1,
        }
    }
    Err(err("unterminated string", i, end - i))
}

/// The `)` that closes an interpolation whose query starts at `q`.
fn interpolation_end(src: &str, q: usize, end: usize, nesting: usize) -> Result<usize, JqError> {
    let b = src.as_bytes();
    let mut depth = 1;
    let mut j = q;
    while j < end {
        match b[j] {
            b'"' => {
                j = lex_string(src, j, end, nesting + 1)?.0;
                continue;
            }
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(j);
                }
            }
            _ => {}
        }
        j += 1;
    }
    Err(err(
        "unterminated string interpolation",
        q - 2,
        end - (q - 2),
    ))
}

/// Names used and defined, resolved after parsing (lenient: a definition anywhere counts).
#[derive(Default)]
struct Names {
    calls: Vec<(String, usize, usize, usize)>,
    defined: HashSet<String>,
    vars_used: Vec<(String, usize, usize)>,
    vars_bound: HashSet<String>,
}

impl Names {
    fn resolve(&self) -> Result<(), JqError> {
        let mut problems: Vec<JqError> = Vec::new();
        for (name, arity, start, len) in &self.calls {
            if !self.defined.contains(name.as_str()) && !BUILTINS.contains(&name.as_str()) {
                problems.push(err(
                    format!("function not defined: {name}/{arity}"),
                    *start,
                    *len,
                ));
            }
        }
        for (name, start, len) in &self.vars_used {
            if !self.vars_bound.contains(name.as_str())
                && !matches!(name.as_str(), "ENV" | "__loc__" | "__prog_args")
            {
                problems.push(err(format!("variable not defined: ${name}"), *start, *len));
            }
        }
        match problems.into_iter().min_by_key(|e| e.start) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

const KEYWORDS: &[&str] = &[
    "def", "as", "if", "then", "elif", "else", "end", "and", "or", "reduce", "foreach", "try",
    "catch", "label", "import", "include", "module", "__loc__",
];

struct Parser<'s, 'n> {
    src: &'s str,
    toks: Vec<Token<'s>>,
    pos: usize,
    names: &'n mut Names,
    /// Current nesting, counted in `alt` and `pattern` (every recursive cycle passes one).
    depth: usize,
    max_depth: usize,
}

impl<'s> Parser<'s, '_> {
    fn peek(&self) -> &Token<'s> {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }
    fn peek_at(&self, n: usize) -> &Token<'s> {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)]
    }
    fn bump(&mut self) -> Token<'s> {
        let t = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }
    fn is_op(&self, op: &str) -> bool {
        self.peek().tok == Tok::Op(op_static(op))
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek().tok, Tok::Ident(s) if s == kw)
    }
    fn unexpected(&self) -> JqError {
        let t = self.peek();
        if t.tok == Tok::Eof {
            return err("unexpected end of expression", t.start.saturating_sub(1), 1);
        }
        err(
            format!("unexpected token `{}`", &self.src[t.start..t.end]),
            t.start,
            t.end - t.start,
        )
    }
    fn expect_op(&mut self, op: &str) -> Result<(), JqError> {
        if self.is_op(op) {
            self.bump();
            return Ok(());
        }
        let mut e = self.unexpected();
        e.message = format!("{} (expected `{op}`)", e.message);
        Err(e)
    }
    fn expect_kw(&mut self, kw: &str) -> Result<(), JqError> {
        if self.is_kw(kw) {
            self.bump();
            return Ok(());
        }
        let mut e = self.unexpected();
        e.message = format!("{} (expected `{kw}`)", e.message);
        Err(e)
    }
    fn expect_eof(&mut self) -> Result<(), JqError> {
        if self.peek().tok == Tok::Eof {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    /// Parse the interpolations of a string token.
    fn string(&mut self, t: &Token<'s>) -> Result<(), JqError> {
        for &(a, b) in &t.interp {
            let toks = lex(self.src, a, b)?;
            let mut sub = Parser {
                src: self.src,
                toks,
                pos: 0,
                names: &mut *self.names,
                depth: self.depth,
                max_depth: self.max_depth,
            };
            if sub.peek().tok == Tok::Eof {
                return Err(err(
                    "empty string interpolation",
                    a.saturating_sub(2),
                    b + 1 - a + 2,
                ));
            }
            sub.pipe()?;
            sub.expect_eof()?;
        }
        Ok(())
    }

    /// One level deeper; an error past the limit.
    fn enter(&mut self) -> Result<(), JqError> {
        if self.depth >= self.max_depth {
            let t = self.peek();
            return Err(err(
                format!(
                    "the expression is nested deeper than {} levels",
                    self.max_depth
                ),
                t.start,
                t.end - t.start,
            ));
        }
        self.depth += 1;
        Ok(())
    }

    /// Chains (`a | b | c`, `label $x | …`) loop rather than recurse, so only nesting costs
    /// depth.
    fn pipe(&mut self) -> Result<(), JqError> {
        loop {
            while self.is_kw("def") {
                self.funcdef()?;
            }
            if self.is_kw("label") {
                self.bump();
                self.bind_var()?;
                self.expect_op("|")?;
                continue;
            }
            self.comma()?;
            if self.is_op("|") {
                self.bump();
                continue;
            }
            return Ok(());
        }
    }

    fn comma(&mut self) -> Result<(), JqError> {
        self.alt()?;
        while self.is_op(",") {
            self.bump();
            self.alt()?;
        }
        Ok(())
    }

    fn alt(&mut self) -> Result<(), JqError> {
        self.enter()?;
        let r = self.alt_chain();
        self.depth -= 1;
        r
    }

    fn alt_chain(&mut self) -> Result<(), JqError> {
        loop {
            self.assign()?;
            if self.is_op("//") {
                self.bump();
                continue;
            }
            return Ok(());
        }
    }

    fn assign(&mut self) -> Result<(), JqError> {
        self.or()?;
        while ["=", "|=", "+=", "-=", "*=", "/=", "%=", "//="]
            .iter()
            .any(|o| self.is_op(o))
        {
            self.bump();
            self.alt()?;
        }
        Ok(())
    }

    fn or(&mut self) -> Result<(), JqError> {
        self.and()?;
        while self.is_kw("or") {
            self.bump();
            self.and()?;
        }
        Ok(())
    }

    fn and(&mut self) -> Result<(), JqError> {
        self.compare()?;
        while self.is_kw("and") {
            self.bump();
            self.compare()?;
        }
        Ok(())
    }

    /// Comparisons do not chain (`%nonassoc` in jq's and gojq's grammars).
    fn compare(&mut self) -> Result<(), JqError> {
        const CMP: [&str; 6] = ["==", "!=", "<", "<=", ">", ">="];
        self.additive()?;
        if CMP.iter().any(|o| self.is_op(o)) {
            self.bump();
            self.additive()?;
            if CMP.iter().any(|o| self.is_op(o)) {
                let mut e = self.unexpected();
                e.message = format!("{} (comparisons do not chain: add parentheses)", e.message);
                return Err(e);
            }
        }
        Ok(())
    }

    fn additive(&mut self) -> Result<(), JqError> {
        self.multiplicative()?;
        while self.is_op("+") || self.is_op("-") {
            self.bump();
            self.multiplicative()?;
        }
        Ok(())
    }

    fn multiplicative(&mut self) -> Result<(), JqError> {
        self.unary()?;
        while self.is_op("*") || self.is_op("/") || self.is_op("%") {
            self.bump();
            self.unary()?;
        }
        Ok(())
    }

    fn unary(&mut self) -> Result<(), JqError> {
        while self.is_op("-") || self.is_op("+") {
            self.bump();
        }
        self.postfix(true)
    }

    /// The body of `try`/`catch`, the source of `reduce`/`foreach`: a term with its suffixes,
    /// possibly signed.
    fn signed_postfix(&mut self) -> Result<(), JqError> {
        while self.is_op("-") || self.is_op("+") {
            self.bump();
        }
        self.postfix(false)
    }

    /// A term with its suffixes; with `allow_as`, `term as $x | body` too.
    fn postfix(&mut self, allow_as: bool) -> Result<(), JqError> {
        self.term()?;
        loop {
            match self.peek().tok {
                Tok::Field => {
                    self.bump();
                }
                Tok::Dot if matches!(self.peek_at(1).tok, Tok::Str | Tok::Op("[")) => {
                    self.bump();
                    if self.peek().tok == Tok::Str {
                        let t = self.bump();
                        self.string(&t)?;
                    }
                }
                Tok::Op("[") => self.bracket_suffix()?,
                Tok::Op("?") => {
                    self.bump();
                }
                Tok::Ident("as") if allow_as => {
                    self.bump();
                    self.patterns()?;
                    self.expect_op("|")?;
                    return self.pipe();
                }
                _ => return Ok(()),
            }
        }
    }

    /// `[]`, `[q]`, `[q:]`, `[:q]`, `[q:q]`.
    fn bracket_suffix(&mut self) -> Result<(), JqError> {
        self.expect_op("[")?;
        if self.is_op("]") {
            self.bump();
            return Ok(());
        }
        if self.is_op(":") {
            self.bump();
            self.pipe()?;
            return self.expect_op("]");
        }
        self.pipe()?;
        if self.is_op(":") {
            self.bump();
            if !self.is_op("]") {
                self.pipe()?;
            }
        }
        self.expect_op("]")
    }

    fn term(&mut self) -> Result<(), JqError> {
        let t = self.peek().clone();
        match t.tok {
            Tok::Dot => {
                self.bump();
                if self.peek().tok == Tok::Str {
                    let s = self.bump();
                    self.string(&s)?;
                }
                Ok(())
            }
            Tok::DotDot | Tok::Field | Tok::Num => {
                self.bump();
                Ok(())
            }
            Tok::Str => {
                self.bump();
                self.string(&t)
            }
            Tok::Format(_) => {
                self.bump();
                if self.peek().tok == Tok::Str {
                    let s = self.bump();
                    self.string(&s)?;
                }
                Ok(())
            }
            Tok::Var(name) => {
                self.bump();
                self.names
                    .vars_used
                    .push((name.to_string(), t.start, t.end - t.start));
                Ok(())
            }
            Tok::Op("(") => {
                self.bump();
                self.pipe()?;
                self.expect_op(")")
            }
            Tok::Op("[") => {
                self.bump();
                if !self.is_op("]") {
                    self.pipe()?;
                }
                self.expect_op("]")
            }
            Tok::Op("{") => self.object(),
            Tok::Ident(word) => self.word(word, &t),
            _ => Err(self.unexpected()),
        }
    }

    fn word(&mut self, word: &'s str, t: &Token<'s>) -> Result<(), JqError> {
        match word {
            "reduce" | "foreach" => {
                self.bump();
                self.signed_postfix()?;
                self.expect_kw("as")?;
                self.patterns()?;
                self.expect_op("(")?;
                self.pipe()?;
                self.expect_op(";")?;
                self.pipe()?;
                if word == "foreach" && self.is_op(";") {
                    self.bump();
                    self.pipe()?;
                }
                self.expect_op(")")
            }
            "if" => {
                self.bump();
                self.pipe()?;
                self.expect_kw("then")?;
                self.pipe()?;
                while self.is_kw("elif") {
                    self.bump();
                    self.pipe()?;
                    self.expect_kw("then")?;
                    self.pipe()?;
                }
                if self.is_kw("else") {
                    self.bump();
                    self.pipe()?;
                }
                self.expect_kw("end")
            }
            "try" => {
                self.bump();
                self.signed_postfix()?;
                if self.is_kw("catch") {
                    self.bump();
                    self.signed_postfix()?;
                }
                Ok(())
            }
            "label" => {
                self.bump();
                self.bind_var()?;
                self.expect_op("|")?;
                self.pipe()
            }
            "def" => {
                self.funcdef()?;
                self.pipe()
            }
            "break" if matches!(self.peek_at(1).tok, Tok::Var(_)) => {
                self.bump();
                let v = self.bump();
                if let Tok::Var(name) = v.tok {
                    self.names
                        .vars_used
                        .push((name.to_string(), v.start, v.end - v.start));
                }
                Ok(())
            }
            w if KEYWORDS.contains(&w) => Err(self.unexpected()),
            name => {
                self.bump();
                let mut arity = 0;
                if self.is_op("(") {
                    self.bump();
                    loop {
                        self.pipe()?;
                        arity += 1;
                        if self.is_op(";") {
                            self.bump();
                            continue;
                        }
                        break;
                    }
                    self.expect_op(")")?;
                }
                self.names
                    .calls
                    .push((name.to_string(), arity, t.start, t.end - t.start));
                Ok(())
            }
        }
    }

    fn object(&mut self) -> Result<(), JqError> {
        self.expect_op("{")?;
        loop {
            if self.is_op("}") {
                self.bump();
                return Ok(());
            }
            let t = self.peek().clone();
            match t.tok {
                Tok::Var(name) => {
                    self.bump();
                    self.names
                        .vars_used
                        .push((name.to_string(), t.start, t.end - t.start));
                }
                Tok::Ident(_) => {
                    self.bump();
                }
                Tok::Str => {
                    self.bump();
                    self.string(&t)?;
                }
                Tok::Format(_) => {
                    self.bump();
                    if self.peek().tok == Tok::Str {
                        let s = self.bump();
                        self.string(&s)?;
                    }
                }
                Tok::Op("(") => {
                    self.bump();
                    self.pipe()?;
                    self.expect_op(")")?;
                    if !self.is_op(":") {
                        return self.expect_op(":");
                    }
                }
                _ => return Err(self.unexpected()),
            }
            if self.is_op(":") {
                self.bump();
                self.object_value()?;
            }
            if self.is_op(",") {
                self.bump();
                continue;
            }
            return self.expect_op("}");
        }
    }

    /// An object value: alternatives joined by `|`, without a top-level `,`.
    fn object_value(&mut self) -> Result<(), JqError> {
        loop {
            self.alt()?;
            if self.is_op("|") {
                self.bump();
                continue;
            }
            return Ok(());
        }
    }

    fn bind_var(&mut self) -> Result<(), JqError> {
        match self.peek().tok {
            Tok::Var(name) => {
                self.names.vars_bound.insert(name.to_string());
                self.bump();
                Ok(())
            }
            _ => {
                let mut e = self.unexpected();
                e.message = format!("{} (expected a $variable)", e.message);
                Err(e)
            }
        }
    }

    /// Destructuring patterns, alternatives joined by `?//`.
    fn patterns(&mut self) -> Result<(), JqError> {
        loop {
            self.pattern()?;
            let adjacent = self.peek().end == self.peek_at(1).start;
            if self.is_op("?") && self.peek_at(1).tok == Tok::Op("//") && adjacent {
                self.bump();
                self.bump();
                continue;
            }
            return Ok(());
        }
    }

    fn pattern(&mut self) -> Result<(), JqError> {
        self.enter()?;
        let r = self.pattern_inner();
        self.depth -= 1;
        r
    }

    fn pattern_inner(&mut self) -> Result<(), JqError> {
        match self.peek().tok {
            Tok::Var(_) => self.bind_var(),
            Tok::Op("[") => {
                self.bump();
                loop {
                    self.pattern()?;
                    if self.is_op(",") {
                        self.bump();
                        continue;
                    }
                    return self.expect_op("]");
                }
            }
            Tok::Op("{") => {
                self.bump();
                loop {
                    let t = self.peek().clone();
                    match t.tok {
                        Tok::Var(_) => {
                            self.bind_var()?;
                            if self.is_op(":") {
                                self.bump();
                                self.pattern()?;
                            }
                        }
                        Tok::Ident(_) => {
                            self.bump();
                            self.expect_op(":")?;
                            self.pattern()?;
                        }
                        Tok::Str => {
                            self.bump();
                            self.string(&t)?;
                            self.expect_op(":")?;
                            self.pattern()?;
                        }
                        Tok::Op("(") => {
                            self.bump();
                            self.pipe()?;
                            self.expect_op(")")?;
                            self.expect_op(":")?;
                            self.pattern()?;
                        }
                        _ => return Err(self.unexpected()),
                    }
                    if self.is_op(",") {
                        self.bump();
                        continue;
                    }
                    return self.expect_op("}");
                }
            }
            _ => {
                let mut e = self.unexpected();
                e.message = format!(
                    "{} (expected a $variable or a destructuring pattern)",
                    e.message
                );
                Err(e)
            }
        }
    }

    /// `def name: body;` or `def name(params): body;`.
    fn funcdef(&mut self) -> Result<(), JqError> {
        self.expect_kw("def")?;
        match self.peek().tok {
            Tok::Ident(name) if !KEYWORDS.contains(&name) => {
                self.names.defined.insert(name.to_string());
                self.bump();
            }
            _ => {
                let mut e = self.unexpected();
                e.message = format!("{} (expected a function name)", e.message);
                return Err(e);
            }
        }
        if self.is_op("(") {
            self.bump();
            loop {
                match self.peek().tok {
                    Tok::Ident(p) if !KEYWORDS.contains(&p) => {
                        self.names.defined.insert(p.to_string());
                        self.bump();
                    }
                    Tok::Var(p) => {
                        // `$p` also defines the filter `p`.
                        self.names.defined.insert(p.to_string());
                        self.names.vars_bound.insert(p.to_string());
                        self.bump();
                    }
                    _ => {
                        let mut e = self.unexpected();
                        e.message = format!("{} (expected a parameter)", e.message);
                        return Err(e);
                    }
                }
                if self.is_op(";") {
                    self.bump();
                    continue;
                }
                break;
            }
            self.expect_op(")")?;
        }
        self.expect_op(":")?;
        self.pipe()?;
        self.expect_op(";")
    }
}

fn op_static(op: &str) -> &'static str {
    OPS.iter().copied().find(|o| *o == op).unwrap_or("")
}

/// Every function any jq (1.5–1.8) or gojq version defines, whatever the arity; calls to anything
/// else fail to compile in every version.
const BUILTINS: &[&str] = &[
    // values and constants
    "true",
    "false",
    "null",
    "empty",
    "error",
    "not",
    "nan",
    "infinite",
    "input",
    "inputs",
    "debug",
    "stderr",
    "input_filename",
    "input_line_number",
    "halt",
    "halt_error",
    "env",
    "builtins",
    "modulemeta",
    "get_search_list",
    "get_prog_origin",
    "get_jq_origin",
    "have_literal_numbers",
    "have_decnum",
    "now",
    "splits",
    "abs",
    "toarray",
    "getpath",
    "setpath",
    "delpaths",
    "del",
    "path",
    "paths",
    "leaf_paths",
    "pick",
    "to_entries",
    "from_entries",
    "with_entries",
    "select",
    "map",
    "map_values",
    "recurse",
    "recurse_down",
    "length",
    "utf8bytelength",
    "keys",
    "keys_unsorted",
    "values",
    "has",
    "in",
    "inside",
    "contains",
    "indices",
    "index",
    "rindex",
    "startswith",
    "endswith",
    "ltrimstr",
    "rtrimstr",
    "trimstr",
    "ltrim",
    "rtrim",
    "trim",
    "explode",
    "implode",
    "split",
    "join",
    "ascii",
    "ascii_downcase",
    "ascii_upcase",
    "tojson",
    "fromjson",
    "tostring",
    "tonumber",
    "type",
    "reverse",
    "add",
    "any",
    "all",
    "flatten",
    "range",
    "min",
    "max",
    "min_by",
    "max_by",
    "sort",
    "sort_by",
    "group_by",
    "unique",
    "unique_by",
    "arrays",
    "objects",
    "iterables",
    "booleans",
    "numbers",
    "strings",
    "nulls",
    "scalars",
    "finites",
    "normals",
    "isinfinite",
    "isnan",
    "isnormal",
    "isvalid",
    "isempty",
    "first",
    "last",
    "nth",
    "limit",
    "skip",
    "until",
    "while",
    "repeat",
    "combinations",
    "walk",
    "transpose",
    "tostream",
    "fromstream",
    "truncate_stream",
    "test",
    "match",
    "capture",
    "scan",
    "sub",
    "gsub",
    "todate",
    "fromdate",
    "date",
    "dateadd",
    "datesub",
    "todateiso8601",
    "fromdateiso8601",
    "mktime",
    "gmtime",
    "localtime",
    "strftime",
    "strflocaltime",
    "strptime",
    "format",
    "bsearch",
    "IN",
    "INDEX",
    "JOIN",
    "significand",
    // math
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "floor",
    "round",
    "nearbyint",
    "rint",
    "ceil",
    "trunc",
    "fabs",
    "sqrt",
    "cbrt",
    "exp",
    "exp10",
    "exp2",
    "expm1",
    "frexp",
    "modf",
    "log",
    "log10",
    "log1p",
    "log2",
    "logb",
    "gamma",
    "tgamma",
    "lgamma",
    "lgamma_r",
    "erf",
    "erfc",
    "j0",
    "j1",
    "y0",
    "y1",
    "atan2",
    "copysign",
    "drem",
    "fdim",
    "fmax",
    "fmin",
    "fmod",
    "hypot",
    "jn",
    "nextafter",
    "nexttoward",
    "remainder",
    "ldexp",
    "scalb",
    "scalbln",
    "yn",
    "pow",
    "pow10",
    "fma",
];

#[cfg(test)]
mod tests {
    use super::{MAX_DEPTH, check};

    #[test]
    fn valid_expressions() {
        for q in [
            ".spec.replicas",
            ".spec.template.spec.containers[] | select(.name == \"guestbook\").image",
            ".spec.template.spec.initContainers[] | select(.name == \"injected-init-container\")",
            ".metadata.annotations.\"argocd.argoproj.io/sync-wave\"",
            ".metadata.annotations[\"kubectl.kubernetes.io/restartedAt\"]",
            ".webhooks[]?.clientConfig.caBundle",
            ".data[\"config.yaml\"]",
            ".spec.rules[] | select(.host | test(\"^foo\\\\.\"))",
            ".metadata.labels | with_entries(select(.key | startswith(\"x\")))",
            ".spec.a[1:3]",
            ".spec.a[:-1]",
            ".spec.a[2:]",
            ".spec.containers[0].env[]? | select(.name == \"X\" and .value != null)",
            ". as $x | $x.spec",
            ". as [$a, {b: $c, $d}] | $a",
            ". as [$a] ?// $a | $a",
            "reduce .[] as $i (0; . + $i)",
            "foreach .[] as $i (0; . + 1; [$i, .])",
            "if .a then .b elif .c then .d else .e end",
            "if .a then .b end",
            "try .a catch .b",
            ".a?",
            "..|numbers",
            "label $out | .[] | if . then ., break $out else empty end",
            "def f(g; $x): g + $x; f(.a; 1)",
            "def f: .a; .b | f",
            "{a: .b, \"c\": 1, (.d): 2, $__loc__, e}",
            "\"x\\(.a + \"\\(.b)\")y\"",
            "@base64 \"\\(.a)\"",
            ".a += 1",
            ".a //= 1",
            ".a |= . + 1",
            ".a // .b // empty",
            "-(.a) - -1",
            ".a.[0]",
            ".spec .replicas",
            "$ENV.HOME",
            "env.HOME",
            ".a | not",
            "getpath([\"a\", \"b\"])",
            "[paths]",
            ".a # a comment\n| .b",
            "+.a",
            ".reduce.if.then",
            "{if: 1, then: 2}",
            "limit(3; .[])",
            ".a?.b?",
            "1e3, 1.5, .5",
            "del(.a)",
            ".items[] | select(.metadata.name | IN(\"a\", \"b\"))",
        ] {
            assert_eq!(check(q), Ok(()), "{q}");
        }
    }

    #[test]
    fn invalid_expressions() {
        for (q, msg) in [
            ("", "empty expression"),
            ("  ", "empty expression"),
            (".spec.replicas[", "unexpected end of expression"),
            (
                ".spec.containers[] | select(.name == \"x\"",
                "unexpected end of expression",
            ),
            (".a | | .b", "unexpected token `|`"),
            ("..spec", "unexpected token `spec`"),
            (".a.b)", "unexpected token `)`"),
            ("\"abc", "unterminated string"),
            ("\"a\\.b\"", "invalid escape sequence"),
            (
                ".metadata.labels.app.kubernetes.io/name",
                "function not defined: name/0",
            ),
            (".metadata.labels.app-name", "function not defined: name/0"),
            (".a | foo(1)", "function not defined: foo/1"),
            (".a == $x", "variable not defined: $x"),
            (".a # trailing", "comments out the `)`"),
            (".a == .b != .c", "comparisons do not chain"),
            ("if .a then .b", "unexpected end of expression"),
            ("reduce .[] as $x (0)", "unexpected token `)`"),
            (".a as x | x", "expected a $variable"),
            ("{1: 2}", "unexpected token `1`"),
            (".a then", "unexpected token `then`"),
            ("\"\\(.a\"", "unterminated"),
            ("def: 1; .", "expected a function name"),
            (".a ^ 2", "unexpected character `^`"),
            ("[.a,]", "unexpected token `]`"),
        ] {
            let e = check(q).expect_err(q);
            assert!(e.message.contains(msg), "{q}: {}", e.message);
        }
    }

    /// Nesting up to the limit parses (on a test thread's 2 MiB stack, in a debug build); one
    /// level more, or 10,000 more, is an error, never a stack overflow.
    #[test]
    fn nesting_is_bounded() {
        let nest =
            |n: usize, open: &str, close: &str| format!("{}.a{}", open.repeat(n), close.repeat(n));
        // The top level is one `alt`: MAX_DEPTH - 1 parentheses fit.
        assert_eq!(check(&nest(MAX_DEPTH - 1, "(", ")")), Ok(()));
        for n in [MAX_DEPTH, 10_000] {
            for (open, close) in [
                ("(", ")"),
                ("[", "]"),
                ("{a:", "}"),
                (".a = ", ""),
                ("\"\\(", ")\""),
            ] {
                let e = check(&nest(n, open, close)).unwrap_err();
                assert!(e.message.contains("nested deeper"), "{open}: {}", e.message);
            }
        }
        // Chains are not nesting.
        let chain = vec![".a"; 10_000].join(" | ");
        assert_eq!(check(&chain), Ok(()));
        assert_eq!(check(&format!("{}.a", "-".repeat(10_000))), Ok(()));
        assert_eq!(check(&vec![".a"; 10_000].join(" // ")), Ok(()));
        let e = check(&format!(
            ". as {}$x{} | $x",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ))
        .unwrap_err();
        assert!(e.message.contains("nested deeper"), "{}", e.message);
    }

    #[test]
    fn error_positions() {
        let e = check(".metadata.labels.app.kubernetes.io/name").unwrap_err();
        assert_eq!((e.start, e.len), (35, 4));
        let e = check(".a | | .b").unwrap_err();
        assert_eq!((e.start, e.len), (5, 1));
    }
}
