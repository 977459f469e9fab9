//! The commands, each a thin loop around the library: reading, writing,
//! progress and messages.

pub mod jsonl;
pub mod learn;
pub mod plain;
pub mod report;
pub mod train;

use std::sync::Arc;

use decruft::{Stripper, StripperBuilder};

use crate::flags::Args;
use crate::Failure;

/// A stripper with the settings of `args`.
pub fn builder(args: &Args) -> Result<StripperBuilder, Failure> {
    let mut b = Stripper::builder();
    if let Some(keep) = args.keep {
        b.keep(keep);
    }
    if let Some(lang) = &args.language {
        b.language(lang);
    }
    b.threshold(args.threshold);
    b.stable(args.stable);
    if let Some(path) = &args.model {
        let json =
            std::fs::read_to_string(path).map_err(|e| Failure::new(format!("{path}: {e}")))?;
        b.model_json(&json);
        b.build()
            .map_err(|e| Failure::new(format!("{path}: {e}")))?;
    }
    if args.heuristics {
        b.heuristics_only();
    }
    b.cascade(args.cascade);
    if let Some(path) = &args.patterns {
        b.patterns(Arc::new(learn::load(path)?));
    }
    if let Some(k) = args.min_site_pages {
        b.min_site_pages(k);
    }
    Ok(b)
}
