//! Integration tests: one binary, submodules per surface.
