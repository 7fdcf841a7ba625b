//! Where a position in rendered output comes from, so findings point at the file and line a
//! user edits: Kustomize's `config.kubernetes.io/origin` annotation names the source file (paths
//! relative to the build's wrapper directory), `helm template` writes `# Source:` above each
//! object. A key the build added (a patch, a transformer) maps to the nearest key of the source.

use crate::load::FileId;
use crate::load::yaml::{Node, Span};

use super::Model;
use super::jobs::Outcome;

/// One step of a path through a YAML tree.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// The path to the deepest node at `offset`, and whether `offset` is on a mapping key.
fn path_to(root: &Node<'_>, offset: u32) -> (Vec<Seg>, bool) {
    let mut path = Vec::new();
    let mut cur = root;
    'walk: loop {
        for e in cur.entries() {
            if e.key.span.start <= offset && offset < e.key.span.end.max(e.key.span.start + 1) {
                path.push(Seg::Key(e.key.str().unwrap_or("").to_string()));
                return (path, true);
            }
            if e.value.span.start <= offset && offset <= e.value.span.end {
                path.push(Seg::Key(e.key.str().unwrap_or("").to_string()));
                cur = &e.value;
                continue 'walk;
            }
        }
        for (i, item) in cur.items().iter().enumerate() {
            if item.span.start <= offset && offset <= item.span.end {
                path.push(Seg::Index(i));
                cur = item;
                continue 'walk;
            }
        }
        return (path, false);
    }
}

/// Follow `path` as far as it exists; the span of the node reached (its key when `key`).
fn follow(root: &Node<'_>, path: &[Seg], key: bool) -> Span {
    let mut cur = root;
    let mut last_key: Option<Span> = None;
    for (i, seg) in path.iter().enumerate() {
        let next = match seg {
            Seg::Key(k) => cur.entry(k).map(|e| (e.key.span, &e.value)),
            Seg::Index(n) => cur.items().get(*n).map(|item| (item.span, item)),
        };
        match next {
            Some((kspan, node)) => {
                if i + 1 == path.len() && key {
                    return kspan;
                }
                last_key = Some(kspan);
                cur = node;
            }
            // Added by the build (a patch, a transformer): point at the deepest existing key.
            None => return last_key.unwrap_or(cur.span),
        }
    }
    cur.span
}

/// A rendered document and the build it came from.
struct RenderedDoc<'s, 'n> {
    root: &'n Node<'n>,
    dir: &'s std::path::Path,
    helm: bool,
    base: &'s std::path::Path,
}

impl Model<'_> {
    /// The rendered document at a position of a rendered file, with its build.
    fn rendered_doc(&self, file: FileId, span: Span) -> Option<RenderedDoc<'_, '_>> {
        let (dir, helm, base) = self
            .rendered
            .outcomes
            .iter()
            .find_map(|(d, h, o)| match o {
                Outcome::Rendered {
                    file: f,
                    origin_base,
                } if *f == file => Some((d, *h, origin_base)),
                _ => None,
            })?;
        let doc = self.files[file]
            .yaml()
            .docs
            .iter()
            .find(|d| d.root.span.start <= span.start && span.start <= d.root.span.end)?;
        Some(RenderedDoc {
            root: &doc.root,
            dir,
            helm,
            base,
        })
    }

    /// The source file of a rendered object: the file [`Model::origin`] points into. It reads
    /// no other file's YAML, so an editor's run can drop the findings of other files first.
    pub fn origin_file(&self, file: FileId, span: Span) -> FileId {
        self.rendered_doc(file, span)
            .and_then(|d| {
                if d.helm {
                    self.helm_file(file, d.root, d.dir)
                } else {
                    self.kustomize_file(d.root, d.base)
                }
            })
            .unwrap_or(file)
    }

    /// Where a position in rendered output comes from (the same position elsewhere).
    pub fn origin(&self, file: FileId, span: Span) -> (FileId, Span) {
        let Some(RenderedDoc {
            root,
            dir,
            helm,
            base,
        }) = self.rendered_doc(file, span)
        else {
            return (file, span);
        };
        let target = if helm {
            self.helm_file(file, root, dir)
                .map(|of| (of, self.helm_source(of, root)))
        } else {
            self.kustomize_file(root, base)
                .map(|of| (of, self.kustomize_source(of, root)))
        };
        let Some((of, target)) = target else {
            return (file, span);
        };
        match target {
            Some(t) => {
                let (path, key) = path_to(root, span.start);
                (of, follow(t, &path, key))
            }
            None => (of, self.helm_key_span(of, root, span)),
        }
    }

    /// The source file of a Kustomize-rendered object, from its origin annotation.
    fn kustomize_file(&self, root: &Node<'_>, base: &std::path::Path) -> Option<FileId> {
        let origin = root
            .path(&["metadata", "annotations", "config.kubernetes.io/origin"])
            .and_then(Node::str)
            .unwrap_or("");
        let field = |name: &str| {
            origin
                .lines()
                .find_map(|l| l.trim().strip_prefix(name))
                .map(|v| v.trim().trim_matches('"').to_string())
        };
        let rel = field("path:").or_else(|| field("configuredIn:"))?;
        let abs = crate::load::normalize(&base.join(&rel));
        self.ws.file_at(&abs)
    }

    /// The same object in the source file of a Kustomize-rendered one (`None` for a generated
    /// object: the finding points at the file that configures it).
    fn kustomize_source<'s>(&'s self, of: FileId, root: &Node<'_>) -> Option<&'s Node<'s>> {
        let kind = root.get("kind").and_then(Node::str);
        let name = root
            .path(&["metadata", "name"])
            .and_then(Node::str)
            .unwrap_or("");
        let same_kind: Vec<&Node<'_>> = self.files[of]
            .yaml()
            .docs
            .iter()
            .map(|d| &d.root)
            .filter(|r| r.get("kind").and_then(Node::str) == kind)
            .collect();
        // The rendered name holds the written one (kustomize adds prefixes and suffixes); of
        // several that fit (`web`, `web-certs`), the longest is the object itself.
        // (`max_by_key` keeps the last of equals: walked backwards, the first one written.)
        same_kind
            .iter()
            .rev()
            .filter_map(|r| {
                let n = r.path(&["metadata", "name"]).and_then(Node::str)?;
                (!n.is_empty() && name.contains(n)).then_some((n.len(), *r))
            })
            .max_by_key(|&(len, _)| len)
            .map(|(_, r)| r)
            .or(same_kind.first().copied())
    }

    /// The template of a Helm-rendered object: `helm template` writes
    /// `# Source: <chart>/templates/<file>` above each object.
    fn helm_file(&self, file: FileId, root: &Node<'_>, chart: &std::path::Path) -> Option<FileId> {
        let text = self.files[file].text();
        let before = &text[..root.span.start as usize];
        let src = before
            .rfind("# Source: ")
            .map(|i| before[i + 10..].lines().next().unwrap_or(""))?;
        // The first segment is the chart's name, not its directory.
        let rel = src.trim().split_once('/').map_or(src.trim(), |(_, r)| r);
        self.chart_file(chart, rel, 4)
    }

    /// A template without template syntax is YAML as written: the same object is in it.
    fn helm_source<'s>(&'s self, of: FileId, root: &Node<'_>) -> Option<&'s Node<'s>> {
        let field =
            |n: &Node<'_>, path: &[&str]| n.path(path).and_then(Node::str).map(str::to_string);
        let same = |n: &Node<'_>| {
            field(n, &["kind"]) == field(root, &["kind"])
                && field(n, &["metadata", "name"]) == field(root, &["metadata", "name"])
        };
        let source = &self.ws.files[of];
        (source.class == crate::load::FileClass::Yaml)
            .then(|| source.yaml().docs.iter().map(|d| &d.root).find(|n| same(n)))
            .flatten()
    }

    /// A chart's file, also in a `file://` dependency the renderer vendored into `charts/`.
    fn chart_file(&self, chart: &std::path::Path, rel: &str, depth: usize) -> Option<FileId> {
        let abs = crate::load::normalize(&chart.join(rel));
        if let Some(f) = self.ws.file_at(&abs) {
            return Some(f);
        }
        let (name, rest) = rel.strip_prefix("charts/")?.split_once('/')?;
        let meta = self.ws.file_at(&chart.join("Chart.yaml"))?;
        let doc = self.ws.files[meta].yaml().docs.first()?;
        let dep = doc
            .root
            .get("dependencies")
            .map(Node::items)
            .unwrap_or(&[])
            .iter()
            // `# Source:` names a subchart by its alias when it has one.
            .find(|d| d.get("alias").or_else(|| d.get("name")).and_then(Node::str) == Some(name))?;
        let dir = dep
            .get("repository")
            .and_then(Node::str)?
            .strip_prefix("file://")?;
        if depth == 0 {
            return None;
        }
        self.chart_file(&crate::load::normalize(&chart.join(dir)), rest, depth - 1)
    }

    /// In a template (not YAML): the first line that spells the key the finding is about.
    fn helm_key_span(&self, of: FileId, root: &Node<'_>, span: Span) -> Span {
        let (path, _) = path_to(root, span.start);
        let key = path.iter().rev().find_map(|s| match s {
            Seg::Key(k) => Some(k.clone()),
            Seg::Index(_) => None,
        });
        let t = self.files[of].text();
        key.and_then(|k| {
            let needle = format!("{k}:");
            t.match_indices(&needle)
                .find(|(i, _)| {
                    *i == 0
                        || t.as_bytes()[i - 1].is_ascii_whitespace()
                        || t.as_bytes()[i - 1] == b'-'
                })
                .map(|(i, _)| Span::new(i, i + k.len()))
        })
        .unwrap_or_default()
    }
}
