//! The part of Go's `text/template` (with the Sprig functions Argo CD adds) that ApplicationSet
//! templates and template patches use in paths, names and namespaces: actions made of a field,
//! a variable (`$x := …`, `$x`) or a function call (parenthesised calls as arguments) and a
//! pipeline of string functions, and `if`/`else`/`end` blocks over them. Anything else (`range`,
//! `with`, a function not listed here) is not evaluated: it stays as written, which every reader
//! treats as unknown. Fasttemplate's `{{ key }}` is a parameter name.

use std::borrow::Cow;

use super::appset::Params;

/// One piece of a template: text, or an action with its source and its trim markers.
#[derive(Debug)]
enum Piece<'t> {
    Text(&'t str),
    Action {
        raw: &'t str,
        inner: &'t str,
        trim_before: bool,
        trim_after: bool,
    },
}

fn pieces(t: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        out.push(Piece::Text(&rest[..start]));
        let raw = &rest[start..start + len + 2];
        let body = &raw[2..raw.len() - 2];
        // `{{- ` and ` -}}` trim the white space around the action (the space is required).
        let trim_before = body.starts_with("- ");
        let trim_after = body.ends_with(" -");
        let inner = body
            .strip_prefix("- ")
            .unwrap_or(body)
            .strip_suffix(" -")
            .unwrap_or(body.strip_prefix("- ").unwrap_or(body))
            .trim();
        out.push(Piece::Action {
            raw,
            inner,
            trim_before,
            trim_after,
        });
        rest = &rest[start + len + 2..];
    }
    out.push(Piece::Text(rest));
    out
}

/// The template with every action this subset knows evaluated.
pub fn render(template: &str, params: &Params) -> String {
    let pieces = pieces(template);
    let mut out = String::with_capacity(template.len());
    // Variables live beside the parameters as `$name` (copied only when one is set).
    let mut env = Cow::Borrowed(params);
    emit(&pieces, 0, pieces.len(), false, &mut env, &mut out);
    out
}

/// The value of an action: a parameter by name (`.a.b`, or fasttemplate's `a.b`), or [`eval`].
fn value(inner: &str, params: &Params) -> Option<String> {
    params
        .get(inner.strip_prefix('.').unwrap_or(inner))
        .cloned()
        .or_else(|| eval(inner, params))
}

/// Is a condition true? `None` when it is not known (a boolean parameter is flattened to text,
/// so `false` and `0` are not known either, unless a comparison made them).
fn truth(cond: &str, params: &Params) -> Option<bool> {
    let head = cond.split_whitespace().next().unwrap_or("");
    if matches!(head, "eq" | "ne" | "not" | "and" | "or") {
        return match eval(cond, params)?.as_str() {
            "false" | "" => Some(false),
            _ => Some(true),
        };
    }
    // `index` of a map with a key it does not hold is the zero value, not an error.
    if let Some([Tok::Ident(i), Tok::Field(m), Tok::Str(k)]) = tokens(cond, params).as_deref()
        && i == "index"
        && m.is_empty()
        && !params.contains_key(k)
        && !is_map(k, params)
    {
        return Some(false);
    }
    match value(cond, params)?.as_str() {
        "" => Some(false),
        "false" | "0" => None,
        _ => Some(true),
    }
}

/// Pieces `from..to` into `out`; `trim_first`: the action before them ended with ` -}}`. The
/// piece at `to` (an `else` or `end`) may trim the text before it.
fn emit(
    pieces: &[Piece<'_>],
    from: usize,
    to: usize,
    trim_first: bool,
    env: &mut Cow<'_, Params>,
    out: &mut String,
) {
    let mut i = from;
    let mut trim_next = trim_first;
    while i < to {
        match &pieces[i] {
            Piece::Text(t) => {
                let t = if trim_next { t.trim_start() } else { t };
                let trim = matches!(
                    pieces.get(i + 1),
                    Some(Piece::Action {
                        trim_before: true,
                        ..
                    })
                );
                out.push_str(if trim { t.trim_end() } else { t });
                trim_next = false;
                i += 1;
            }
            Piece::Action {
                raw,
                inner,
                trim_after,
                ..
            } => {
                let Some(cond) = inner.strip_prefix("if ") else {
                    // `$x := pipeline` sets a variable and writes nothing; one whose value is
                    // not known stays as written (unknown, as every later use of it).
                    if let Some((var, pipeline)) = assignment(inner) {
                        match eval(pipeline, env) {
                            Some(v) => {
                                env.to_mut().insert(format!("${var}"), v);
                            }
                            None => out.push_str(raw),
                        }
                    } else {
                        match value(inner, env) {
                            Some(v) => out.push_str(&v),
                            None => out.push_str(raw),
                        }
                    }
                    trim_next = *trim_after;
                    i += 1;
                    continue;
                };
                let Some((else_at, end_at)) = block(pieces, i).filter(|&(_, e)| e < to) else {
                    // Unbalanced, or beyond the subset: the rest as written.
                    verbatim(&pieces[i..to], out);
                    return;
                };
                match truth(cond.trim(), env) {
                    Some(t) => {
                        // The branch, and the action before it (whose ` -}}` trims its start).
                        let (before, from, to) = match (t, else_at) {
                            (true, Some(e)) => (i, i + 1, e),
                            (true, None) => (i, i + 1, end_at),
                            (false, Some(e)) => (e, e + 1, end_at),
                            (false, None) => (end_at, end_at, end_at),
                        };
                        let trims = matches!(
                            pieces[before],
                            Piece::Action {
                                trim_after: true,
                                ..
                            }
                        );
                        emit(pieces, from, to, trims, env, out);
                    }
                    None => verbatim(&pieces[i..=end_at], out),
                }
                trim_next = matches!(
                    pieces[end_at],
                    Piece::Action {
                        trim_after: true,
                        ..
                    }
                );
                i = end_at + 1;
            }
        }
    }
}

/// `$name := pipeline` (or `=`): the variable's name and the pipeline.
fn assignment(inner: &str) -> Option<(&str, &str)> {
    let rest = inner.strip_prefix('$')?;
    let (name, pipeline) = rest.split_once(":=").or_else(|| rest.split_once('='))?;
    let name = name.trim();
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some((name, pipeline.trim()))
}

/// The `else` (if any) and `end` of the `if` at `at`; `None` when they are missing or the block
/// holds an `else if` or another block keyword this subset does not evaluate.
fn block(pieces: &[Piece<'_>], at: usize) -> Option<(Option<usize>, usize)> {
    let mut depth = 0;
    let mut else_at = None;
    for (j, p) in pieces.iter().enumerate().skip(at + 1) {
        let Piece::Action { inner, .. } = p else {
            continue;
        };
        let word = inner.split_whitespace().next().unwrap_or("");
        match word {
            "if" => depth += 1,
            "range" | "with" | "define" | "block" => return None,
            "else" if depth == 0 => {
                if *inner != "else" || else_at.is_some() {
                    return None;
                }
                else_at = Some(j);
            }
            "end" if depth == 0 => return Some((else_at, j)),
            "end" => depth -= 1,
            _ => {}
        }
    }
    None
}

fn verbatim(pieces: &[Piece<'_>], out: &mut String) {
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Action { raw, .. } => out.push_str(raw),
        }
    }
}

/// The value of one action (the text between `{{` and `}}`, trim markers removed), or `None`
/// when it is beyond this subset or names a parameter the generator does not set.
pub fn eval(action: &str, params: &Params) -> Option<String> {
    // Parenthesised calls recurse: a hostile template must not nest them without bound.
    if action.bytes().filter(|&b| b == b'(').count() > 32 {
        return None;
    }
    let mut value: Option<String> = None;
    for (i, stage) in split_pipeline(action)?.into_iter().enumerate() {
        let args = tokens(stage, params)?;
        let (head, rest) = args.split_first()?;
        let piped = value.take();
        value = Some(match head {
            Tok::Field(_) | Tok::Str(_) if rest.is_empty() && i == 0 => arg(head, params)?,
            Tok::Ident(f) => call(f, rest, piped, params)?,
            _ => return None,
        });
    }
    value
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// `.a.b` (`.` alone is the whole parameter map).
    Field(String),
    Str(String),
    Int(i64),
    Ident(String),
}

/// `a | b | c`, outside string literals and parentheses.
fn split_pipeline(s: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    let (mut start, mut quote, mut depth) = (0, None, 0usize);
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '`') => quote = Some(c),
            (Some(q), c) if c == q && !escaped(s, i) => quote = None,
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.checked_sub(1)?,
            (None, '|') if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if quote.is_some() || depth != 0 {
        return None;
    }
    out.push(&s[start..]);
    Some(out)
}

/// The end (exclusive) of the parenthesised group `s` starts with, outside string literals.
fn group_end(s: &str) -> Option<usize> {
    let (mut quote, mut depth) = (None, 0usize);
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '`') => quote = Some(c),
            (Some(q), c) if c == q && !escaped(s, i) => quote = None,
            (None, '(') => depth += 1,
            (None, ')') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

fn escaped(s: &str, i: usize) -> bool {
    s[..i].bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

fn tokens(s: &str, params: &Params) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        let (tok, len) = if rest.starts_with('(') {
            // A call in parentheses is an argument: its value, as a string.
            let end = group_end(rest)?;
            (Tok::Str(eval(&rest[1..end - 1], params)?), end)
        } else if let Some(r) = rest.strip_prefix('"') {
            let end = r
                .char_indices()
                .find(|&(i, c)| c == '"' && !escaped(r, i))
                .map(|(i, _)| i)?;
            (Tok::Str(unescape(&r[..end])?), end + 2)
        } else if let Some(r) = rest.strip_prefix('`') {
            let end = r.find('`')?;
            (Tok::Str(r[..end].to_string()), end + 2)
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let word = &rest[..end];
            let tok = if let Some(f) = word.strip_prefix('.') {
                Tok::Field(f.to_string())
            } else if word.starts_with('$')
                && word[1..]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                // A variable is set only by an assignment the template made.
                Tok::Str(params.get(word)?.clone())
            } else if let Ok(n) = word.parse::<i64>() {
                Tok::Int(n)
            } else if word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                Tok::Ident(word.to_string())
            } else {
                return None;
            };
            (tok, end)
        };
        out.push(tok);
        rest = rest[len..].trim_start();
    }
    Some(out)
}

/// A Go interpreted string literal's common escapes.
fn unescape(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            'n' => '\n',
            't' => '\t',
            '\\' => '\\',
            '"' => '"',
            _ => return None,
        });
    }
    Some(out)
}

/// A string argument: a literal (a number as written) or a parameter that is a string (not a
/// map).
fn arg(t: &Tok, params: &Params) -> Option<String> {
    match t {
        Tok::Str(s) => Some(s.clone()),
        Tok::Int(n) => Some(n.to_string()),
        Tok::Field(f) if !f.is_empty() => params.get(f.as_str()).cloned(),
        _ => None,
    }
}

/// Is there a parameter below `prefix` (the value there is a map)?
fn is_map(prefix: &str, params: &Params) -> bool {
    let below = format!("{prefix}.");
    params
        .range(below.clone()..)
        .next()
        .is_some_and(|(k, _)| k.starts_with(&below))
}

fn call(f: &str, args: &[Tok], piped: Option<String>, params: &Params) -> Option<String> {
    // A piped value is the last argument.
    let mut all: Vec<Tok> = args.to_vec();
    if let Some(p) = piped {
        all.push(Tok::Str(p));
    }
    let s = |i: usize| all.get(i).and_then(|t| arg(t, params));
    let last = || all.last().and_then(|t| arg(t, params));
    // Text and `text/template`'s truth: empty and `false` are false (a flattened boolean).
    let truthy = |v: &str| !v.is_empty() && v != "false";
    let flag = |b: bool| Some(b.to_string());
    match (f, all.len()) {
        ("eq", n) if n >= 2 => {
            let first = s(0)?;
            let rest: Vec<String> = (1..n).map(s).collect::<Option<_>>()?;
            flag(rest.contains(&first))
        }
        ("ne", 2) => flag(s(0)? != s(1)?),
        ("not", 1) => flag(!truthy(&last()?)),
        // The first false argument (`and`) or true one (`or`), else the last.
        ("and" | "or", n) if n >= 1 => {
            let vals: Vec<String> = (0..n).map(s).collect::<Option<_>>()?;
            let stop = |v: &&String| truthy(v) == (f == "or");
            vals.iter().find(stop).or(vals.last()).cloned()
        }
        ("printf", n) if n >= 1 => printf(&s(0)?, &(1..n).map(s).collect::<Option<Vec<_>>>()?),
        ("lower", 1) => Some(last()?.to_lowercase()),
        ("upper", 1) => Some(last()?.to_uppercase()),
        ("trim", 1) => Some(last()?.trim().to_string()),
        ("normalize", 1) => Some(sanitize_name(&last()?)),
        ("trimPrefix", 2) => {
            let (p, v) = (s(0)?, s(1)?);
            Some(v.strip_prefix(p.as_str()).unwrap_or(&v).to_string())
        }
        ("trimSuffix", 2) => {
            let (p, v) = (s(0)?, s(1)?);
            Some(v.strip_suffix(p.as_str()).unwrap_or(&v).to_string())
        }
        ("replace", 3) => Some(s(2)?.replace(&s(0)?, &s(1)?)),
        // `default D X`: D when X is empty or not set. A field the generator does not set is
        // left unknown (the template may rely on another generator's parameter).
        ("default", 2) => {
            let v = match &all[1] {
                Tok::Field(f) if !params.contains_key(f.as_str()) => return None,
                t => arg(t, params)?,
            };
            Some(if v.is_empty() { s(0)? } else { v })
        }
        // `dig "k1" "k2" DEFAULT .`: a nested parameter, or the default when it is not set.
        ("dig", n) if n >= 3 && all[n - 1] == Tok::Field(String::new()) => {
            let keys: Vec<String> = all[..n - 2]
                .iter()
                .map(|t| match t {
                    Tok::Str(k) => Some(k.clone()),
                    _ => None,
                })
                .collect::<Option<_>>()?;
            let key = keys.join(".");
            match params.get(&key) {
                Some(v) => Some(v.clone()),
                None if is_map(&key, params) => None,
                None => s(n - 2),
            }
        }
        // `index . "key"`, `index .list 1`.
        ("index", 2) => match (&all[0], &all[1]) {
            (Tok::Field(m), Tok::Str(k)) if m.is_empty() => params.get(k.as_str()).cloned(),
            (Tok::Field(m), Tok::Str(k)) => params.get(&format!("{m}.{k}")).cloned(),
            (Tok::Field(l), Tok::Int(i)) if !l.is_empty() => {
                params.get(&format!("{l}[{i}]")).cloned()
            }
            _ => None,
        },
        _ => None,
    }
}

/// Go's `fmt.Sprintf` for `%s`, `%d`, `%v` and `%%`, each verb taking the next argument in
/// turn; anything else (widths, other verbs, a count that does not match) is not evaluated.
fn printf(format: &str, args: &[String]) -> Option<String> {
    let mut out = String::with_capacity(format.len());
    let mut next = args.iter();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' | 'v' => out.push_str(next.next()?),
            'd' => {
                let v = next.next()?;
                v.parse::<i64>().ok()?;
                out.push_str(v);
            }
            _ => return None,
        }
    }
    next.next().is_none().then_some(out)
}

/// Argo CD's `normalize` (`SanitizeName`): lower case, every character other than `a-z0-9-.`
/// replaced by `-`, at most 253 bytes, no leading or trailing `-` or `.`.
fn sanitize_name(name: &str) -> String {
    let s: String = name
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    s[..s.len().min(253)]
        .trim_matches(|c| c == '-' || c == '.')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Params {
        [
            ("name", "My_App"),
            ("cluster.name", "prod"),
            ("path.segments[1]", "web"),
            ("empty", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn fields_functions_and_pipelines() {
        let p = params();
        let e = |s: &str| eval(s, &p);
        assert_eq!(e(".name").as_deref(), Some("My_App"));
        assert_eq!(e(".name | lower").as_deref(), Some("my_app"));
        assert_eq!(e(".name | normalize").as_deref(), Some("my-app"));
        assert_eq!(e("normalize .name").as_deref(), Some("my-app"));
        assert_eq!(e(".name | upper | lower").as_deref(), Some("my_app"));
        assert_eq!(e(r#"index . "name""#).as_deref(), Some("My_App"));
        assert_eq!(e(r#"index .cluster "name""#).as_deref(), Some("prod"));
        assert_eq!(e("index .path.segments 1").as_deref(), Some("web"));
        assert_eq!(e(r#"dig "chart" "charts" ."#).as_deref(), Some("charts"));
        assert_eq!(e(r#"dig "cluster" "name" "x" ."#).as_deref(), Some("prod"));
        // A map is not a string.
        assert_eq!(e(r#"dig "cluster" "x" ."#), None);
        assert_eq!(e(r#".empty | default "d""#).as_deref(), Some("d"));
        assert_eq!(e(r#"default "d" .name"#).as_deref(), Some("My_App"));
        assert_eq!(e(r#"default "d" .unset"#), None);
        assert_eq!(e(r#".name | replace "_" "-""#).as_deref(), Some("My-App"));
        assert_eq!(e(r#"trimPrefix "My" .name"#).as_deref(), Some("_App"));
        assert_eq!(e(r#""a|b" | upper"#).as_deref(), Some("A|B"));
    }

    #[test]
    fn beyond_the_subset_is_unknown() {
        let p = params();
        for a in [
            "if .name",
            "end",
            "$x := .name",
            "$unset",
            "printf \"%s-%s\" .name",
            "printf \"%5s\" .name",
            ".unset",
            ".name | sha256sum",
            "(lower .name",
            "lower .name)",
            ".",
            "\"open",
        ] {
            assert_eq!(eval(a, &p), None, "{a}");
        }
    }

    #[test]
    fn variables_parentheses_printf_and_comparisons() {
        let p = params();
        let e = |s: &str| eval(s, &p);
        assert_eq!(
            e(r#"printf "apps/%s/%d" .name 3"#).as_deref(),
            Some("apps/My_App/3")
        );
        assert_eq!(e(r#"printf "%s" (lower .name)"#).as_deref(), Some("my_app"));
        assert_eq!(
            e(r#"dig "basePath" (printf "services/%s" .name) ."#).as_deref(),
            Some("services/My_App")
        );
        assert_eq!(
            e(r#"eq .cluster.name "dev" "prod""#).as_deref(),
            Some("true")
        );
        assert_eq!(e(r#"ne .cluster.name "prod""#).as_deref(), Some("false"));
        assert_eq!(e(r#"not .empty"#).as_deref(), Some("true"));
        assert_eq!(e(r#"or .empty "x""#).as_deref(), Some("x"));
        assert_eq!(e(r#"and .name .empty"#).as_deref(), Some(""));
        let deep = format!("{}lower .name{}", "(".repeat(5000), ")".repeat(5000));
        assert_eq!(e(&deep), None);
        let r = |t: &str| render(t, &p);
        let t = r#"{{- $n := .name | lower }}{{- $kind := dig "kind" "helm" . }}path: {{ if eq $kind "helm" }}charts/{{ $n }}{{ else }}{{ $n }}{{ end }}"#;
        assert_eq!(r(t), "path: charts/my_app");
        // A variable whose value is not known leaves the template unknown.
        let t = "{{ $x := .unset }}{{ $x }}";
        assert_eq!(r(t), t);
    }

    #[test]
    fn templates_with_if_blocks_and_trim_markers() {
        let mut p = params();
        let r = |t: &str, p: &Params| render(t, p);
        let t = r#"{{- if index . "prefix" -}}{{ .prefix }}-{{ end }}{{ .name | lower }}"#;
        assert_eq!(r(t, &p), "my_app");
        p.insert("prefix".into(), "do".into());
        assert_eq!(r(t, &p), "do-my_app");
        assert_eq!(r("{{ if .empty }}a{{ else }}b{{ end }}", &p), "b");
        assert_eq!(r("x {{- .prefix -}} y", &p), "xdoy");
        assert_eq!(r("x {{-.prefix}} y", &p), "x {{-.prefix}} y");
        // Unknown conditions and blocks beyond the subset stay as written.
        let unknown = "{{ if .unset }}a{{ end }}/{{ .name }}";
        assert_eq!(r(unknown, &p), "{{ if .unset }}a{{ end }}/My_App");
        let range = "{{ if .name }}{{ range .x }}y{{ end }}{{ end }}";
        assert_eq!(r(range, &p), range);
        assert_eq!(r("{{ if .name }}open", &p), "{{ if .name }}open");
        // Fasttemplate's plain names.
        assert_eq!(r("{{cluster.name}}-{{ name }}", &p), "prod-My_App");
    }

    #[test]
    fn normalize_is_argo_cds_sanitize_name() {
        assert_eq!(sanitize_name("-Foo.Bar_baz/ü-"), "foo.bar-baz");
        assert_eq!(sanitize_name("..a.."), "a");
        assert_eq!(sanitize_name(&"a".repeat(300)).len(), 253);
    }
}
