//! Thin binary: parse arguments, then hand over to the library's CLI or TUI.

fn main() -> std::process::ExitCode {
    s3scope::cli::main()
}
