//! `[pipeline]`: the sites (profiles) and the data dir of `extract` and `process`, declared once.
//!
//! The profiles come from `--profile` (repeatable), else `$S3SCOPE_PROFILE` (one), else
//! `profiles = [...]` here, else `default_profile`: the front end applies that order (the
//! flag is the global `--profile`), this section holds the file's list and checks names.

use crate::settings::{Given, Layered, check};

/// A site name becomes the path segment `site=<name>`: letters, digits, `.`, `_` and `-` only,
/// so that it is one Hive partition value in every engine and never escapes the data dir.
pub fn check_site(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "profile `{}` cannot name a site= partition: use letters, digits, '.', '_' or '-'",
            crate::text::escape_control(name)
        ))
    }
}

fn profiles(g: &Given) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for name in g.text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        check_site(name).map_err(|e| g.bad(e))?;
        if !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    if out.is_empty() {
        return Err(g.bad("name at least one profile, e.g. [\"ceph\", \"aws-prod\"]"));
    }
    Ok(out)
}

crate::settings! {
    /// `[pipeline]`: what `extract` and `process` run over and where their data lives.
    file PipelineSection, layer PipelineLayer, values PipelineSettings;
    table "pipeline", style Key;
    /// Profiles (sites) that one `extract`/`process` covers, each under its own site=<profile>/
    /// partition; `--profile` (repeatable) or $S3SCOPE_PROFILE replace the list.
    profiles: Option<Vec<String>> => Vec<String>, check profiles;
        { value_name: "NAMES", example: "[\"ceph\", \"aws-prod\"]",
          default_doc: Some("the default profile alone, without site= partitions") }
    /// Where packages go and are read from: a directory or s3://BUCKET/PREFIX (reached with the
    /// first profile).
    data_dir: Option<String> => String, check check::text;
        { flag: Some("data-dir"), env: Some("S3SCOPE_DATA_DIR"), value_name: "PATH|s3://...",
          example: "\"/var/lib/s3scope/history\"" }
}

impl PipelineSettings {
    /// `--data-dir` > `$S3SCOPE_DATA_DIR` > `[pipeline] data_dir` (`flags` holds the flag).
    pub fn resolve(
        flags: &crate::settings::FlagValues,
        file: &PipelineSection,
    ) -> Result<Self, String> {
        Ok(PipelineLayer::layered(flags, &[("pipeline".to_string(), file)])?.fill())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::FlagValues;

    #[test]
    fn lists_and_precedence() {
        PipelineLayer::check_defaults().unwrap();
        let file: PipelineSection =
            toml::from_str("profiles = [\"ceph\", \"aws-prod\", \"ceph\"]\ndata_dir = \"/d\"")
                .unwrap();
        let s = PipelineSettings::resolve(&FlagValues::new(), &file).unwrap();
        assert_eq!(s.profiles, Some(vec!["ceph".into(), "aws-prod".into()]));
        let mut flags = FlagValues::new();
        flags.set("data_dir", "/flag");
        let s = PipelineSettings::resolve(&flags, &file).unwrap();
        assert_eq!(s.data_dir.as_deref(), Some("/flag"));
        let bad: PipelineSection = toml::from_str("profiles = [\"a/b\"]").unwrap();
        let e = PipelineSettings::resolve(&FlagValues::new(), &bad).unwrap_err();
        assert!(
            e.starts_with("[pipeline] profiles: profile `a/b` cannot"),
            "{e}"
        );
        let empty: PipelineSection = toml::from_str("profiles = []").unwrap();
        assert!(PipelineSettings::resolve(&FlagValues::new(), &empty).is_err());
        for ok in ["ceph", "chi_uc", "aws-prod.1"] {
            assert!(check_site(ok).is_ok());
        }
        for bad in ["", "..", ".x", "a b", "a=b", "é"] {
            assert!(check_site(bad).is_err(), "{bad}");
        }
    }
}
