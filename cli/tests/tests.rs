//! The `decruft` command's tests: one binary, the command found through
//! `CARGO_BIN_EXE_decruft`. The library's own tests are in ../../tests; the
//! inputs and invariants are shared with them.

#[path = "../../tests/inputs.rs"]
mod inputs;
#[path = "../../tests/invariants.rs"]
mod invariants;

mod cli;
mod jsonl;
mod pipeline;
mod plain;
mod run;
mod site;
mod trust;
