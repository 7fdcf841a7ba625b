//! Durations as Argo CD reads them: Go's `time.ParseDuration` (sync windows, retry backoff),
//! and `parseStringToDuration`, which also takes a bare number of seconds.

/// One second in nanoseconds.
pub const SECOND: i128 = 1_000_000_000;

/// Go's `time.ParseDuration`, in nanoseconds: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, units ns us µs
/// ms s m h (no `d`), `0` alone needs no unit. The error text is Go's.
pub fn go_duration(orig: &str) -> Result<i128, String> {
    const MAX: u128 = 1 << 63;
    let invalid = || format!("time: invalid duration \"{orig}\"");
    let mut s = orig;
    let mut neg = false;
    if let Some(rest) = s.strip_prefix(['-', '+']) {
        neg = s.starts_with('-');
        s = rest;
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while !s.is_empty() {
        let b = s.as_bytes();
        if !(b[0] == b'.' || b[0].is_ascii_digit()) {
            return Err(invalid());
        }
        // [0-9]*
        let int_len = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let mut v: u128 = 0;
        for &c in &b[..int_len] {
            v = v * 10 + u128::from(c - b'0');
            if v > MAX {
                return Err(invalid());
            }
        }
        s = &s[int_len..];
        // (\.[0-9]*)?
        let (mut frac, mut scale, mut post) = (0u128, 1f64, false);
        if let Some(rest) = s.strip_prefix('.') {
            let n = rest.bytes().take_while(u8::is_ascii_digit).count();
            let mut overflow = false;
            for c in rest[..n].bytes() {
                if overflow {
                    continue;
                }
                let y = frac * 10 + u128::from(c - b'0');
                if y > MAX {
                    overflow = true;
                    continue;
                }
                frac = y;
                scale *= 10.0;
            }
            post = n > 0;
            s = &rest[n..];
        }
        if int_len == 0 && !post {
            return Err(invalid());
        }
        let unit_len = s
            .bytes()
            .take_while(|c| *c != b'.' && !c.is_ascii_digit())
            .count();
        if unit_len == 0 {
            return Err(format!("time: missing unit in duration \"{orig}\""));
        }
        let unit_text = &s[..unit_len];
        s = &s[unit_len..];
        let unit: u128 = match unit_text {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit \"{unit_text}\" in duration \"{orig}\""
                ));
            }
        };
        if v > MAX / unit {
            return Err(invalid());
        }
        v *= unit;
        if frac > 0 {
            v += (frac as f64 * (unit as f64 / scale)) as u128;
            if v > MAX {
                return Err(invalid());
            }
        }
        total += v;
        if total > MAX {
            return Err(invalid());
        }
    }
    if neg {
        return Ok(-(total as i128));
    }
    if total > MAX - 1 {
        return Err(invalid());
    }
    Ok(total as i128)
}

/// `parseStringToDuration`: a bare integer is seconds, anything else goes to `time.ParseDuration`.
pub fn argo_duration(s: &str) -> Result<i128, String> {
    if let Some(secs) = crate::model::argo::atoi(s) {
        return Ok(i128::from(secs) * SECOND);
    }
    go_duration(s).map_err(|e| format!("unable to parse {s}: {e}"))
}

/// A hint for the common mistakes: days, spaces, upper-case units.
pub fn duration_hint(text: &str) -> String {
    let t = text.trim();
    if let Some(n) = t.strip_suffix('d').and_then(|n| n.parse::<u64>().ok()) {
        return format!(" (`{}h` for {t})", n * 24);
    }
    if t != text || t.contains(' ') {
        return " (no spaces)".into();
    }
    let lower = t.to_ascii_lowercase();
    if lower != t && go_duration(&lower).is_ok() {
        return format!(" (units are lower-case: `{lower}`)");
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::{argo_duration, go_duration};

    #[test]
    fn go_durations() {
        let ok = |s: &str, ns: i128| assert_eq!(go_duration(s), Ok(ns), "{s}");
        ok("0", 0);
        ok("-0", 0);
        ok("5s", 5_000_000_000);
        ok("90m", 5_400_000_000_000);
        ok("1h30m", 5_400_000_000_000);
        ok("1.5h", 5_400_000_000_000);
        ok(".5s", 500_000_000);
        ok("5.s", 5_000_000_000);
        ok("-1m", -60_000_000_000);
        ok("+2ms", 2_000_000);
        ok("3\u{b5}s", 3_000);
        ok("3\u{3bc}s", 3_000);
        ok("10us", 10_000);
        ok("2562047h", 2_562_047 * 3_600_000_000_000);
        for bad in [
            "",
            "1d",
            "5",
            "s",
            ".s",
            "1 h",
            "1H",
            "1h-1m",
            "abc",
            "--1s",
            "9999999999h",
            "1.2.3s",
        ] {
            assert!(go_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(
            go_duration("1d").unwrap_err(),
            "time: unknown unit \"d\" in duration \"1d\""
        );
        assert_eq!(
            go_duration("5").unwrap_err(),
            "time: missing unit in duration \"5\""
        );
    }

    #[test]
    fn argo_durations() {
        assert_eq!(argo_duration("30"), Ok(30_000_000_000));
        assert_eq!(argo_duration("+30"), Ok(30_000_000_000));
        assert_eq!(argo_duration("2m"), Ok(120_000_000_000));
        assert!(argo_duration("2 m").is_err());
        assert!(argo_duration("1d").is_err());
    }
}
