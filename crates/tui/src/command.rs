//! The `:` command line's language: names, arguments, and the list the help screen shows.

use super::state::Pane;
use s3scope_core::s3::location::S3Location;

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Quit,
    Show(Pane),
    Help,
    Refresh,
    /// Open a location in Browse.
    Browse(S3Location),
    /// Start an extract of the last 24 hours into a data dir.
    Extract {
        data_dir: String,
    },
    /// Start a process of the last 7 days from a data dir into an output.
    Process {
        data_dir: String,
        output: String,
    },
}

/// Every command: spellings (the first is the one shown) and what it does.
pub const COMMANDS: &[(&[&str], &str)] = &[
    (&["q", "quit"], "quit s3scope"),
    (&["buckets"], "Buckets pane"),
    (&["browse"], "Browse pane, or :browse s3://BUCKET/PREFIX"),
    (&["usage"], "Usage pane"),
    (&["segregate"], "Segregate pane"),
    (&["jobs"], "Jobs pane"),
    (
        &["extract"],
        ":extract DATA_DIR — package of the last 24 h (Jobs)",
    ),
    (
        &["process"],
        ":process DATA_DIR OUTPUT — rollups of the last 7 days (Jobs)",
    ),
    (&["refresh"], "reload this pane"),
    (&["help", "h"], "this help"),
];

/// Parses what was typed after `:`. Ok(None) for an empty line.
pub fn parse(line: &str) -> Result<Option<Command>, String> {
    let mut words = line.split_whitespace();
    let Some(name) = words.next() else {
        return Ok(None);
    };
    if name == "browse"
        && let Some(arg) = words.next()
    {
        if words.next().is_some() {
            return Err("`:browse` takes one s3://BUCKET/PREFIX".into());
        }
        return arg
            .parse::<S3Location>()
            .map(|loc| Some(Command::Browse(loc)))
            .map_err(|e| format!(":browse: {e}"));
    }
    if name == "extract" || name == "process" {
        let args: Vec<String> = words.map(str::to_string).collect();
        return match (name, args.as_slice()) {
            ("extract", [dir]) => Ok(Some(Command::Extract {
                data_dir: dir.clone(),
            })),
            ("process", [dir, out]) => Ok(Some(Command::Process {
                data_dir: dir.clone(),
                output: out.clone(),
            })),
            ("extract", _) => {
                Err("`:extract` takes one DATA_DIR (a directory or s3://BUCKET/PREFIX)".into())
            }
            _ => Err(
                "`:process` takes DATA_DIR and OUTPUT (directories or s3://BUCKET/PREFIX)".into(),
            ),
        };
    }
    let command = match name {
        "q" | "quit" | "q!" | "qa" | "qa!" | "exit" => Command::Quit,
        "buckets" => Command::Show(Pane::Buckets),
        "browse" => Command::Show(Pane::Browse),
        "usage" => Command::Show(Pane::Usage),
        "segregate" => Command::Show(Pane::Segregate),
        "jobs" => Command::Show(Pane::Jobs),
        "refresh" | "r" => Command::Refresh,
        "help" | "h" | "?" => Command::Help,
        other => {
            let shown = super::sanitize::sanitize(other);
            return Err(format!(
                "unknown command `:{shown}`; :help lists the commands"
            ));
        }
    };
    if words.next().is_some() {
        return Err(format!("`:{name}` takes no arguments"));
    }
    Ok(Some(command))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_commands_parse() {
        assert_eq!(parse(" q "), Ok(Some(Command::Quit)));
        assert_eq!(parse("usage"), Ok(Some(Command::Show(Pane::Usage))));
        assert_eq!(parse(""), Ok(None));
        for (names, _) in COMMANDS {
            for name in *names {
                let line = match *name {
                    "extract" => "extract /tmp/d".to_string(),
                    "process" => "process /tmp/d /tmp/o".to_string(),
                    n => n.to_string(),
                };
                assert!(parse(&line).is_ok(), "{line}");
            }
        }
    }

    #[test]
    fn mistakes_are_explained() {
        assert_eq!(
            parse("frobnicate").unwrap_err(),
            "unknown command `:frobnicate`; :help lists the commands"
        );
        assert_eq!(parse("jobs now").unwrap_err(), "`:jobs` takes no arguments");
        assert!(parse("x\x1b[2J").unwrap_err().contains("\\x1b"));
        assert_eq!(
            parse("process /d /o"),
            Ok(Some(Command::Process {
                data_dir: "/d".into(),
                output: "/o".into()
            }))
        );
        assert!(parse("extract").unwrap_err().contains("DATA_DIR"));
        assert_eq!(
            parse("process /d /o"),
            Ok(Some(Command::Process {
                data_dir: "/d".into(),
                output: "/o".into()
            }))
        );
        assert!(parse("extract").unwrap_err().contains("DATA_DIR"));
    }
}
