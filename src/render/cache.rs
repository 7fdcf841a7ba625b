//! The render cache: outputs keyed by a SHA-256 of everything the build reads (each input file's
//! path and bytes, the job's parameters, the tool's identity), in the user's cache directory —
//! never in the repository. Entries are written to a temporary file and renamed into place, so
//! concurrent runs never see half an entry; an entry that does not read back is ignored.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::Raw;
use super::sandbox::Tool;
use crate::load::Workspace;
use crate::model::jobs::Job;

/// Bump when the entry format or the meaning of a key changes.
const FORMAT: &str = "synclint-render-cache-v5";

/// `$XDG_CACHE_HOME/synclint` (or the platform's cache directory), `SYNCLINT_CACHE_DIR` if set.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("SYNCLINT_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    dirs::cache_dir().map(|d| d.join("synclint"))
}

fn tool_identity(tool: &Tool) -> String {
    let meta = std::fs::metadata(&tool.path).ok();
    let mtime = meta
        .as_ref()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    format!(
        "{} {} {} {}",
        tool.path.display(),
        tool.subcommand,
        meta.map_or(0, |m| m.len()),
        mtime
    )
}

/// The SHA-256 of each workspace file's text, computed on first use and shared by every job
/// (a base is an input of each overlay that includes it).
pub struct Digests(Vec<std::sync::OnceLock<[u8; 32]>>);

impl Digests {
    pub fn new(ws: &Workspace) -> Digests {
        Digests((0..ws.files.len()).map(|_| Default::default()).collect())
    }

    fn of(&self, ws: &Workspace, f: crate::load::FileId) -> &[u8; 32] {
        self.0[f].get_or_init(|| Sha256::digest(ws.files[f].text().as_bytes()).into())
    }
}

/// The key of a job: any change to what the build reads gives another key.
pub fn key(
    ws: &Workspace,
    digests: &Digests,
    job: &Job,
    tool: &Tool,
    kube_version: Option<&str>,
    parse_limits: &crate::load::yaml::ParseLimits,
) -> String {
    let mut h = Sha256::new();
    let mut field = |b: &[u8]| {
        h.update((b.len() as u64).to_le_bytes());
        h.update(b);
    };
    field(FORMAT.as_bytes());
    field(tool_identity(tool).as_bytes());
    field(format!("{:?}", job.kind).as_bytes());
    field(kube_version.unwrap_or("").as_bytes());
    // The stored parse is made within these limits.
    field(format!("{} {}", parse_limits.depth, parse_limits.alias_nodes).as_bytes());
    field(job.dir.to_string_lossy().as_bytes());
    for &f in &job.inputs {
        let file = &ws.files[f];
        field(file.path.to_string_lossy().as_bytes());
        field(digests.of(ws, f));
    }
    for p in &job.extra_inputs {
        field(p.to_string_lossy().as_bytes());
        // Unreadable or huge: the path alone (a change to it is then not noticed, which only
        // costs a stale render of a file the build could not read either).
        match std::fs::metadata(p) {
            Ok(m) if m.len() <= 8 * 1024 * 1024 => {
                field(&std::fs::read(p).unwrap_or_default());
            }
            _ => field(b"?"),
        }
    }
    let digest = h.finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn entry(dir: &Path, key: &str) -> PathBuf {
    dir.join("render").join(&key[..2]).join(&key[2..])
}

/// A cached result, if a whole entry is there. An output entry is its header line (with the
/// text's length), the text, then the parse of the text in `load::codec` form.
pub fn get(dir: &Path, key: &str) -> Option<Raw> {
    let mut bytes = std::fs::read(entry(dir, key)).ok()?;
    let nl = bytes.iter().position(|&b| b == b'\n')?;
    let head = std::str::from_utf8(&bytes[..nl]).ok()?;
    let rest = head.strip_prefix(FORMAT)?.strip_prefix(' ')?;
    let (kind, arg) = rest.split_once(' ').unwrap_or((rest, ""));
    match kind {
        "output" => {
            let (len, origin) = arg.split_once(' ')?;
            let len: usize = len.parse().ok()?;
            let origin_base = PathBuf::from(unescape(origin));
            let end = (nl + 1).checked_add(len).filter(|&e| e <= bytes.len())?;
            let tree = bytes.split_off(end);
            bytes.drain(..=nl);
            Some(Raw::Output {
                text: String::from_utf8(bytes).ok()?,
                origin_base,
                tree: (!tree.is_empty()).then_some(tree),
            })
        }
        "failed" => Some(Raw::Failed(
            String::from_utf8(bytes.split_off(nl + 1)).ok()?,
        )),
        _ => None,
    }
}

/// Store a result; any failure to write is ignored (the cache is an optimisation).
pub fn put(dir: &Path, key: &str, raw: &Raw) {
    let (head, body, tree) = match raw {
        Raw::Output {
            text,
            origin_base,
            tree,
        } => (
            format!(
                "{FORMAT} output {} {}",
                text.len(),
                escape(&origin_base.to_string_lossy())
            ),
            text.as_str(),
            tree.as_deref().unwrap_or_default(),
        ),
        Raw::Failed(m) => (format!("{FORMAT} failed"), m.as_str(), &[][..]),
        Raw::Blocked(_) | Raw::Skipped(_) => return,
    };
    let path = entry(dir, key);
    let Some(parent) = path.parent() else { return };
    if std::fs::create_dir_all(parent).is_err() {
        return;
    }
    let Ok(mut tmp) = tempfile::NamedTempFile::new_in(parent) else {
        return;
    };
    let ok = tmp.write_all(head.as_bytes()).is_ok()
        && tmp.write_all(b"\n").is_ok()
        && tmp.write_all(body.as_bytes()).is_ok()
        && tmp.write_all(tree).is_ok();
    if ok {
        let _ = tmp.persist(&path);
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\n', "\\n")
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_garbage_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let key = "ab".repeat(32);
        put(
            dir.path(),
            &key,
            &Raw::Output {
                text: "a: 1\n".into(),
                origin_base: PathBuf::from("/tmp/x y"),
                tree: Some(vec![1, 2, 3]),
            },
        );
        match get(dir.path(), &key) {
            Some(Raw::Output {
                text,
                origin_base,
                tree,
            }) => {
                assert_eq!(text, "a: 1\n");
                assert_eq!(origin_base, PathBuf::from("/tmp/x y"));
                assert_eq!(tree, Some(vec![1, 2, 3]));
            }
            other => panic!("{other:?}"),
        }
        std::fs::write(entry(dir.path(), &key), b"\xff\xfe garbage").unwrap();
        assert!(get(dir.path(), &key).is_none());
        assert!(get(dir.path(), &"cd".repeat(32)).is_none());
    }
}
