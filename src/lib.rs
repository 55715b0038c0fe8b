//! s3scope: the headless commands (clap) and the binary's entry point, over s3scope-core and s3scope-tui.

pub mod cli; // headless commands: clap definitions, output formats, exit codes
