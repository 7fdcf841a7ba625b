//! Files as read from disk (or stdin), with a line index for offset → line/column conversion.

use std::path::PathBuf;

use super::yaml::Span;

pub type FileId = usize;

#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (relative paths stay relative), or `<stdin>`.
    pub name: String,
    /// Filesystem path (absolute or as given) used to resolve Application source paths.
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<u32>,
}

/// 1-based line and column; the column counts Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(name: String, path: PathBuf, text: String) -> SourceFile {
        let mut line_starts = vec![0u32];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        SourceFile {
            name,
            path,
            text,
            line_starts,
        }
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(self.text.len() as u32);
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line] as usize;
        let mut end = offset as usize;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        LineCol {
            line: line + 1,
            column: self.text[start..end].chars().count() + 1,
        }
    }

    /// Column in UTF-16 code units (SARIF, LSP), 1-based.
    pub fn utf16_column(&self, offset: u32) -> usize {
        let lc = self.line_col(offset);
        let start = self.line_starts[lc.line - 1] as usize;
        self.text[start..]
            .chars()
            .take(lc.column - 1)
            .map(char::len_utf16)
            .sum::<usize>()
            + 1
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte span of a whole 1-based line, without its line break.
    pub fn line_span(&self, line: usize) -> Span {
        let start = self.line_starts[line - 1] as usize;
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&e| e as usize - 1);
        Span::new(start, end.max(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_chars() {
        let f = SourceFile::new("x".into(), "x".into(), "ab\nüx: 1\n".into());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        // 'x' after the two-byte ü is byte 5, column 2.
        assert_eq!(f.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(f.line_col(100).line, 3);
    }
}
