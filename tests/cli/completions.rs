//! `s3scope completions bash|zsh|fish` and `s3scope man` as a user installs them: the bash script,
//! loaded in a real bash, completes a subcommand and a flag; the man page names every command.

use std::process::Command;

fn s3scope(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_s3scope"))
        .args(args)
        // A config file that does not parse: completions and man page must not need one.
        .env("S3SCOPE_CONFIG", "/nonexistent/s3scope-config.toml")
        .output()
        .expect("s3scope runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// What bash offers for the command line `line` (the cursor at its end), with the script of
/// `s3scope completions bash` loaded the way bash-completion loads it.
fn bash_complete(script: &std::path::Path, line: &str) -> Vec<String> {
    let driver = r#"
set -e
source "$1"
read -r -a COMP_WORDS <<< "$2"
# A trailing space means a new, empty word is being completed.
if [[ "$2" == *" " ]]; then COMP_WORDS+=(""); fi
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="$2"
COMP_POINT=${#COMP_LINE}
cur="${COMP_WORDS[COMP_CWORD]}"
prev="${COMP_WORDS[COMP_CWORD-1]}"
func=$(complete -p s3scope | sed -E 's/.*-F ([^ ]+).*/\1/')
"$func" s3scope "$cur" "$prev"
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", driver, "driver"])
        .arg(script)
        .arg(line)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "bash failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn bash_completion_completes_subcommands_and_flags() {
    let (code, script, err) = s3scope(&["completions", "bash"]);
    assert_eq!(code, 0, "{err}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s3scope.bash");
    std::fs::write(&path, &script).unwrap();

    let words = bash_complete(&path, "s3scope comp");
    assert_eq!(words, vec!["completions"], "subcommand");
    let words = bash_complete(&path, "s3scope co");
    assert!(
        words.contains(&"completions".to_string()) && words.contains(&"config".to_string()),
        "{words:?}"
    );
    let words = bash_complete(&path, "s3scope du --dep");
    assert_eq!(words, vec!["--depth"], "flag of a subcommand");
    let words = bash_complete(&path, "s3scope --read");
    assert!(
        words.contains(&"--read-only".to_string()),
        "global flag: {words:?}"
    );
    let words = bash_complete(&path, "s3scope completions ");
    for shell in ["bash", "zsh", "fish"] {
        assert!(words.contains(&shell.to_string()), "{words:?}");
    }
}

#[test]
fn zsh_and_fish_scripts_and_the_man_page_cover_the_commands() {
    let (code, zsh, err) = s3scope(&["completions", "zsh"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        zsh.starts_with("#compdef s3scope"),
        "{}",
        &zsh[..80.min(zsh.len())]
    );
    let (code, fish, err) = s3scope(&["completions", "fish"]);
    assert_eq!(code, 0, "{err}");
    assert!(fish.contains("complete -c s3scope"), "fish script");
    for sub in [
        "buckets",
        "du",
        "segregate",
        "usage",
        "extract",
        "serve",
        "config",
    ] {
        assert!(zsh.contains(sub) && fish.contains(sub), "{sub}");
    }

    let (code, man, err) = s3scope(&["man"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        man.starts_with(".ie") || man.contains(".TH s3scope 1"),
        "roff title"
    );
    for section in [
        "S3SCOPE DU",
        "S3SCOPE USAGE COLLECT",
        "S3SCOPE SEGREGATE APPLY",
    ] {
        assert!(man.contains(section), "{section} section missing");
    }
    assert!(man.contains("\\-\\-depth"), "du's flags are documented");

    let (code, _, err) = s3scope(&["completions", "powershell"]);
    assert_eq!(code, 2, "unknown shell is a usage error");
    assert!(err.contains("powershell"), "{err}");
}

#[test]
fn version_names_commit_date_and_target() {
    let (code, out, err) = s3scope(&["--version"]);
    assert_eq!(code, 0, "{err}");
    let line = out.trim();
    assert!(
        line.starts_with(&format!("s3scope {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{line}"
    );
    assert!(line.contains(", built 20"), "{line}");
    assert!(
        line.contains(", target x86_64-") || line.contains(", target "),
        "{line}"
    );
    assert_eq!(line.lines().count(), 1);
}
