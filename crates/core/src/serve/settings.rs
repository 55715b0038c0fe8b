//! `s3scope serve`'s settings, declared once: flags over `[serve]` over the defaults.

use crate::scan::buckets::Source;
use crate::settings::{FlagValues, Given, Layered, check};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// `30s`, `15m`, `2h`, `1d`: at least one second.
pub fn parse_interval(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration: use e.g. 30s, 15m, 1h"))?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("`{s}` needs a unit: s, m, h or d (e.g. 15m)")),
    };
    match n.checked_mul(mult) {
        Some(0) => Err("the refresh interval must be at least 1s".into()),
        Some(secs) => Ok(Duration::from_secs(secs)),
        None => Err(format!("`{s}` is too long")),
    }
}

fn listen(g: &Given) -> Result<SocketAddr, String> {
    g.text.trim().parse().map_err(|_| {
        g.bad(format!(
            "`{}` is not an ADDR:PORT such as 127.0.0.1:9340",
            g.text
        ))
    })
}

fn interval(g: &Given) -> Result<Duration, String> {
    parse_interval(g.text).map_err(|e| g.bad(e))
}

fn source(g: &Given) -> Result<Source, String> {
    g.text
        .trim()
        .to_ascii_lowercase()
        .parse::<Source>()
        .map_err(|_| {
            g.bad(format!(
                "`{}` is not one of auto, scan, rgw, cloudwatch",
                g.text
            ))
        })
}

fn connections(g: &Given) -> Result<usize, String> {
    check::whole(g, 1, 65_536, "connections").map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

crate::settings! {
    /// `[serve]`: defaults of `s3scope serve` (the token itself never lives here).
    file ServeSection, layer ServeLayer, values ServeSettings;
    table "serve", style Key;
    /// Address to listen on; any other than loopback also needs allow_remote = true.
    listen: Option<String> => SocketAddr, check listen,
        default "127.0.0.1:9340" => SocketAddr::from(([127, 0, 0, 1], 9340));
        { flag: Some("listen"), value_name: "ADDR:PORT", example: "\"127.0.0.1:9340\"" }
    /// Accept a listen address other than loopback (the token is required either way).
    allow_remote: Option<bool> => bool, check check::boolean, default "false" => false;
        { flag: Some("allow-remote"), value_name: "BOOL", example: "false", switch: true }
    /// Also accept the token as `?token=` (the storage analyser's way): off by default, as a
    /// token in a URL ends up in proxy and access logs; the Authorization header always works.
    allow_query_token: Option<bool> => bool, check check::boolean, default "false" => false;
        { flag: Some("allow-query-token"), value_name: "BOOL", example: "false", switch: true }
    /// How often the bucket table (and the usage summary) are read in the background: 30s, 15m, 1h.
    refresh: Option<String> => Duration, check interval, default "15m" => Duration::from_secs(15 * 60);
        { flag: Some("refresh"), value_name: "DURATION", example: "\"15m\"" }
    /// File holding the bearer token (first line; chmod 600); otherwise $S3SCOPE_SERVE_TOKEN.
    token_file: Option<PathBuf> => PathBuf, check check::path;
        { flag: Some("token-file"), value_name: "FILE", example: "\"/etc/s3scope/serve.token\"" }
    /// Where sizes come from: auto (the cheapest that answers), rgw, cloudwatch or scan.
    source: Option<String> => Source, check source, default "auto" => Source::Auto;
        { flag: Some("source"), value_name: "SOURCE", example: "\"auto\"" }
    /// Only buckets whose name matches this glob (e.g. 'logs-*').
    filter: Option<String> => String, check check::text;
        { flag: Some("filter"), value_name: "GLOB", example: "\"*\"" }
    /// Connections served at once; further clients wait.
    max_connections: Option<usize> => usize, check connections, default "64" => 64;
        { flag: Some("max-connections"), value_name: "N", example: "64" }
    /// Usage counters exported as s3scope_usage_* metrics, read from this summary on every
    /// refresh (summarized_data.json of `s3scope usage collect`).
    usage_summary: Option<PathBuf> => PathBuf, check check::path;
        { flag: Some("usage-summary"), value_name: "FILE",
          example: "\"/var/lib/s3scope/results/summarized_data.json\"",
          default_doc: Some("the profile's [profiles.NAME.usage] summary, when it has that section") }
}

impl ServeSettings {
    /// Flags over the `[serve]` section over the defaults; `profile_usage` is the summary of
    /// the profile's usage section, when it has one; `no_usage` exports no usage at all.
    pub fn resolve(
        flags: &FlagValues,
        file: &ServeSection,
        profile_usage: Option<PathBuf>,
        no_usage: bool,
    ) -> Result<Self, String> {
        let mut s = ServeLayer::layered(flags, &[("serve".to_string(), file)])?.fill();
        s.usage_summary = if no_usage {
            None
        } else {
            s.usage_summary.or(profile_usage)
        };
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_check_and_flags_win() {
        ServeLayer::check_defaults().unwrap();
        let file = ServeSection {
            refresh: Some("1h".into()),
            max_connections: Some(8),
            ..ServeSection::default()
        };
        let mut flags = FlagValues::new();
        flags.set("max_connections", "9");
        let s = ServeSettings::resolve(&flags, &file, Some("/u".into()), false).unwrap();
        assert_eq!(
            (s.refresh, s.max_connections),
            (Duration::from_secs(3600), 9)
        );
        assert_eq!(s.usage_summary, Some(PathBuf::from("/u")));
        let bad = ServeSection {
            listen: Some("localhost".into()),
            ..ServeSection::default()
        };
        let e = ServeSettings::resolve(&FlagValues::new(), &bad, None, true).unwrap_err();
        assert_eq!(
            e,
            "[serve] listen: `localhost` is not an ADDR:PORT such as 127.0.0.1:9340"
        );
    }
}
