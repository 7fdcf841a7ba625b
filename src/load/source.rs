//! One input file: its text, what it turned out to be, its parsed YAML (parsed on first read),
//! and a line index for offset → line/column conversion. The text and the tree that borrows
//! from it live together (`self_cell` over the shared text), so a file is one owned value that
//! editors can replace on its own.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use super::yaml::{ParseLimits, ParsedYaml, Span};

pub type FileId = usize;

/// What a file turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileClass {
    /// YAML that may hold Kubernetes objects.
    Yaml,
    /// Text with no `apiVersion`/`kind`: a values file, a CI config… Skipped silently.
    NotManifest,
    /// Skipped, with the reason shown as an `info` finding (template, binary, too large, …).
    Skipped(String),
    /// Could not be read (the message says why).
    Unreadable(String),
}

self_cell::self_cell!(
    struct Parsed {
        owner: Arc<String>,
        #[covariant]
        dependent: ParsedYaml,
    }
    impl {Debug}
);

#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user sees it (relative paths stay relative), or `<stdin>`.
    pub name: String,
    /// Absolute path, used to resolve Application source paths (virtual for rendered output).
    pub path: PathBuf,
    pub class: FileClass,
    /// Position of the first invalid UTF-8 byte, for a file that looks like a manifest.
    pub bad_utf8: Option<Span>,
    /// Where each line starts: built on first use (most files never need a position, and on a
    /// big tree the index would be a tenth of the memory).
    line_starts: OnceLock<Vec<u32>>,
    text: Arc<String>,
    /// What the parse may spend, kept for the parse on first use.
    limits: ParseLimits,
    /// Parsed on first use: a file that a rendered build stands for is usually never parsed
    /// (most of a Kustomize tree, on an editor's keystroke).
    parsed: OnceLock<Parsed>,
    /// A rendered build's parse from the render cache, decoded (and dropped) instead of
    /// parsing.
    tree: std::sync::Mutex<Option<Vec<u8>>>,
}

/// 1-based line and column; the column counts Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

pub const TEMPLATE_NOTE: &str = "Helm chart template";

impl SourceFile {
    /// A file whose class is already known; YAML is parsed once, when first read.
    pub fn new(
        name: String,
        path: PathBuf,
        text: String,
        class: FileClass,
        limits: &ParseLimits,
    ) -> SourceFile {
        let text = Arc::new(text);
        let parsed = OnceLock::new();
        if class != FileClass::Yaml {
            let _ = parsed.set(Parsed::new(text.clone(), |_| ParsedYaml::default()));
        }
        let mut f = SourceFile {
            name,
            path,
            class,
            bad_utf8: None,
            line_starts: OnceLock::new(),
            text,
            limits: limits.clone(),
            parsed,
            tree: Default::default(),
        };
        f.reclassify_template();
        f
    }

    /// A renderer's output: YAML whatever it holds (a `{{ }}` there is text a chart printed,
    /// which Argo CD parses as it is), parsed when first read, or decoded from `tree` (its
    /// parse in [`super::codec`] form, from the render cache).
    pub fn rendered(
        name: String,
        path: PathBuf,
        text: String,
        tree: Option<Vec<u8>>,
        limits: &ParseLimits,
    ) -> SourceFile {
        SourceFile {
            name,
            path,
            class: FileClass::Yaml,
            bad_utf8: None,
            line_starts: OnceLock::new(),
            text: Arc::new(text),
            limits: limits.clone(),
            parsed: OnceLock::new(),
            tree: std::sync::Mutex::new(tree),
        }
    }

    /// Classify raw bytes (binary, UTF-8, manifest-looking), then parse.
    pub fn from_bytes(
        name: String,
        path: PathBuf,
        bytes: Vec<u8>,
        limits: &ParseLimits,
    ) -> SourceFile {
        let (class, bad) = classify(&name, &bytes);
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            // Keep the text (lossy) so a finding can show the line.
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        let class = if bad.is_some() {
            FileClass::NotManifest
        } else {
            class
        };
        let mut f = SourceFile::new(name, path, text, class, limits);
        if bad.is_some() {
            f.class = FileClass::Yaml;
            f.bad_utf8 = bad;
        }
        f
    }

    /// A placeholder for something that could not be read or was skipped (no text).
    pub fn placeholder(name: String, path: PathBuf, class: FileClass) -> SourceFile {
        SourceFile::new(name, path, String::new(), class, &ParseLimits::default())
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn yaml(&self) -> &ParsedYaml<'_> {
        self.parsed
            .get_or_init(|| {
                let tree = self.tree.lock().ok().and_then(|mut t| t.take());
                Parsed::new(self.text.clone(), |t| {
                    tree.as_deref()
                        .and_then(|b| super::codec::decode(b, t, self.limits.depth))
                        .unwrap_or_else(|| super::yaml::parse_with(t, &self.limits))
                })
            })
            .borrow_dependent()
    }

    /// A template (Go/Helm `{{ }}`, Jinja `{% %}`, ERB `<% %>`) is not YAML: when it does not
    /// parse, or when an unquoted `{{ … }}` parsed as a nested flow mapping, it is skipped.
    fn reclassify_template(&mut self) {
        if self.class != FileClass::Yaml {
            return;
        }
        let text = self.text();
        // Carvel ytt: `#@` lines are its program (loads, conditionals, values, overlays); the
        // YAML around them is incomplete until ytt runs.
        if occurs(text, "#@") && text.lines().any(|l| l.trim_start().starts_with("#@")) {
            self.class = FileClass::Skipped("Carvel ytt template (`#@` lines), not YAML".into());
            return;
        }
        let go = occurs(text, "{{");
        let other = occurs(text, "{%") || occurs(text, "<%") || occurs(text, "{#");
        // Only these can make a file that does not parse a fill-in template (below): the
        // parse, which decides, is not needed for the others until a reader asks for it.
        let fill_in = occurs(text, "${")
            || occurs(text, "<#")
            || self.name.contains(".ftl.")
            || has_placeholder(text);
        if !go && !other && !fill_in {
            return;
        }
        let y = self.yaml();
        let broken = y.issues.iter().any(|i| i.related.is_none());
        if !go && !other {
            // A documentation template (`<CLUSTER_NAME>`, `${DOMAIN}`) that is not YAML until
            // someone fills it in.
            if broken && (text.contains("<#") || self.name.contains(".ftl.")) {
                self.class =
                    FileClass::Skipped("FreeMarker template (`<#…>`, `${…}`), not YAML".into());
            } else if broken && (has_placeholder(text) || text.contains("${")) {
                self.class = FileClass::Skipped(
                    "template with placeholders (`<NAME>`, `${VAR}`) that does not parse as YAML"
                        .into(),
                );
            }
            return;
        }
        let statement_lines = other
            && text.lines().any(|l| {
                let t = l.trim_start();
                t.starts_with("{%") || t.starts_with("<%") || t.starts_with("{#")
            });
        let reason = if go
            && (broken
                || y.docs
                    .iter()
                    .any(|d| has_template_mapping(&d.root, self.text())))
        {
            Some("Go/Helm template (contains `{{ }}`), not YAML")
        } else if broken || statement_lines {
            if text.contains("{%") || text.contains("{#") {
                Some("Jinja template (contains `{% %}`), not YAML")
            } else if text.contains("<%") {
                Some("ERB template (contains `<% %>`), not YAML")
            } else {
                None
            }
        } else {
            None
        };
        if let Some(r) = reason {
            self.class = FileClass::Skipped(r.into());
        }
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        let text = self.text();
        let offset = offset.min(text.len() as u32);
        let line = self.starts().partition_point(|&s| s <= offset) - 1;
        let start = self.starts()[line] as usize;
        let mut end = offset as usize;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        LineCol {
            line: line + 1,
            column: text[start..end].chars().count() + 1,
        }
    }

    /// Column in UTF-16 code units (SARIF, LSP), 1-based.
    pub fn utf16_column(&self, offset: u32) -> usize {
        let lc = self.line_col(offset);
        let start = self.starts()[lc.line - 1] as usize;
        self.text()[start..]
            .chars()
            .take(lc.column - 1)
            .map(char::len_utf16)
            .sum::<usize>()
            + 1
    }

    /// Byte offset of a 1-based line and UTF-16 column (LSP positions), clamped to the line.
    pub fn offset_of_utf16(&self, line: usize, utf16_col: usize) -> u32 {
        let Some(&start) = self.starts().get(line.saturating_sub(1)) else {
            return self.text().len() as u32;
        };
        let sp = self.line_span(line);
        let mut units = 0;
        for (i, c) in self.text()[sp.range()].char_indices() {
            if units + 1 >= utf16_col {
                return start + i as u32;
            }
            units += c.len_utf16();
        }
        sp.end
    }

    pub fn line_count(&self) -> usize {
        self.starts().len()
    }

    fn starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| line_starts(self.text()))
    }

    /// Byte span of a whole 1-based line, without its line break.
    pub fn line_span(&self, line: usize) -> Span {
        let text = self.text();
        let start = self.starts()[line - 1] as usize;
        let end = self
            .starts()
            .get(line)
            .map_or(text.len(), |&e| e as usize - 1);
        Span::new(start, end.max(start))
    }
}

fn line_starts(text: &str) -> Vec<u32> {
    let mut v = Vec::with_capacity(text.len() / 32 + 1);
    v.push(0);
    v.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i as u32 + 1));
    v
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// Where `needle` first occurs in `text`: a SIMD search, for scans over whole files (the
/// standard library's substring search is several times slower on long texts).
pub fn find_in(text: &str, needle: &str) -> Option<usize> {
    memchr::memmem::find(text.as_bytes(), needle.as_bytes())
}

/// Does `needle` occur in `text`? (As [`find_in`].)
pub fn occurs(text: &str, needle: &str) -> bool {
    contains(text.as_bytes(), needle.as_bytes())
}

/// Decide, before parsing, what a file is.
pub fn classify(name: &str, bytes: &[u8]) -> (FileClass, Option<Span>) {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return (
            FileClass::Skipped("binary file (contains NUL bytes)".into()),
            None,
        );
    }
    let base = name.rsplit('/').next().unwrap_or(name);
    // Kustomizations and Chart.yaml have no `kind` (or no `apiVersion`), but the model reads
    // them (a chart's dependencies decide whether it can be rendered offline).
    let kustomization = crate::model::kustomize::NAMES.contains(&base) || base == "Chart.yaml";
    let looks_like_manifest = contains(bytes, b"apiVersion") && contains(bytes, b"kind");
    if let Err(e) = std::str::from_utf8(bytes) {
        if looks_like_manifest {
            let off = e.valid_up_to();
            return (FileClass::Yaml, Some(Span::new(off, off)));
        }
        return (FileClass::Skipped("not UTF-8 text".into()), None);
    }
    if looks_like_manifest || kustomization {
        (FileClass::Yaml, None)
    } else {
        (FileClass::NotManifest, None)
    }
}

/// A `<placeholder>`: `<`, a letter, then letters, digits, `_`, `-` or `.`, then `>`.
fn has_placeholder(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b'<', b).any(|i| {
        let rest = &b[i + 1..];
        rest.first().is_some_and(u8::is_ascii_alphabetic) && {
            let n = rest
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
                .count();
            rest.get(n) == Some(&b'>')
        }
    })
}

/// An unquoted Go template expression: a flow mapping whose source starts with `{{`.
fn has_template_mapping(n: &super::yaml::Node<'_>, text: &str) -> bool {
    use super::yaml::NodeKind;
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        match &n.kind {
            NodeKind::Map(entries) => {
                if text
                    .get(n.span.range())
                    .is_some_and(|t| t.starts_with("{{"))
                {
                    return true;
                }
                for e in entries {
                    stack.push(&e.key);
                    stack.push(&e.value);
                }
            }
            NodeKind::Seq(items) => stack.extend(items.iter()),
            NodeKind::Scalar(_) => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(
            "x".into(),
            "x".into(),
            text.into(),
            FileClass::Yaml,
            &ParseLimits::default(),
        )
    }

    #[test]
    fn columns_count_chars() {
        let f = file("ab\nüx: 1\n");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        // 'x' after the two-byte ü is byte 5, column 2.
        assert_eq!(f.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(f.line_col(100).line, 3);
        assert_eq!(f.offset_of_utf16(2, 2), 5);
    }

    #[test]
    fn templates_are_recognised() {
        let ytt = file(
            "#@ load(\"@ytt:data\", \"data\")\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: #@ data.values.name\n",
        );
        assert!(matches!(ytt.class, FileClass::Skipped(ref r) if r.starts_with("Carvel ytt")));
        let jinja = file("{% if x %}\napiVersion: v1\nkind: ConfigMap\n{% endif %}\n");
        assert!(matches!(jinja.class, FileClass::Skipped(ref r) if r.starts_with("Jinja")));
        let go = file("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.x }}\n");
        assert!(matches!(go.class, FileClass::Skipped(ref r) if r.starts_with("Go/Helm")));
        let fine = file("apiVersion: v1\nkind: ConfigMap\ndata:\n  t: \"{{ not a template }}\"\n");
        let fill_in = file(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\nstringData:\n  url: <REPO_URL>\n  - <TOKEN>\n",
        );
        assert!(matches!(fill_in.class, FileClass::Skipped(ref r) if r.contains("placeholders")));
        let parses = file("apiVersion: v1\nkind: Secret\nmetadata:\n  name: <NAME>\n");
        assert_eq!(parses.class, FileClass::Yaml);
        assert_eq!(fine.class, FileClass::Yaml);
    }
}
