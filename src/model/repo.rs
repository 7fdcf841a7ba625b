//! Git repository URLs, the two ways Argo CD compares them:
//!
//! - [`normalize_url`]: *which repository* — protocol, credentials, case and a `.git` suffix do
//!   not matter (`https://github.com/o/r` and `git@github.com:o/r.git` are the same
//!   checkout). Used to tell whether an Application reads this repository.
//! - [`argo_normalize`]: `git.NormalizeGitURL`, what AppProject `sourceRepos` globs are matched
//!   against — the protocol stays, so an HTTPS pattern does not admit an SSH URL.

/// `https://Host/Org/repo.git/` and `git@host:org/Repo` → `host/org/repo`.
pub fn normalize_url(url: &str) -> String {
    let u = url.trim().trim_end_matches('/');
    let u = u.strip_suffix(".git").unwrap_or(u);
    let u = match u.split_once("://") {
        Some((_, rest)) => rest.to_string(),
        None => match u.split_once('@') {
            Some((_, rest)) => rest.replacen(':', "/", 1),
            None => u.to_string(),
        },
    };
    let u = u
        .rsplit_once('@')
        .map_or(u.as_str(), |(_, h)| h)
        .to_string();
    let (host, path) = u.split_once('/').unwrap_or((&u, ""));
    // `host:22/org/repo` (ssh:// with a port) is the same repository as `host/org/repo`.
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    if path.is_empty() {
        host
    } else {
        // Argo CD compares URLs lower-cased (`git.NormalizeGitURL`), and Git hosts resolve
        // `Org/Repo` and `org/repo` to one repository.
        format!("{host}/{}", path.to_lowercase())
    }
}

/// `git.NormalizeGitURL`: lower case, `git@host:path` as `git@host/path`, no `ssh://`, no `.git`
/// suffix, no trailing `/`.
pub fn argo_normalize(repo: &str) -> String {
    let mut r = repo.trim().to_lowercase();
    let ssh = r.starts_with("ssh://")
        || (!r.starts_with("http://") && !r.starts_with("https://") && {
            // ^(ssh://)?([^/:]*?)@[^@]+$
            match r.find('@') {
                Some(at) => {
                    !r[..at].contains(['/', ':']) && !r[at + 1..].contains('@') && at + 1 < r.len()
                }
                None => false,
            }
        });
    if ssh && !r.starts_with("ssh://") {
        r = r.replacen(':', "/", 1);
    }
    let mut r = r.strip_prefix("ssh://").unwrap_or(&r).to_string();
    while r.ends_with('/') {
        r.pop();
    }
    if let Some(s) = r.strip_suffix(".git") {
        r = s.to_string();
    }
    while r.ends_with('/') {
        r.pop();
    }
    r
}

/// A `repoURL` to fill in, not an address: `__REPO_URL__`, `${GIT_URL}`, `<your-fork>`,
/// `FORKED_REPO_PLACEHOLDER.git`, `patch-me` — neither a URL, an SCP-style address nor a registry
/// host (`registry-1.docker.io/charts`). A generator's `{{ … }}` is not one: it is filled per
/// generated Application.
pub fn placeholder_url(u: &str) -> bool {
    let u = u.trim();
    if u.is_empty() || u.contains("{{") {
        return false;
    }
    if crate::model::project::templated(u) {
        return true;
    }
    let bare = u.strip_suffix(".git").unwrap_or(u);
    let host = bare.split('/').next().unwrap_or("");
    !u.contains("://") && !u.contains('@') && !host.contains('.') && !host.starts_with("localhost")
}

/// A URL one or two edits away from one of `known` (same host): a typo of this repository.
pub fn near_miss<'k>(url: &str, known: &'k [String]) -> Option<&'k str> {
    let n = normalize_url(url);
    let (host, path) = n.split_once('/')?;
    known.iter().map(String::as_str).find(|k| {
        let Some((kh, kp)) = k.split_once('/') else {
            return false;
        };
        if kh != host || kp == path {
            return false;
        }
        let d = crate::rules::edit_distance(&kp.to_ascii_lowercase(), &path.to_ascii_lowercase());
        (1..=2).contains(&d) && kp.len() >= 6
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity() {
        for u in [
            "https://github.com/Org/Repo.git",
            "https://github.com/Org/Repo/",
            "git@github.com:Org/Repo.git",
            "ssh://git@github.com/Org/Repo",
            "ssh://git@GitHub.com:22/Org/Repo",
            "https://user:token@github.com/Org/Repo",
            "https://github.com/org/repo",
        ] {
            assert_eq!(normalize_url(u), "github.com/org/repo", "{u}");
        }
    }

    #[test]
    fn argo_keeps_the_protocol() {
        assert_eq!(
            argo_normalize("https://GitHub.com/Org/Repo.git"),
            "https://github.com/org/repo"
        );
        assert_eq!(
            argo_normalize("https://github.com/org/repo/"),
            "https://github.com/org/repo"
        );
        assert_eq!(
            argo_normalize("git@github.com:org/repo.git"),
            "git@github.com/org/repo"
        );
        assert_eq!(
            argo_normalize("ssh://git@github.com/org/repo"),
            "git@github.com/org/repo"
        );
    }

    #[test]
    fn typos_of_this_repository() {
        let known = vec!["github.com/acme/catalog".to_string()];
        assert_eq!(
            near_miss("https://github.com/acme/catlog.git", &known),
            Some("github.com/acme/catalog")
        );
        assert_eq!(near_miss("https://github.com/acme/catalog", &known), None);
        assert_eq!(near_miss("https://github.com/other/thing", &known), None);
    }
}
