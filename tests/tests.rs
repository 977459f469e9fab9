//! The library's integration tests: one binary, submodules per surface.
//! The `decruft` command's tests are in cli/tests.

mod edge_cases;
mod head;
mod inputs;
mod invariants;
mod jsonl;
mod layouts;
mod props;
mod seeds;
