//! Helpers shared by several stages: numbers and hashing.

pub(crate) mod math;
