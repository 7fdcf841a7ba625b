//! Writing a fixed file: only if it still holds what was linted, and atomically (a temporary
//! file in the same directory, renamed over it), keeping its permissions.

use std::io::Write;
use std::path::Path;

#[derive(Debug)]
pub enum WriteError {
    /// The file no longer holds the text that was linted (an editor or another tool wrote it).
    Changed,
    Io(std::io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Changed => f.write_str("changed since it was read; not fixed"),
            WriteError::Io(e) => write!(f, "{e}; not fixed"),
        }
    }
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> Self {
        WriteError::Io(e)
    }
}

/// Replace the file at `path` with `new` if it still holds exactly `expected`. A symlink is
/// followed: its target is rewritten, the link stays.
pub fn write_if_unchanged(path: &Path, expected: &str, new: &str) -> Result<(), WriteError> {
    let real = std::fs::canonicalize(path)?;
    let dir = real.parent().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "no parent directory")
    })?;
    let unchanged =
        || -> Result<bool, WriteError> { Ok(std::fs::read(&real)? == expected.as_bytes()) };
    if !unchanged()? {
        return Err(WriteError::Changed);
    }
    let perms = std::fs::metadata(&real)?.permissions();
    let mut tmp = tempfile::Builder::new()
        .prefix(".synclint-fix-")
        .tempfile_in(dir)?;
    tmp.write_all(new.as_bytes())?;
    tmp.as_file().set_permissions(perms)?;
    tmp.as_file().sync_all()?;
    // Checked again as late as possible: the window left is the rename itself.
    if !unchanged()? {
        return Err(WriteError::Changed);
    }
    tmp.persist(&real).map_err(|e| WriteError::Io(e.error))?;
    Ok(())
}
