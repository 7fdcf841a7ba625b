"""Build a Python wheel that carries the synclint binary (as ruff's and zizmor's wheels do).

The wheel holds no Python code: the binary goes to `synclint-<version>.data/scripts/`, which pip
installs into the environment's `bin/` (`Scripts\\` on Windows). That is what pre-commit's
`language: python` hook runs, so the hook installs without a Rust toolchain.

Two ways in:

* PEP 517 backend (`pyproject.toml` names it with `backend-path = ["python"]`; standard library
  only, so pip needs nothing from an index to build). `pip install .` (and pre-commit) take the
  binary from, in order:
    1. `SYNCLINT_BINARY`: a binary built here (`cargo build --release --locked`);
    2. the GitHub release for this version (Cargo.toml's), checksum-verified. The base URL is
       `SYNCLINT_DOWNLOAD_BASE` (default https://github.com/synclint/synclint/releases/download;
       a `file://` URL works, as the tests use);
    3. when there is no such release (a branch, an unreleased commit) and cargo is installed:
       `cargo build --release --locked`.
  A checksum mismatch is an error, never a reason to fall back.
* Command line, for the release workflow: `python3 python/synclint_build.py wheel --binary PATH
  --target TRIPLE --out DIR` builds the wheel for a release target with its platform tags.
"""

import base64
import hashlib
import io
import os
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import urllib.error
import urllib.request
import zipfile

NAME = "synclint"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BASE = "https://github.com/synclint/synclint/releases/download"
SUMMARY = "Find Argo CD sync failures in Kubernetes manifests before they reach the cluster"

# Release targets and the wheel platform tags they run on. The Linux binaries are static (musl),
# so they run on any glibc or musl distribution.
PLATFORM_TAGS = {
    "x86_64-unknown-linux-musl": "manylinux_2_17_x86_64.manylinux2014_x86_64.musllinux_1_2_x86_64",
    "aarch64-unknown-linux-musl": "manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_2_aarch64",
    "x86_64-apple-darwin": "macosx_10_12_x86_64",
    "aarch64-apple-darwin": "macosx_11_0_arm64",
    "x86_64-pc-windows-msvc": "win_amd64",
}


class BuildError(Exception):
    pass


def version():
    """The package version of Cargo.toml (the `[package]` table's `version`)."""
    with open(os.path.join(ROOT, "Cargo.toml"), encoding="utf-8") as f:
        text = f.read()
    package = text.split("[package]", 1)[1].split("\n[", 1)[0]
    m = re.search(r'^version\s*=\s*"([^"]+)"', package, re.M)
    if not m:
        raise BuildError("no version in Cargo.toml")
    return m.group(1)


def host_target():
    """The release target that runs here, or None."""
    system = platform.system()
    machine = platform.machine().lower()
    arch = {"amd64": "x86_64", "x86_64": "x86_64", "arm64": "aarch64", "aarch64": "aarch64"}.get(
        machine
    )
    if arch is None:
        return None
    if system == "Linux":
        return f"{arch}-unknown-linux-musl"
    if system == "Darwin":
        return f"{arch}-apple-darwin"
    if system == "Windows" and arch == "x86_64":
        return "x86_64-pc-windows-msvc"
    return None


def host_platform_tag():
    """The most specific tag for this machine, for a binary built here."""
    return re.sub(r"[-.]", "_", sysconfig.get_platform())


def _fetch(url):
    """The bytes at `url`, or None when there is nothing there (no such release)."""
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.read()
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return None
        raise BuildError(f"download failed: {url}: HTTP {e.code}") from e
    except urllib.error.URLError as e:
        # file:// URLs report a missing file as a URLError wrapping FileNotFoundError.
        if isinstance(e.reason, FileNotFoundError) or "No such file" in str(e.reason):
            return None
        raise BuildError(f"download failed: {url}: {e.reason}") from e


def download(target, ver, base=None):
    """The binary of release `ver` for `target`, checksum-verified; None if there is no release."""
    base = (base or os.environ.get("SYNCLINT_DOWNLOAD_BASE") or DEFAULT_BASE).rstrip("/")
    ext = "zip" if "windows" in target else "tar.gz"
    archive = f"{NAME}-{target}.{ext}"
    url = f"{base}/v{ver}/{archive}"
    data = _fetch(url)
    if data is None:
        return None
    sums = _fetch(url + ".sha256")
    if sums is None:
        raise BuildError(f"{url}.sha256 is missing: refusing an unverified binary")
    want = sums.decode("ascii", "replace").split()[0].lower() if sums.split() else ""
    got = hashlib.sha256(data).hexdigest()
    if want != got:
        raise BuildError(f"checksum mismatch for {archive}: expected {want}, got {got}")
    member = f"{NAME}-{target}/{NAME}" + (".exe" if "windows" in target else "")
    try:
        if ext == "zip":
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                return z.read(member)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as t:
            f = t.extractfile(member)
            if f is None:
                raise KeyError(member)
            return f.read()
    except (KeyError, zipfile.BadZipFile, tarfile.TarError) as e:
        raise BuildError(f"{archive} has no {member}") from e


def cargo_build():
    """`cargo build --release --locked` in the repository; the binary's bytes, or None."""
    cargo = shutil.which("cargo")
    if cargo is None or not os.path.isfile(os.path.join(ROOT, "Cargo.lock")):
        return None
    print("synclint: no release binary for this version; building with cargo", file=sys.stderr)
    target_dir = os.path.join(ROOT, "target")
    subprocess.run(
        [cargo, "build", "--release", "--locked", "--target-dir", target_dir],
        cwd=ROOT,
        check=True,
    )
    exe = ".exe" if os.name == "nt" else ""
    with open(os.path.join(target_dir, "release", NAME + exe), "rb") as f:
        return f.read()


def _record_hash(data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={digest.decode()}"


def _readme():
    try:
        with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
            return f.read()
    except OSError:
        return SUMMARY


def metadata(ver):
    return (
        "Metadata-Version: 2.1\n"
        f"Name: {NAME}\n"
        f"Version: {ver}\n"
        f"Summary: {SUMMARY}\n"
        "Home-page: https://github.com/synclint/synclint\n"
        "License: Apache-2.0\n"
        "Keywords: argocd,kubernetes,gitops,linter,helm\n"
        "Classifier: License :: OSI Approved :: Apache Software License\n"
        "Classifier: Programming Language :: Rust\n"
        "Classifier: Topic :: Software Development :: Quality Assurance\n"
        "Requires-Python: >=3.7\n"
        "Description-Content-Type: text/markdown\n"
        "\n" + _readme()
    )


def write_wheel(binary, ver, plat, out_dir, windows=False):
    """Write the wheel; return its file name."""
    tags = [f"py3-none-{p}" for p in plat.split(".")]
    name = f"{NAME}-{ver}-py3-none-{plat}.whl"
    dist_info = f"{NAME}-{ver}.dist-info"
    script = f"{NAME}-{ver}.data/scripts/{NAME}" + (".exe" if windows else "")
    wheel = "Wheel-Version: 1.0\nGenerator: synclint_build\nRoot-Is-Purelib: false\n" + "".join(
        f"Tag: {t}\n" for t in tags
    )
    with open(os.path.join(ROOT, "LICENSE"), "rb") as f:
        license_text = f.read()
    files = [
        (script, binary, 0o755),
        (f"{dist_info}/METADATA", metadata(ver).encode(), 0o644),
        (f"{dist_info}/WHEEL", wheel.encode(), 0o644),
        (f"{dist_info}/licenses/LICENSE", license_text, 0o644),
    ]
    record = "".join(f"{p},{_record_hash(d)},{len(d)}\n" for p, d, _ in files)
    record += f"{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode(), 0o644))
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for p, data, mode in files:
            info = zipfile.ZipInfo(p, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return name


# --- PEP 517 hooks ---------------------------------------------------------------------------


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    ver = version()
    local = os.environ.get("SYNCLINT_BINARY")
    windows = os.name == "nt"
    if local:
        with open(local, "rb") as f:
            binary = f.read()
        return write_wheel(binary, ver, host_platform_tag(), wheel_directory, windows)
    target = host_target()
    binary = download(target, ver) if target else None
    if binary is not None:
        return write_wheel(binary, ver, PLATFORM_TAGS[target], wheel_directory, windows)
    binary = cargo_build()
    if binary is None:
        raise BuildError(
            f"no synclint {ver} release binary for this platform "
            f"({platform.system()} {platform.machine()}) and no cargo to build one: "
            "use the `synclint-rust` or `synclint-system` pre-commit hook, "
            "or set SYNCLINT_BINARY to a synclint binary"
        )
    return write_wheel(binary, ver, host_platform_tag(), wheel_directory, windows)


def build_sdist(sdist_directory, config_settings=None):
    """The sources a wheel can be built from (with cargo, when there is no release)."""
    ver = version()
    base = f"{NAME}-{ver}"
    name = f"{base}.tar.gz"
    os.makedirs(sdist_directory, exist_ok=True)
    keep = ["pyproject.toml", "Cargo.toml", "Cargo.lock", "LICENSE", "README.md", "CHANGELOG.md"]
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as t:
        for f in keep:
            t.add(os.path.join(ROOT, f), f"{base}/{f}")
        for d in ["python", "src", "rules", "schemas"]:
            t.add(
                os.path.join(ROOT, d),
                f"{base}/{d}",
                filter=lambda i: None if "__pycache__" in i.name else i,
            )
        pkg_info = metadata(ver).encode()
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        info.size = len(pkg_info)
        t.addfile(info, io.BytesIO(pkg_info))
    return name


# --- command line (the release workflow) -----------------------------------------------------


def main(argv):
    import argparse

    p = argparse.ArgumentParser(prog="synclint_build.py")
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("wheel", help="build the wheel of a release target from its binary")
    w.add_argument("--binary", required=True)
    w.add_argument("--target", required=True, choices=sorted(PLATFORM_TAGS))
    w.add_argument("--out", required=True)
    sub.add_parser("version", help="print the version (Cargo.toml's)")
    a = p.parse_args(argv)
    try:
        if a.cmd == "version":
            print(version())
            return 0
        with open(a.binary, "rb") as f:
            binary = f.read()
        name = write_wheel(
            binary, version(), PLATFORM_TAGS[a.target], a.out, "windows" in a.target
        )
        print(os.path.join(a.out, name))
        return 0
    except (BuildError, OSError) as e:
        print(f"synclint_build: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
