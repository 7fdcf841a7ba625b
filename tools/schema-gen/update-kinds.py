#!/usr/bin/env python3
"""Rewrites src/kinds.rs from the k8s-openapi sources cargo resolved (run after bumping k8s-openapi).

    python3 update-kinds.py

Every `impl crate::Resource for T` under k8s-openapi/src/v1_NN/ becomes `r.add::<k8s_openapi::...::T>();`, gated
with `#[cfg(any(feature = "v1_NN", ...))]` when not every version has it. Features not in Cargo.toml's [features]
must be added there by hand (one per k8s-openapi version feature).
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# Not manifests: discovery/meta types and subresources.
SKIP = re.compile(
    r"^apimachinery/pkg/apis/meta/v1::|^api/autoscaling/v1::Scale$|^api/policy/v1::Eviction$|"
    r"^api/authentication/v1::TokenRequest$"
)


def k8s_openapi_src():
    meta = json.loads(subprocess.check_output(
        ["cargo", "metadata", "--format-version", "1", "--features", "v1_35"], cwd=HERE))
    for p in meta["packages"]:
        if p["name"] == "k8s-openapi":
            return os.path.join(os.path.dirname(p["manifest_path"]), "src")
    sys.exit("k8s-openapi not found in cargo metadata")


def main():
    src = k8s_openapi_src()
    versions = sorted(int(d[3:]) for d in os.listdir(src) if re.fullmatch(r"v1_\d+", d))
    found = {}
    for v in versions:
        root = os.path.join(src, f"v1_{v}")
        for dirpath, _, files in os.walk(root):
            for f in files:
                text = open(os.path.join(dirpath, f)).read()
                for t in re.findall(r"impl crate::Resource for (\w+)", text):
                    path = os.path.relpath(dirpath, root).replace(os.sep, "/") + "::" + t
                    if not SKIP.search(path):
                        found.setdefault(path, []).append(v)
    lines = [
        "// Every top-level kind in k8s-openapi 0.29 that a manifest can carry, per Kubernetes version.",
        "// Derived from `impl crate::Resource for` in k8s-openapi/src/v1_*/ (see README.md, \"Updating the kind list\").",
        "// Left out: discovery/meta types (APIGroup, APIGroupList, APIResourceList, APIVersions, Status) and the",
        "// subresources autoscaling/v1 Scale, policy/v1 Eviction and authentication/v1 TokenRequest.",
        "",
        "use crate::Registry;",
        "",
        "#[rustfmt::skip]",
        "pub fn register(r: &mut Registry) {",
    ]
    for path in sorted(found):
        vs = sorted(found[path])
        if vs != versions:
            cfg = ", ".join(f'feature = "v1_{v}"' for v in vs)
            lines.append(f"    #[cfg(any({cfg}))]" if len(vs) > 1 else f"    #[cfg({cfg})]")
        lines.append(f"    r.add::<k8s_openapi::{path.replace('/', '::')}>();")
    lines.append("}")
    with open(os.path.join(HERE, "src", "kinds.rs"), "w") as out:
        out.write("\n".join(lines) + "\n")
    print(f"src/kinds.rs: {len(found)} kinds over versions {versions}")


if __name__ == "__main__":
    main()
