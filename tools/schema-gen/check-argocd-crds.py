#!/usr/bin/env python3
"""Cross-checks schemas/argocd/v1alpha1.json against upstream Argo CD CRD manifests (read-only).

    python3 check-argocd-crds.py BUNDLE.json CRD.yaml [CRD.yaml ...]

For every property path, reports:
  MISSING  the CRD has a field our strict schema rejects (a false positive waiting to happen: add it);
  EXTRA    we accept a field the CRD does not have (older/newer Argo CD, or a typo of ours);
  TYPE     the types differ;   REQUIRED  the required lists differ.
Paths where our schema is free-form (no properties) are not descended into.
Needs PyYAML.
"""
import json
import sys

import yaml


def resolve(bundle, s):
    while isinstance(s, dict) and "$ref" in s:
        extra = {k: v for k, v in s.items() if k != "$ref"}
        s = dict(bundle["$defs"][s["$ref"].split("/")[-1]], **{k: v for k, v in extra.items() if k != "type"})
    return s


def types(s):
    t = s.get("type")
    if t is None:
        if s.get("x-kubernetes-int-or-string"):
            return {"integer", "string"}
        return set()
    t = set(t) if isinstance(t, list) else {t}
    t.discard("null")
    if t == {"number"}:
        t = {"integer"}
    return t


def walk(bundle, ours, crd, path, out):
    ours = resolve(bundle, ours)
    if not isinstance(ours, dict) or not isinstance(crd, dict):
        return
    ct, ot = types(crd), types(ours)
    if ct and ot and ct != ot and not (ct == {"object"} and not ot):
        out.append(f"TYPE      {path}: crd {sorted(ct)} ours {sorted(ot)}")
    if "properties" in crd and "properties" in ours:
        cp, op = crd["properties"], ours["properties"]
        for k in sorted(set(cp) - set(op)):
            out.append(f"MISSING   {path}.{k}")
        for k in sorted(set(op) - set(cp)):
            if k not in ("apiVersion", "kind", "metadata", "status", "operation"):
                out.append(f"EXTRA     {path}.{k}")
        cr, orq = set(crd.get("required", [])), set(ours.get("required", [])) - ({"apiVersion", "kind"} if "." not in path else set())
        if cr != orq:
            out.append(f"REQUIRED  {path}: crd {sorted(cr)} ours {sorted(orq)}")
        for k in sorted(set(cp) & set(op)):
            walk(bundle, op[k], cp[k], f"{path}.{k}", out)
    elif "properties" in crd and ours.get("additionalProperties") is False:
        out.append(f"MISSING   {path}: ours has no properties")
    if "items" in crd and "items" in ours:
        walk(bundle, ours["items"], crd["items"], f"{path}[]", out)
    ca, oa = crd.get("additionalProperties"), ours.get("additionalProperties")
    if isinstance(ca, dict) and isinstance(oa, dict):
        walk(bundle, oa, ca, f"{path}{{}}", out)


def main():
    bundle = json.load(open(sys.argv[1]))
    for path in sys.argv[2:]:
        for crd in yaml.safe_load_all(open(path)):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            kind = crd["spec"]["names"]["kind"]
            for version in crd["spec"]["versions"]:
                key = f'{crd["spec"]["group"]}/{version["name"]}/{kind}'
                if key not in bundle["kinds"]:
                    print(f"no schema for {key}")
                    continue
                out = []
                walk(bundle, bundle["kinds"][key], version["schema"]["openAPIV3Schema"], kind, out)
                print(f"== {key}: {len(out)} differences")
                for line in out:
                    print("  " + line)


if __name__ == "__main__":
    main()
