//! Integration tests of the fault proxy in front of the embedded S3 store: passthrough, faults, holds, streaming, the binary.

mod support;

mod cli;
mod faults;
mod hold;
mod passthrough;
mod stream;
