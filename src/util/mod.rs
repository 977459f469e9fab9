//! Helpers shared by several stages: numbers, hashing, JSON strings.

pub(crate) mod hash;
pub(crate) mod json;
pub(crate) mod math;
