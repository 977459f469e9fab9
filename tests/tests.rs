//! Integration tests: one binary, submodules per surface.

mod cli;
mod edge_cases;
mod invariants;
mod jsonl_faults;
mod props;
mod seeds;
