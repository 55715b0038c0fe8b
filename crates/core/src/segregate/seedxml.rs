//! The date segregation script's own `config.xml` (seed 001), read as it is: a root element with
//! one child per parameter (text or a `value` attribute), or the parameters as root attributes,
//! turned into a rule with the script's defaults and its bound of (n_keys - 1) x n_loops keys.

use super::spec::{DEFAULT_TIME_DELAY_SECS, RuleSpec};
use quick_xml::events::{BytesStart, Event};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The parameters the script reads, in its README's order, and whether each is required.
pub const PARAMETERS: [(&str, bool); 10] = [
    ("log_file", true),
    ("match_pattern", false),
    ("datetime_format", true),
    ("time_delay", false),
    ("s3_dir", true),
    ("s3_segregated_dir", true),
    ("s3_error_dir", true),
    ("n_keys", false),
    ("n_loops", false),
    ("n_workers", false),
];
/// The script's defaults.
pub const DEFAULT_N_KEYS: u32 = 500;
pub const DEFAULT_N_LOOPS: u32 = 10;

/// What is wrong with a seed config file; each names the element and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("seed config {path}: {message}")]
pub struct SeedConfigError {
    pub path: String,
    pub message: String,
}

/// A seed config, read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedConfig {
    pub log_file: PathBuf,
    pub match_pattern: Option<String>,
    pub datetime_format: String,
    pub time_delay: u64,
    /// From `s3_dir` when it is `s3://bucket/...`; else the bucket flag gives it.
    pub bucket: Option<String>,
    pub source_prefix: String,
    pub target: String,
    pub error_prefix: String,
    pub n_keys: u32,
    pub n_loops: u32,
    pub n_workers: usize,
}

impl SeedConfig {
    /// Reads `path`.
    pub fn load(path: &Path) -> Result<Self, SeedConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| SeedConfigError {
            path: shown.clone(),
            message: format!("cannot read it: {e}"),
        })?;
        Self::parse(&text).map_err(|message| SeedConfigError {
            path: shown,
            message,
        })
    }

    /// Reads the text of a config.xml.
    pub fn parse(text: &str) -> Result<Self, String> {
        let values = read_parameters(text)?;
        let text_of = |name: &str| values.get(name).map(|v| v.trim().to_string());
        for (name, required) in PARAMETERS {
            if required && text_of(name).is_none_or(|v| v.is_empty()) {
                return Err(format!("<{name}> is missing; the script requires it"));
            }
        }
        let number = |name: &str, default: u64, lo: u64, hi: u64| -> Result<u64, String> {
            match text_of(name).filter(|v| !v.is_empty()) {
                None => Ok(default),
                Some(v) => match v.parse::<u64>() {
                    Ok(n) if (lo..=hi).contains(&n) => Ok(n),
                    _ => Err(format!(
                        "<{name}> is `{v}`: give a whole number from {lo} to {hi}"
                    )),
                },
            }
        };
        let required = |name: &str| text_of(name).unwrap_or_default();
        let (bucket, source_prefix) = split_s3(&required("s3_dir"));
        let dir_in = |name: &str| -> Result<String, String> {
            let (b, prefix) = split_s3(&required(name));
            match (&b, &bucket) {
                (Some(b), Some(src)) if b != src => Err(format!(
                    "<{name}> is in bucket `{b}` but <s3_dir> in `{src}`: the script moves within one bucket"
                )),
                _ => Ok(prefix),
            }
        };
        let cpus = std::thread::available_parallelism().map_or(2, usize::from);
        let n_keys = number("n_keys", DEFAULT_N_KEYS.into(), 2, 1000)?;
        let n_loops = number("n_loops", DEFAULT_N_LOOPS.into(), 1, u64::from(u32::MAX))?;
        let n_workers = number("n_workers", (cpus / 2).max(1) as u64, 1, 1024)?;
        let target = dir_in("s3_segregated_dir")?;
        let error_prefix = dir_in("s3_error_dir")?;
        Ok(Self {
            log_file: PathBuf::from(required("log_file")),
            match_pattern: text_of("match_pattern").filter(|p| !p.is_empty()),
            datetime_format: required("datetime_format"),
            time_delay: number("time_delay", DEFAULT_TIME_DELAY_SECS, 0, 100 * 366 * 86_400)?,
            bucket,
            source_prefix,
            target,
            error_prefix,
            n_keys: u32::try_from(n_keys).unwrap_or(DEFAULT_N_KEYS),
            n_loops: u32::try_from(n_loops).unwrap_or(DEFAULT_N_LOOPS),
            n_workers: usize::try_from(n_workers).unwrap_or(1),
        })
    }

    /// The script's bound per run: one key of each LIST call is the directory marker.
    pub fn max_keys(&self) -> u64 {
        u64::from(self.n_keys - 1) * u64::from(self.n_loops)
    }

    /// The rule this config means (the bucket empty when `s3_dir` names none).
    pub fn to_spec(&self) -> RuleSpec {
        RuleSpec {
            name: None,
            bucket: self.bucket.clone().unwrap_or_default(),
            source_prefix: self.source_prefix.clone(),
            match_pattern: self.match_pattern.clone(),
            datetime_format: self.datetime_format.clone(),
            target: self.target.clone(),
            error_prefix: self.error_prefix.clone(),
            time_delay_secs: self.time_delay,
            page_size: self.n_keys,
            max_pages: Some(self.n_loops),
            max_keys: Some(self.max_keys()),
            workers: self.n_workers,
            log_file: Some(self.log_file.clone()),
            ..RuleSpec::empty()
        }
    }
}

/// `s3://bucket/prefix/` into its bucket and prefix; a bare prefix has no bucket.
fn split_s3(text: &str) -> (Option<String>, String) {
    match text.strip_prefix("s3://") {
        Some(rest) => match rest.split_once('/') {
            Some((b, p)) => (Some(b.to_string()), p.to_string()),
            None => (Some(rest.to_string()), String::new()),
        },
        None => (None, text.trim_start_matches('/').to_string()),
    }
}

fn known(name: &str) -> Result<&'static str, String> {
    PARAMETERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, _)| *n)
        .ok_or_else(|| {
            let all: Vec<&str> = PARAMETERS.iter().map(|(n, _)| *n).collect();
            format!(
                "unknown element <{name}>; the script reads {}",
                all.join(", ")
            )
        })
}

fn name_of(e: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
}

/// The parameters of the root element: its attributes, and its children's text or `value`.
fn read_parameters(text: &str) -> Result<BTreeMap<&'static str, String>, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out: BTreeMap<&'static str, String> = BTreeMap::new();
    let mut depth = 0usize;
    let mut current: Option<&'static str> = None;
    let mut seen_root = false;
    let bad = |e: &dyn std::fmt::Display, pos: u64| {
        let end = usize::try_from(pos).unwrap_or(usize::MAX).min(text.len());
        let line = text.get(..end).map_or(1, |t| t.lines().count().max(1));
        format!("not well-formed XML near line {line}: {e}")
    };
    loop {
        let pos = reader.buffer_position();
        let event = reader.read_event().map_err(|e| bad(&e, pos))?;
        let (start, open) = match &event {
            Event::Start(e) => (Some(e), true),
            Event::Empty(e) => (Some(e), false),
            _ => (None, false),
        };
        if let Some(e) = start {
            match depth {
                0 if seen_root => return Err("more than one root element".into()),
                0 => {
                    seen_root = true;
                    for a in e.attributes() {
                        let a = a.map_err(|e| bad(&e, pos))?;
                        let name =
                            String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
                        let value = a
                            .normalized_value(quick_xml::XmlVersion::default())
                            .map_err(|e| bad(&e, pos))?;
                        put(&mut out, known(&name)?, value.into_owned())?;
                    }
                }
                1 => {
                    let name = known(&name_of(e))?;
                    let mut value = String::new();
                    for a in e.attributes() {
                        let a = a.map_err(|e| bad(&e, pos))?;
                        if a.key.local_name().as_ref() != b"value" {
                            return Err(format!(
                                "<{name}> has an unknown attribute `{}`; give the value as text or value=\"...\"",
                                String::from_utf8_lossy(a.key.as_ref())
                            ));
                        }
                        value = a
                            .normalized_value(quick_xml::XmlVersion::default())
                            .map_err(|e| bad(&e, pos))?
                            .into_owned();
                    }
                    put(&mut out, name, value)?;
                    current = Some(name);
                }
                _ => {
                    return Err(format!(
                        "<{}> inside <{}>: a parameter holds text only",
                        name_of(e),
                        current.unwrap_or("?")
                    ));
                }
            }
            if open {
                depth += 1;
            } else if depth == 1 {
                current = None;
            }
            continue;
        }
        let piece = match event {
            Event::Text(t) => t.decode().map_err(|e| bad(&e, pos))?.into_owned(),
            Event::CData(t) => t.decode().map_err(|e| bad(&e, pos))?.into_owned(),
            Event::GeneralRef(r) => match r.resolve_char_ref().map_err(|e| bad(&e, pos))? {
                Some(c) => c.to_string(),
                None => {
                    let name = r.decode().map_err(|e| bad(&e, pos))?;
                    quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| {
                            format!("unknown entity &{name}; (use &lt; &gt; &amp; &quot; &apos;)")
                        })?
                        .to_string()
                }
            },
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth <= 1 {
                    current = None;
                }
                continue;
            }
            Event::Eof if depth > 0 => {
                return Err("not well-formed XML: the file ends inside an element".into());
            }
            Event::Eof => break,
            _ => continue,
        };
        if depth == 2
            && let Some(name) = current
            && let Some(v) = out.get_mut(name)
        {
            v.push_str(&piece);
        } else if depth == 1 && !piece.trim().is_empty() {
            return Err(format!(
                "text `{}` directly in the root element: put each parameter in its own element",
                piece.trim()
            ));
        }
    }
    if !seen_root {
        return Err(
            "no root element: expected e.g. <config><log_file>...</log_file>...</config>".into(),
        );
    }
    Ok(out)
}

fn put(
    out: &mut BTreeMap<&'static str, String>,
    name: &'static str,
    value: String,
) -> Result<(), String> {
    match out.insert(name, value) {
        Some(_) => Err(format!("<{name}> is given twice; keep one")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = r#"<?xml version="1.0"?>
<config>
    <log_file>/var/log/segregate.log</log_file>
    <match_pattern>^CHARGINGCDR_.*-(\d{8})-?(\d{2}).*</match_pattern>
    <datetime_format>%Y%m%d%H</datetime_format>
    <s3_dir>s3://mediation/incoming/</s3_dir>
    <s3_segregated_dir>s3://mediation/segregated/%Y/%m/%d/</s3_segregated_dir>
    <s3_error_dir>errors/</s3_error_dir>
    <n_keys>3</n_keys>
</config>"#;

    #[test]
    fn the_seed_layout_reads_with_the_script_defaults() {
        let c = SeedConfig::parse(SEED).unwrap();
        assert_eq!(c.bucket.as_deref(), Some("mediation"));
        assert_eq!(c.source_prefix, "incoming/");
        assert_eq!(c.target, "segregated/%Y/%m/%d/");
        assert_eq!(
            c.match_pattern.as_deref(),
            Some(r"^CHARGINGCDR_.*-(\d{8})-?(\d{2}).*")
        );
        assert_eq!(c.time_delay, 86_400);
        assert_eq!((c.n_keys, c.n_loops), (3, 10));
        assert_eq!(c.max_keys(), 20);
        assert!(c.n_workers >= 1);
        let d = SeedConfig::parse(&SEED.replace("<n_keys>3</n_keys>", "")).unwrap();
        assert_eq!(d.max_keys(), 4_990);
    }

    #[test]
    fn attributes_and_value_attributes_read_too() {
        let attrs = r#"<config log_file="/l" datetime_format="%Y%m%d" s3_dir="in/"
            s3_segregated_dir="seg/%Y/" s3_error_dir="err/" match_pattern="-(\d{8})-&amp;"/>"#;
        let c = SeedConfig::parse(attrs).unwrap();
        assert_eq!(c.bucket, None);
        assert_eq!(c.match_pattern.as_deref(), Some(r"-(\d{8})-&"));
        let values = r#"<s3><log_file value="/l"/><datetime_format value="%Y"/><s3_dir value="in/"/>
            <s3_segregated_dir value="seg/%Y/"/><s3_error_dir value="err/"/></s3>"#;
        assert_eq!(SeedConfig::parse(values).unwrap().target, "seg/%Y/");
    }

    #[test]
    fn problems_name_the_element() {
        let e = SeedConfig::parse(
            &SEED
                .replace("<n_keys>3", "<n_keyz>3")
                .replace("</n_keys>", "</n_keyz>"),
        )
        .unwrap_err();
        assert!(e.starts_with("unknown element <n_keyz>"), "{e}");
        let e = SeedConfig::parse(&SEED.replace("<datetime_format>%Y%m%d%H</datetime_format>", ""))
            .unwrap_err();
        assert!(e.starts_with("<datetime_format> is missing"), "{e}");
        let e = SeedConfig::parse(&SEED.replace("<n_keys>3", "<n_keys>1001")).unwrap_err();
        assert!(e.starts_with("<n_keys> is `1001`"), "{e}");
        let e = SeedConfig::parse(&SEED.replace("errors/", "s3://other/errors/")).unwrap_err();
        assert!(e.contains("<s3_error_dir> is in bucket `other`"), "{e}");
        assert!(
            SeedConfig::parse("<config><log_file>")
                .unwrap_err()
                .contains("XML")
        );
    }
}
