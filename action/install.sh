#!/usr/bin/env bash
# Install the synclint binary for the GitHub Action: the release binary of the action's own
# version (Cargo.toml's), checksum-verified; built from source only when that release does not
# exist (a branch or an unreleased commit). Runnable locally too (tests/action.rs does).
#
# Environment (all optional):
#   GITHUB_ACTION_PATH      the action's checkout (default: this script's parent directory)
#   SYNCLINT_VERSION        the version to install (default: Cargo.toml's)
#   SYNCLINT_DOWNLOAD_BASE  release download base (default: the GitHub releases of
#                           synclint/synclint); the files are <base>/v<version>/<archive> and
#                           <archive>.sha256. Any URL curl reads, file:// included.
#   SYNCLINT_INSTALL_DIR    where the downloaded binary goes (default: $RUNNER_TEMP/synclint-<v>)
#   SYNCLINT_BUILD_ROOT     `cargo install --root` for the source build (action.yml caches it)
#   RUNNER_OS, RUNNER_ARCH  set by the runner; otherwise taken from uname
#   GITHUB_OUTPUT           receives bin=<path> and source=release|cache|cargo
# Prints the binary's path on stdout. A checksum mismatch is an error, never a fallback.
set -euo pipefail

here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
action="${GITHUB_ACTION_PATH:-$(dirname -- "$here")}"
out_file="${GITHUB_OUTPUT:-/dev/null}"

fail() {
  echo "synclint install: $*" >&2
  exit 1
}

version="${SYNCLINT_VERSION:-}"
if [[ -z "$version" ]]; then
  version="$(sed -n '/^\[package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' "$action/Cargo.toml" | head -1)"
fi
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] || fail "bad version: '$version'"

os="${RUNNER_OS:-$(uname -s)}"
arch="${RUNNER_ARCH:-$(uname -m)}"
case "$arch" in
  X64 | x86_64 | amd64) arch=x86_64 ;;
  ARM64 | aarch64 | arm64) arch=aarch64 ;;
  *) arch="" ;;
esac
exe=""
ext="tar.gz"
case "$os" in
  Linux) target="${arch:+$arch-unknown-linux-musl}" ;;
  macOS | Darwin) target="${arch:+$arch-apple-darwin}" ;;
  Windows | MINGW* | MSYS* | CYGWIN*)
    target=""
    if [[ "$arch" == x86_64 ]]; then
      target="x86_64-pc-windows-msvc"
    fi
    exe=".exe"
    ext="zip"
    ;;
  *) target="" ;;
esac

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum -- "$1" | cut -d' ' -f1
  else
    shasum -a 256 -- "$1" | cut -d' ' -f1
  fi
}

# Does `$1 --version` say this version?
is_version() {
  [[ -x "$1" ]] && [[ "$("$1" --version 2>/dev/null)" == "synclint $version" ]]
}

done_with() {
  echo "bin=$1" >>"$out_file"
  echo "source=$2" >>"$out_file"
  echo "synclint install: synclint $version from $2: $1" >&2
  echo "$1"
  exit 0
}

# --- 1. the release ----------------------------------------------------------------------------
# curl's exit codes for "nothing there": 22 (HTTP error, with -f; a 404 checked below) and 37
# (a file:// URL that does not exist).
if [[ -n "$target" ]]; then
  base="${SYNCLINT_DOWNLOAD_BASE:-https://github.com/synclint/synclint/releases/download}"
  archive="synclint-$target.$ext"
  url="${base%/}/v$version/$archive"
  dest="${SYNCLINT_INSTALL_DIR:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/synclint-$version}"
  if is_version "$dest/synclint$exe"; then
    done_with "$dest/synclint$exe" release
  fi
  work="$(mktemp -d)"
  trap 'rm -rf -- "$work"' EXIT
  status=0
  http="$(curl -sL --retry 3 --proto '=https,file' -w '%{http_code}' -o "$work/$archive" -- "$url")" ||
    status=$?
  if [[ $status -eq 0 && "$http" =~ ^(2..|000)$ ]]; then
    curl -fsSL --retry 3 --proto '=https,file' -o "$work/$archive.sha256" -- "$url.sha256" ||
      fail "$url.sha256 could not be downloaded: refusing an unverified binary"
    want="$(cut -d' ' -f1 <"$work/$archive.sha256" | tr 'A-F' 'a-f')"
    got="$(sha256 "$work/$archive")"
    [[ -n "$want" && "$want" == "$got" ]] ||
      fail "checksum mismatch for $archive: expected '$want', got '$got'"
    mkdir -p "$work/x"
    if [[ "$ext" == zip ]]; then
      unzip -q "$work/$archive" -d "$work/x"
    else
      tar -xzf "$work/$archive" -C "$work/x"
    fi
    bin="$work/x/synclint-$target/synclint$exe"
    [[ -f "$bin" ]] || fail "$archive has no synclint-$target/synclint$exe"
    mkdir -p "$dest"
    mv -f -- "$bin" "$dest/synclint$exe"
    chmod +x "$dest/synclint$exe"
    is_version "$dest/synclint$exe" || fail "the downloaded binary does not report synclint $version"
    done_with "$dest/synclint$exe" release
  elif [[ ($status -eq 0 && "$http" == 404) || $status -eq 37 ]]; then
    echo "synclint install: no release v$version for $target ($url); building from source" >&2
  else
    fail "download failed: $url (curl exit $status, HTTP ${http:-none})"
  fi
else
  echo "synclint install: no release binary for $os/${RUNNER_ARCH:-$(uname -m)}; building from source" >&2
fi

# --- 2. build from the action's source -----------------------------------------------------------
root="${SYNCLINT_BUILD_ROOT:-$HOME/.cache/synclint-action/build}"
root="${root/#\~/$HOME}" # a `~` from action.yml's env is not expanded there
if is_version "$root/bin/synclint$exe"; then
  done_with "$root/bin/synclint$exe" cache
fi
command -v cargo >/dev/null 2>&1 ||
  fail "no release v$version and no cargo to build synclint: pin the action to a release tag, or install a Rust toolchain before this step"
cargo install --locked --force --root "$root" --path "$action" >&2
is_version "$root/bin/synclint$exe" || fail "cargo install did not produce synclint $version"
done_with "$root/bin/synclint$exe" cargo
