//! Checks shared by the declarations: text in, typed value or a one-line error out.

use super::Given;
use std::path::PathBuf;

/// Any text.
pub fn text(g: &Given) -> Result<String, String> {
    Ok(g.text.to_string())
}

/// A path, as written.
pub fn path(g: &Given) -> Result<PathBuf, String> {
    Ok(PathBuf::from(g.text))
}

/// true/false (also 1/0, yes/no, on/off).
pub fn boolean(g: &Given) -> Result<bool, String> {
    match g.text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(g.bad("use true or false")),
    }
}

/// A whole number from `lo` to `hi`, counted in `unit`.
pub fn whole(g: &Given, lo: u64, hi: u64, unit: &str) -> Result<u64, String> {
    match g.text.trim().parse::<u64>() {
        Ok(n) if (lo..=hi).contains(&n) => Ok(n),
        _ => Err(g.bad(format!(
            "must be a whole number of {unit} from {lo} to {hi}"
        ))),
    }
}

/// A whole number that fits `T`.
pub fn number<T: std::str::FromStr>(g: &Given) -> Result<T, String> {
    g.text
        .trim()
        .parse::<T>()
        .map_err(|_| g.bad("must be a whole number"))
}
