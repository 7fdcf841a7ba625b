//! The git facts a run needs: the work tree that holds an input, and that repository's remotes
//! (Applications whose `repoURL` names this repository read their paths from the checkout).

use std::path::{Path, PathBuf};

/// The nearest ancestor of `dir` (itself included) that holds `.git` (a directory, or the file a
/// worktree or submodule has).
pub fn root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|a| a.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The git directory of a work tree: `.git`, or where a `.git` file (`gitdir: …`) points; for a
/// linked worktree, the common directory that holds `config`.
fn git_dir(root: &Path) -> Option<PathBuf> {
    let dot = root.join(".git");
    let dir = if dot.is_dir() {
        dot
    } else {
        let text = std::fs::read_to_string(&dot).ok()?;
        let target = text.trim().strip_prefix("gitdir:")?.trim();
        let p = Path::new(target);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            root.join(p)
        }
    };
    match std::fs::read_to_string(dir.join("commondir")) {
        Ok(common) => {
            let c = Path::new(common.trim());
            Some(if c.is_absolute() {
                c.to_path_buf()
            } else {
                dir.join(c)
            })
        }
        Err(_) => Some(dir),
    }
}

/// The remote URLs of the repository at `root`, normalised.
pub fn remotes(root: &Path) -> Vec<String> {
    let Some(dir) = git_dir(root) else {
        return Vec::new();
    };
    let Ok(text) = std::fs::read_to_string(dir.join("config")) else {
        return Vec::new();
    };
    config_urls(&text)
        .map(crate::model::repo::normalize_url)
        .collect()
}

/// `url = …` lines of `[remote "…"]` sections.
fn config_urls(text: &str) -> impl Iterator<Item = &str> {
    let mut in_remote = false;
    text.lines().filter_map(move |l| {
        let t = l.trim();
        if t.starts_with('[') {
            in_remote = t.starts_with("[remote");
            return None;
        }
        if !in_remote {
            return None;
        }
        let (k, v) = t.split_once('=')?;
        (k.trim() == "url").then(|| v.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::config_urls;

    #[test]
    fn urls_of_remote_sections_only() {
        let cfg = "[core]\n\turl = nope\n[remote \"origin\"]\n\turl = https://github.com/a/b.git\n\tfetch = +refs/heads/*\n[branch \"main\"]\n\tremote = origin\n";
        assert_eq!(
            config_urls(cfg).collect::<Vec<_>>(),
            vec!["https://github.com/a/b.git"]
        );
    }
}
