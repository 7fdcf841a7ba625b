//! Unified diffs (`--diff`): Myers' algorithm over lines, hunks with three lines of context.

const CONTEXT: usize = 3;
/// Past this many differing lines the middle is shown as one replaced block (fixes are small;
/// this only bounds the work on a pathological input).
const MAX_D: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Equal(usize, usize),
    Delete(usize),
    Insert(usize),
}

/// The shortest edit script from `a` to `b`.
fn myers(a: &[&str], b: &[&str]) -> Vec<Op> {
    // Common ends first: the script is then only about the changed middle.
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    let mut ops: Vec<Op> = (0..pre).map(|i| Op::Equal(i, i)).collect();
    let middle = middle(ma, mb).unwrap_or_else(|| {
        (0..ma.len())
            .map(Op::Delete)
            .chain((0..mb.len()).map(Op::Insert))
            .collect()
    });
    ops.extend(middle.into_iter().map(|op| match op {
        Op::Equal(i, j) => Op::Equal(i + pre, j + pre),
        Op::Delete(i) => Op::Delete(i + pre),
        Op::Insert(j) => Op::Insert(j + pre),
    }));
    let (ea, eb) = (a.len() - suf, b.len() - suf);
    ops.extend((0..suf).map(|k| Op::Equal(ea + k, eb + k)));
    ops
}

/// Myers' greedy forward search with the frontiers kept for the way back; `None` past `MAX_D`.
fn middle(a: &[&str], b: &[&str]) -> Option<Vec<Op>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (n + m) as usize;
    let off = max as isize + 1;
    let mut v = vec![0isize; 2 * max + 3];
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let idx = |k: isize| (k + off) as usize;
    for d in 0..=max.min(MAX_D) as isize {
        trace.push(v.clone());
        let mut k = -d;
        while k <= d {
            let mut x = if k == -d || (k != d && v[idx(k - 1)] < v[idx(k + 1)]) {
                v[idx(k + 1)]
            } else {
                v[idx(k - 1)] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[idx(k)] = x;
            if x >= n && y >= m {
                return Some(backtrack(&trace, n, m, idx));
            }
            k += 2;
        }
    }
    None
}

fn backtrack(trace: &[Vec<isize>], n: isize, m: isize, idx: impl Fn(isize) -> usize) -> Vec<Op> {
    let mut ops = Vec::new();
    let (mut x, mut y) = (n, m);
    for (d, v) in trace.iter().enumerate().rev() {
        let d = d as isize;
        let k = x - y;
        let prev_k = if k == -d || (k != d && v[idx(k - 1)] < v[idx(k + 1)]) {
            k + 1
        } else {
            k - 1
        };
        let prev_x = v[idx(prev_k)];
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            x -= 1;
            y -= 1;
            ops.push(Op::Equal(x as usize, y as usize));
        }
        if d > 0 {
            if x == prev_x {
                ops.push(Op::Insert(prev_y as usize));
            } else {
                ops.push(Op::Delete(prev_x as usize));
            }
        }
        x = prev_x;
        y = prev_y;
    }
    ops.reverse();
    ops
}

fn push_line(out: &mut String, mark: char, line: &str) {
    out.push(mark);
    out.push_str(line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

/// A unified diff of `old` → `new` for the file `name` (empty when they are equal).
pub fn unified(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = myers(&a, &b);
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| !matches!(op, Op::Equal(..)))
        .map(|(i, _)| i)
        .collect();
    let mut out = format!("--- {name}\n+++ {name}\n");
    let mut i = 0;
    while i < changed.len() {
        // A hunk: changes closer than twice the context share one.
        let first = changed[i];
        let mut last = first;
        while i + 1 < changed.len() && changed[i + 1] - last <= 2 * CONTEXT + 1 {
            i += 1;
            last = changed[i];
        }
        i += 1;
        let lo = first.saturating_sub(CONTEXT);
        let hi = (last + CONTEXT + 1).min(ops.len());
        let hunk = &ops[lo..hi];
        // Line numbers: where this hunk starts in each file (1-based), and its lengths.
        let (mut sa, mut sb) = (0, 0);
        for op in &ops[..lo] {
            match op {
                Op::Equal(..) => {
                    sa += 1;
                    sb += 1;
                }
                Op::Delete(_) => sa += 1,
                Op::Insert(_) => sb += 1,
            }
        }
        let la = hunk.iter().filter(|o| !matches!(o, Op::Insert(_))).count();
        let lb = hunk.iter().filter(|o| !matches!(o, Op::Delete(_))).count();
        let start = |s: usize, l: usize| if l == 0 { s } else { s + 1 };
        out.push_str(&format!(
            "@@ -{},{la} +{},{lb} @@\n",
            start(sa, la),
            start(sb, lb)
        ));
        for op in hunk {
            match *op {
                Op::Equal(x, _) => push_line(&mut out, ' ', a[x]),
                Op::Delete(x) => push_line(&mut out, '-', a[x]),
                Op::Insert(y) => push_line(&mut out, '+', b[y]),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(old: &str, ops: &[Op], b: &[&str]) -> String {
        let a: Vec<&str> = old.split_inclusive('\n').collect();
        ops.iter()
            .filter_map(|op| match *op {
                Op::Equal(x, _) => Some(a[x]),
                Op::Insert(y) => Some(b[y]),
                Op::Delete(_) => None,
            })
            .collect()
    }

    #[test]
    fn scripts_rebuild_the_new_text() {
        for (old, new) in [
            ("a\nb\nc\n", "a\nB\nc\n"),
            ("a\nb\nc\n", "x\na\nc\ny\n"),
            ("", "a\n"),
            ("a\n", ""),
            ("a\nb\na\nb\n", "b\na\nb\na\n"),
        ] {
            let a: Vec<&str> = old.split_inclusive('\n').collect();
            let b: Vec<&str> = new.split_inclusive('\n').collect();
            assert_eq!(apply(old, &myers(&a, &b), &b), new, "{old:?} -> {new:?}");
        }
    }

    #[test]
    fn hunks_have_context_and_line_numbers() {
        let old: String = (1..=20).map(|i| format!("l{i}\n")).collect();
        let new = old.replace("l5\n", "L5\n").replace("l18\n", "l18\nnew\n");
        let d = unified("f.yaml", &old, &new);
        assert_eq!(
            d,
            "--- f.yaml\n+++ f.yaml\n@@ -2,7 +2,7 @@\n l2\n l3\n l4\n-l5\n+L5\n l6\n l7\n l8\n@@ -16,5 +16,6 @@\n l16\n l17\n l18\n+new\n l19\n l20\n"
        );
        assert_eq!(
            unified("f", "a", "b"),
            "--- f\n+++ f\n@@ -1,1 +1,1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"
        );
    }
}
