//! The cron grammar of sync windows: robfig/cron v3's parser with the options Argo CD passes
//! (`Minute | Hour | Dom | Month | Dow`): exactly 5 fields, no `@daily`-style descriptors, no
//! seconds (§9.5). Error texts follow robfig's.

/// A schedule robfig/cron rejects: its error text and the bytes of the spec it is about.
#[derive(Debug, PartialEq, Eq)]
pub struct CronError {
    pub message: String,
    pub start: usize,
    pub len: usize,
}

struct Bounds {
    name: &'static str,
    min: u64,
    max: u64,
    names: &'static [&'static str],
}

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

const FIELDS: [Bounds; 5] = [
    Bounds {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
    },
    Bounds {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
    },
    Bounds {
        name: "day of month",
        min: 1,
        max: 31,
        names: &[],
    },
    Bounds {
        name: "month",
        min: 1,
        max: 12,
        names: MONTHS,
    },
    Bounds {
        name: "day of week",
        min: 0,
        max: 6,
        names: DAYS,
    },
];

/// Parse a schedule the way `cron.NewParser(Minute|Hour|Dom|Month|Dow).Parse` does. `zone_ok`
/// says whether a `TZ=`/`CRON_TZ=` prefix names a time zone Go can load.
pub fn parse(spec: &str, zone_ok: &dyn Fn(&str) -> bool) -> Result<(), CronError> {
    let whole = |message: String| CronError {
        message,
        start: 0,
        len: spec.len(),
    };
    if spec.is_empty() {
        return Err(whole("empty spec string".into()));
    }
    let mut rest = spec;
    let mut base = 0;
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        let eq = spec.find('=').unwrap_or(0);
        let Some(space) = spec.find(' ') else {
            // robfig slices up to the first space without checking for one, and panics.
            return Err(whole("a time zone prefix without a schedule".into()));
        };
        let zone = &spec[eq + 1..space];
        if !zone_ok(zone) {
            return Err(CronError {
                message: format!("provided bad location {zone}: unknown time zone {zone}"),
                start: eq + 1,
                len: zone.len(),
            });
        }
        let after = &spec[space..];
        let trimmed = after.trim_start();
        base = space + (after.len() - trimmed.len());
        rest = trimmed.trim_end();
    }
    if rest.starts_with('@') {
        return Err(CronError {
            message: format!("parser does not accept descriptors: {rest}"),
            start: base,
            len: rest.len(),
        });
    }
    let fields = fields(rest, base);
    if fields.len() != 5 {
        let list: Vec<&str> = fields.iter().map(|f| f.0).collect();
        return Err(CronError {
            message: format!(
                "expected exactly 5 fields, found {}: [{}]",
                fields.len(),
                list.join(" ")
            ),
            start: base,
            len: rest.len(),
        });
    }
    for ((text, at), bounds) in fields.into_iter().zip(FIELDS.iter()) {
        get_field(text, at, bounds)?;
    }
    Ok(())
}

/// `strings.Fields`, with the byte offset of each field.
fn fields(s: &str, base: usize) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if let Some(st) = start.take() {
                out.push((&s[st..i], base + st));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push((&s[st..], base + st));
    }
    out
}

/// A comma-separated list of ranges; empty items are skipped (`strings.FieldsFunc`).
fn get_field(field: &str, at: usize, b: &Bounds) -> Result<(), CronError> {
    let mut offset = 0;
    for part in field.split(',') {
        if !part.is_empty() {
            get_range(part, at + offset, b)?;
        }
        offset += part.len() + 1;
    }
    Ok(())
}

/// `number | number "-" number [ "/" number ]`, `*` or `?`, with names where the field has them.
fn get_range(expr: &str, at: usize, b: &Bounds) -> Result<(), CronError> {
    let err = |message: String| CronError {
        message: format!("{message} (in the {} field)", b.name),
        start: at,
        len: expr.len(),
    };
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single = low_and_high.len() == 1;
    let (start, mut end);
    if low_and_high[0] == "*" || low_and_high[0] == "?" {
        start = b.min;
        end = b.max;
    } else {
        start = int_or_name(low_and_high[0], b.names).map_err(&err)?;
        end = match low_and_high.len() {
            1 => start,
            2 => int_or_name(low_and_high[1], b.names).map_err(&err)?,
            _ => return Err(err(format!("too many hyphens: {expr}"))),
        };
    }
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let s = must_int(range_and_step[1]).map_err(&err)?;
            // "N/step" means "N-max/step".
            if single {
                end = b.max;
            }
            s
        }
        _ => return Err(err(format!("too many slashes: {expr}"))),
    };
    if start < b.min {
        return Err(err(format!(
            "beginning of range ({start}) below minimum ({}): {expr}",
            b.min
        )));
    }
    if end > b.max {
        return Err(err(format!(
            "end of range ({end}) above maximum ({}): {expr}",
            b.max
        )));
    }
    if start > end {
        return Err(err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        )));
    }
    if step == 0 {
        return Err(err(format!(
            "step of range should be a positive number: {expr}"
        )));
    }
    Ok(())
}

fn int_or_name(expr: &str, names: &[&str]) -> Result<u64, String> {
    let lower = expr.to_ascii_lowercase();
    if let Some(i) = names.iter().position(|n| *n == lower) {
        // Months count from 1, days of the week from 0 (Sunday).
        let first = if names.len() == 12 { 1 } else { 0 };
        return Ok(i as u64 + first);
    }
    must_int(expr)
}

/// `strconv.Atoi`, then no negatives.
fn must_int(expr: &str) -> Result<u64, String> {
    let n = crate::model::argo::atoi(expr).ok_or_else(|| {
        format!("failed to parse int from {expr}: strconv.Atoi: parsing \"{expr}\": invalid syntax")
    })?;
    if n < 0 {
        return Err(format!("negative number ({n}) not allowed: {expr}"));
    }
    Ok(n as u64)
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn ok(s: &str) -> bool {
        parse(s, &|z| z == "Europe/Berlin").is_ok()
    }

    #[test]
    fn valid_schedules() {
        for s in [
            "0 22 * * *",
            "*/15 * * * *",
            "0 9-17 * * MON-FRI",
            "0 9-17 * * mon-fri",
            "30 2 1,15 * *",
            "0 0 * JAN,JUL SUN",
            "0 0 1-7/2 * ?",
            "5/10 * * * *",
            "0  22  *  *  *",
            "\t0 22 * * *\n",
            "*-5 * * * *",
            "0 0 31 12 6",
            "TZ=Europe/Berlin 0 22 * * *",
            "CRON_TZ=Europe/Berlin 0 22 * * *",
            "0 0 * * 1,,2",
            "+5 * * * *",
            "05 09 * * *",
        ] {
            assert!(ok(s), "{s}");
        }
    }

    #[test]
    fn invalid_schedules() {
        for s in [
            "",
            "@daily",
            "@every 1h",
            "0 0 22 * * *",
            "0 22 * *",
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "* * * 13 *",
            "* * * * 7",
            "* * * * SUNDAY",
            "5-1 * * * *",
            "*/0 * * * *",
            "1-2-3 * * * *",
            "1/2/3 * * * *",
            "a * * * *",
            "*/ * * * *",
            "TZ=Mars/Olympus 0 22 * * *",
            "TZ=Europe/Berlin",
            "0 0 * * MON-",
        ] {
            assert!(!ok(s), "{s}");
        }
    }

    #[test]
    fn error_points_at_the_field() {
        let e = parse("0 25 * * *", &|_| true).unwrap_err();
        assert_eq!((e.start, e.len), (2, 2));
        assert!(e.message.contains("above maximum (23)"), "{}", e.message);
        let e = parse("0 1 * * MON,FUNDAY", &|_| true).unwrap_err();
        assert_eq!((e.start, e.len), (12, 6));
    }
}
