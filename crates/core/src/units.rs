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
}

impl Unit {
    /// Formats a byte count in this unit.
    pub fn format(self, bytes: u64) -> String {
        let div = |d: f64| format!("{:.2}", bytes as f64 / d);
        match self {
            Unit::B => bytes.to_string(),
            Unit::KiB => div(1024.0),
            Unit::MiB => div(1024.0 * 1024.0),
            Unit::GiB => div(1024.0 * 1024.0 * 1024.0),
            Unit::TiB => div(1024.0 * 1024.0 * 1024.0 * 1024.0),
            Unit::Auto => humansize::format_size(bytes, humansize::BINARY),
        }
    }
}
