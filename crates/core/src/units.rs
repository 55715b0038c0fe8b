//! Byte units of table columns, shared by the CLI's tables and the TUI's bucket table.

/// Units of byte columns.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::Display,
    strum::EnumString,
    strum::AsRefStr,
    strum::VariantArray,
    strum::EnumMessage,
)]
pub enum Unit {
    #[strum(serialize = "B")]
    B,
    #[strum(serialize = "KiB")]
    KiB,
    #[strum(serialize = "MiB")]
    MiB,
    #[strum(serialize = "GiB")]
    GiB,
    #[strum(serialize = "TiB")]
    TiB,
    /// Human-readable, per value.
    #[strum(serialize = "auto")]
    Auto,
    /// The storage analyser's KB: 1024 bytes (its `UNIT_DEFS`), the same as KiB.
    #[strum(serialize = "KB")]
    Kb,
    /// The storage analyser's MB: 1024^2 bytes, the same as MiB.
    #[strum(serialize = "MB")]
    Mb,
    /// The storage analyser's GB: 1024^3 bytes, the same as GiB.
    #[strum(serialize = "GB")]
    Gb,
}

impl Unit {
    /// As the storage analyser prints it: two decimals, trailing zeros and dot dropped
    /// (`0.19`, `2.1`, `0`); Auto and B print whole bytes, the binary units as their twin.
    pub fn format_analyser(self, bytes: u64) -> String {
        let s = match self {
            Unit::Auto | Unit::B => return bytes.to_string(),
            other => other.format(bytes),
        };
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }

    /// Formats a byte count in this unit.
    pub fn format(self, bytes: u64) -> String {
        let div = |d: f64| format!("{:.2}", bytes as f64 / d);
        match self {
            Unit::B => bytes.to_string(),
            Unit::KiB | Unit::Kb => div(1024.0),
            Unit::MiB | Unit::Mb => div(1024.0 * 1024.0),
            Unit::GiB | Unit::Gb => div(1024.0 * 1024.0 * 1024.0),
            Unit::TiB => div(1024.0 * 1024.0 * 1024.0 * 1024.0),
            Unit::Auto => humansize::format_size(bytes, humansize::BINARY),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Unit;

    #[test]
    fn analyser_units_are_binary_and_trimmed() {
        // The analyser's README: 133656 bytes in MB print as 0.13; 10000 objects' 0.19 MB.
        assert_eq!(Unit::Mb.format_analyser(133_656), "0.13");
        assert_eq!(Unit::Mb.format_analyser(0), "0");
        assert_eq!(Unit::Kb.format_analyser(1024), "1");
        assert_eq!(Unit::Kb.format_analyser(1536), "1.5");
        assert_eq!(Unit::Gb.format_analyser(1 << 30), "1");
        assert_eq!(Unit::Mb.format(1 << 20), Unit::MiB.format(1 << 20));
        assert_eq!("KB".parse::<Unit>().unwrap(), Unit::Kb);
    }
}
