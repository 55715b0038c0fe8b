//! `s3scope completions SHELL` and `s3scope man`: generated from the clap grammar, never hand-written.

use super::CliError;
use super::args::Cli;
use clap::{Args, CommandFactory, ValueEnum};
use std::io::Write;

/// Shells with a completion script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash: `source <(s3scope completions bash)` or save it as
    /// ~/.local/share/bash-completion/completions/s3scope; zsh: save as _s3scope in a $fpath
    /// directory; fish: save as ~/.config/fish/completions/s3scope.fish.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Writes the completion script of `a.shell` to stdout.
pub fn completions(a: &CompletionsArgs) -> Result<(), CliError> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    let shell = match a.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(shell, &mut cmd, "s3scope", &mut out);
    write_stdout(&out)
}

/// Writes the man page s3scope(1) to stdout: the top-level synopsis and options, then one
/// section per subcommand with its own options.
pub fn man() -> Result<(), CliError> {
    let cmd = Cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        render_subcommand(&mut out, sub, "s3scope")?;
    }
    write_stdout(&out)
}

fn render_subcommand(out: &mut Vec<u8>, sub: &clap::Command, parent: &str) -> std::io::Result<()> {
    let name = format!("{parent} {}", sub.get_name());
    let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
    writeln!(out, ".SH \"{}\"", roff_escape(&name.to_uppercase()))?;
    writeln!(out, "{}", roff_escape(&about))?;
    // The subcommand's own page, minus its title block: synopsis, options, its subcommands.
    let mut page = Vec::new();
    let man = clap_mangen::Man::new(sub.clone().bin_name(&name));
    man.render_synopsis_section(&mut page)?;
    man.render_options_section(&mut page)?;
    out.extend(
        String::from_utf8_lossy(&page)
            .replace(".SH ", ".SS ")
            .as_bytes(),
    );
    for nested in sub.get_subcommands().filter(|s| !s.is_hide_set()) {
        render_subcommand(out, nested, &name)?;
    }
    Ok(())
}

/// Text safe inside a roff line: no leading control character, backslashes doubled.
fn roff_escape(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\(dq");
    match escaped.chars().next() {
        Some('.' | '\'') => format!("\\&{escaped}"),
        _ => escaped,
    }
}

fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}
