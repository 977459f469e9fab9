//! Helpers shared by several stages: numbers and hashing.

pub(crate) mod hash;
pub(crate) mod math;
