//! `file://` URIs and paths. Only local files are linted; any other scheme is ignored.

use std::path::{Path, PathBuf};

use lsp_types::Uri;

/// The path of a `file://` URI (percent-decoded), or `None` for another scheme.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // `file://host/path` names another machine; `file:///path` and `file://localhost/path` this one.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = decode(path)?;
    let text = String::from_utf8(bytes).ok()?;
    Some(crate::load::normalize(Path::new(&text)))
}

fn decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The `file://` URI of an absolute path, with every byte outside the unreserved set and `/`
/// percent-encoded.
pub fn from_path(path: &Path) -> Uri {
    let mut s = String::from("file://");
    for &c in path.to_string_lossy().as_bytes() {
        if c.is_ascii_alphanumeric() || b"-._~/".contains(&c) {
            s.push(c as char);
        } else {
            s.push_str(&format!("%{c:02X}"));
        }
    }
    // Every byte is now a valid URI character, so this parses; the fallback is never taken.
    s.parse()
        .unwrap_or_else(|_| "file:///".parse().expect("a constant URI"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let p = Path::new("/tmp/a dir/ü#x.yaml");
        let u = from_path(p);
        assert_eq!(u.as_str(), "file:///tmp/a%20dir/%C3%BC%23x.yaml");
        assert_eq!(to_path(&u).as_deref(), Some(p));
        let other: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(to_path(&other), None);
    }
}
