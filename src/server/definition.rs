//! Go to definition: from a pod's reference (`serviceAccountName`, `configMapKeyRef.name`,
//! `secretKeyRef.name`, volumes' `configMap`/`secret`/`persistentVolumeClaim`, …) to the objects
//! of that kind and name in the tree. The references are the model's (`Resource::pod_refs`, the
//! same edges the plan orders by); the targets are the plan index's objects.

use lsp_types as lsp;

use crate::load::FileId;
use crate::load::yaml::Node;
use crate::model::Resource;

use super::convert;
use super::state::State;

fn resources<'a>(
    file: FileId,
    doc: usize,
    root: &'a Node<'a>,
    text: &str,
    out: &mut Vec<Resource<'a>>,
) {
    let kind = root.get("kind").and_then(Node::str);
    if kind.is_some_and(|k| k.ends_with("List")) && root.get("items").is_some() {
        for i in root.get("items").map(Node::items).unwrap_or(&[]) {
            resources(file, doc, i, text, out);
        }
        return;
    }
    out.extend(Resource::from_node(0, file, doc, root, text));
}

pub fn definition(st: &State, file: FileId, pos: lsp::Position) -> Vec<lsp::Location> {
    let Some(f) = st.ws.files.get(file) else {
        return Vec::new();
    };
    let offset = convert::offset(f, pos);
    let mut res = Vec::new();
    for (di, d) in f.yaml().docs.iter().enumerate() {
        if d.root.span.start <= offset && offset <= d.root.span.end {
            resources(file, di, &d.root, f.text(), &mut res);
        }
    }
    let Some((r, pref)) = res.iter().find_map(|r| {
        r.pod_refs
            .iter()
            .find(|p| p.span.start <= offset && offset <= p.span.end)
            .map(|p| (r, p))
    }) else {
        return Vec::new();
    };
    let ns = if pref.kind.namespaced() {
        r.namespace
    } else {
        None
    };
    st.index
        .find(pref.kind.kind(), pref.name, ns)
        .into_iter()
        .filter_map(|(tf, span)| {
            let target = st.ws.files.get(tf)?;
            Some(lsp::Location::new(
                super::uri::from_path(&target.path),
                convert::range(target, span),
            ))
        })
        .collect()
}
