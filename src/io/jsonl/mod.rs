//! JSON Lines records: strip one field of each object, keep every other field
//! as it was, byte for byte.
//!
//! A record is parsed into its fields with the values left raw
//! ([`serde_json::value::RawValue`]), so numbers, nested objects and key order
//! pass through untouched; only the stripped field is decoded and re-encoded.

pub(crate) mod options;
mod parse;
mod write;

use crate::error::Error;
use crate::hints::Hints;
use crate::io::doc_rules::{DocRules, Rejection};
use crate::io::jsonl::options::JsonlOptions;
use crate::io::jsonl::parse::{json_error, not_a_string, parse, TextValue};
use crate::io::jsonl::write::{is_labels_key, write_kept_json, write_label_fields, write_rejected};
use crate::strip::Stripper;
use crate::stripped::Stripped;

/// Strips the text field of one JSON record and appends the rewritten record
/// (without a newline) to `out`.
///
/// On error nothing is appended. Errors: the line is not a JSON object, the
/// field is missing, or it is not a string.
pub fn strip_record(
    stripper: &Stripper,
    opts: &JsonlOptions,
    line: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    strip_record_flagged(stripper, opts, line, out).map(|_| ())
}

/// [`strip_record`], also saying whether the record was flagged for loss
/// (see [`Stripped::loss_flagged`]).
pub fn strip_record_flagged(
    stripper: &Stripper,
    opts: &JsonlOptions,
    line: &[u8],
    out: &mut Vec<u8>,
) -> Result<bool, Error> {
    strip_record_decided(stripper, opts, &DocRules::default(), line, out).map(|d| d.flagged)
}

/// What became of a record stripped under [`DocRules`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::io) struct Decided {
    /// Whether it lost nearly all its words ([`Stripped::loss_flagged`]).
    pub(crate) flagged: bool,
    /// The rule that rejected it, if one did.
    pub(crate) rejected: Option<Rejection>,
}

/// [`strip_record_flagged`], then `rules` on what is left. A rejected
/// record is appended as it came (its text too, so the rejection can be
/// reviewed and undone), with a `<labels field>_rejected` field naming the
/// reason, and the labels when `opts.labels` is set.
pub(in crate::io) fn strip_record_decided(
    stripper: &Stripper,
    opts: &JsonlOptions,
    rules: &DocRules,
    line: &[u8],
    out: &mut Vec<u8>,
) -> Result<Decided, Error> {
    let fields = parse(line).map_err(|e| Error::record(json_error(&e)))?;
    // A record may name the text field more than once: every copy is
    // stripped, and `text` is the last, the one most readers (Python's
    // `json`, jq) take. A copy that is not a string makes the record bad.
    let mut copies = Vec::new();
    for raw in fields.named(&opts.field) {
        match TextValue::of(raw) {
            TextValue::Text(t) => copies.push(t),
            TextValue::Not(kind) => return Err(not_a_string(&opts.field, kind)),
        }
    }
    let Some(text) = copies.pop() else {
        return Err(Error::record(format!("no \"{}\" field", opts.field)));
    };
    let earlier = copies;
    // The title and URL fields, when they are strings, are hints.
    let string_field = |name: &Option<String>| fields.string(name.as_deref()?);
    let (title, url, site) = (
        string_field(&opts.title_field),
        string_field(&opts.url_field),
        string_field(&opts.site_field),
    );
    let hints = Hints::new()
        .title(title.as_deref())
        .url(url.as_deref())
        .site(site.as_deref());
    let stripped = stripper.strip_with(&text, &hints);
    if !stripped.judged() {
        return Err(Error::record(format!(
            "field \"{}\" is {} bytes long, too long to strip (4 GiB at most)",
            opts.field,
            text.len()
        )));
    }
    let flagged = stripped.loss_flagged();
    if !rules.is_off() {
        if let Some(why) = rules.judge(text.chars().count(), &stripped.text()) {
            write_rejected(opts, &fields, &text, &stripped, why, out);
            return Ok(Decided {
                flagged,
                rejected: Some(why),
            });
        }
    }
    // Earlier copies of the text field are stripped too (the same way, so
    // that no reader finds the page unstripped), each on its own.
    let earlier: Vec<Stripped<'_>> = earlier
        .iter()
        .map(|t| stripper.strip_with(t, &hints))
        .collect();
    let mut copies = earlier.iter().chain(std::iter::once(&stripped));
    let start = out.len();
    out.push(b'{');
    let mut first = true;
    for field in &fields.fields {
        let is_text = field.key == opts.field.as_str();
        if !is_text && opts.labels && is_labels_key(opts, &field.key) {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        // Keys as they came, escapes and all.
        out.extend_from_slice(field.raw_key.get().as_bytes());
        out.push(b':');
        if is_text {
            write_kept_json(out, copies.next().expect("one stripped text per copy"));
        } else {
            out.extend_from_slice(field.value.get().as_bytes());
        }
    }
    if opts.labels {
        out.push(b',');
        write_label_fields(out, opts, &text, &stripped);
    }
    out.push(b'}');
    debug_assert!(out.len() > start);
    Ok(Decided {
        flagged,
        rejected: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(line: &str, opts: &JsonlOptions) -> Result<String, String> {
        let mut out = Vec::new();
        strip_record(&Stripper::new(), opts, line.as_bytes(), &mut out)
            .map(|_| String::from_utf8(out).unwrap())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn keeps_other_fields_raw_and_in_order() {
        let opts = JsonlOptions::default();
        let got = run(
            r#"{"z":1.50,"text":"","a":{"b":[1, 2]},"k\u00e9":null}"#,
            &opts,
        )
        .unwrap();
        assert_eq!(
            got,
            r#"{"z":1.50,"text":"","a":{"b":[1, 2]},"k\u00e9":null}"#
        );
    }

    #[test]
    fn errors() {
        let opts = JsonlOptions::default();
        assert!(run("not json", &opts)
            .unwrap_err()
            .starts_with("bad record: "));
        assert_eq!(
            run(r#"{"id":1}"#, &opts).unwrap_err(),
            r#"bad record: no "text" field"#
        );
        assert_eq!(
            run(r#"{"text":null}"#, &opts).unwrap_err(),
            r#"bad record: field "text" is null, not a string"#
        );
        assert_eq!(
            run(r#"{"text":3}"#, &opts).unwrap_err(),
            r#"bad record: field "text" is a number, not a string"#
        );
        assert!(run("[1,2]", &opts).is_err());
    }

    /// Found by `props::strip_record_refuses_a_text_field_that_is_not_a_string`
    /// (about one run in six): `{"id":1,"text":1e400}` is JSON whose text
    /// field is a number, but decoding 1e400 as an f64 fails, and the
    /// message said "number out of range" without naming the field.
    #[test]
    fn a_text_field_too_large_for_a_float_is_a_number_not_a_parse_error() {
        let opts = JsonlOptions::default();
        for line in [r#"{"id":1,"text":1e400}"#, r#"{"text":-1E999,"id":2}"#] {
            assert_eq!(
                run(line, &opts).unwrap_err(),
                r#"bad record: field "text" is a number, not a string"#,
                "{line}"
            );
        }
        // Elsewhere in a record such a number passes through as it came.
        let got = run(r#"{"n":1e400,"text":""}"#, &opts).unwrap();
        assert_eq!(got, r#"{"n":1e400,"text":""}"#);
    }

    /// Issue 20: a lone surrogate escape (`"\ud83d"`, which Python's
    /// `json` reads) made the whole record bad. The text is stripped with
    /// U+FFFD in its place; every other field is kept as it came, its
    /// escapes too.
    #[test]
    fn a_lone_surrogate_is_stripped_as_u_fffd_and_other_fields_kept() {
        let opts = JsonlOptions::default();
        let body = "Le président a déclaré jeudi qu'il était prêt à reprendre le dialogue avec son homologue, une première depuis des années.";
        let kept = |t: &str| serde_json::to_string(&Stripper::new().strip(t).text()).unwrap();
        let text = format!("{body} \u{fffd}\n");
        assert!(kept(&text).contains('\u{fffd}'));
        let line = format!(r#"{{"id":"\ud83d","text":"{body} \ud83d\n"}}"#);
        assert_eq!(
            run(&line, &opts).unwrap(),
            format!(r#"{{"id":"\ud83d","text":{}}}"#, kept(&text))
        );
        let text = format!("ab\u{fffd} {body}\n");
        let line = format!(r#"{{"text":"ab\udc00 {body}\n","k":"\udbff"}}"#);
        assert_eq!(
            run(&line, &opts).unwrap(),
            format!(r#"{{"text":{},"k":"\udbff"}}"#, kept(&text))
        );
        // A lone surrogate in a key: a field of another name.
        assert_eq!(
            run(r#"{"te\udbffxt":"a"}"#, &opts).unwrap_err(),
            r#"bad record: no "text" field"#
        );
        // With labels, offsets count the replacement as one character, as
        // Python counts the surrogate (the line end is the second).
        let opts = JsonlOptions {
            labels: true,
            ..JsonlOptions::default()
        };
        let got = run(r#"{"text":"\ud800\nx"}"#, &opts).unwrap();
        let v: serde_json::Value = serde_json::from_str(&got).unwrap();
        assert_eq!(v["decruft"][0][1], 2);
    }

    /// Issue 20: an escaped key (`"\u0041bc"`) was rewritten as `"Abc"`,
    /// although every field but the text is promised byte for byte. The
    /// text field's key too, and a rejected record's keys.
    #[test]
    fn an_escaped_key_is_written_as_it_came() {
        let opts = JsonlOptions::default();
        let line = r#"{"\u0041bc":1,"t\u0065xt":"Lire la suite \u2192\n","url":"x","\/":2}"#;
        let got = run(line, &opts).unwrap();
        assert_eq!(got, r#"{"\u0041bc":1,"t\u0065xt":"","url":"x","\/":2}"#);
        let rules = DocRules {
            drop_empty: true,
            ..DocRules::default()
        };
        let mut out = Vec::new();
        strip_record_decided(&Stripper::new(), &opts, &rules, line.as_bytes(), &mut out).unwrap();
        let got = String::from_utf8(out).unwrap();
        assert!(
            got.starts_with(
                r#"{"\u0041bc":1,"t\u0065xt":"Lire la suite \u2192\n","url":"x","\/":2,"#
            ),
            "{got}"
        );
    }

    /// Issue 13: `{"id":1,"text":"Accueil\nPartager sur Facebook\n","text":…}`
    /// stripped only the first copy and wrote the second raw, the one
    /// Python's `json` and jq read.
    #[test]
    fn a_duplicate_text_key_strips_every_copy() {
        let opts = JsonlOptions::default();
        let page = r#""Accueil\nPartager sur Facebook\n""#;
        let line = format!(r#"{{"id":1,"text":{page},"text":{page}}}"#);
        let got = run(&line, &opts).unwrap();
        assert_eq!(got, r#"{"id":1,"text":"","text":""}"#);
        // Different copies are each stripped on their own; a copy that is
        // not a string makes the record bad.
        let line = r#"{"text":"Lire la suite \u2192\n","text":"Accueil\n"}"#;
        assert_eq!(run(line, &opts).unwrap(), r#"{"text":"","text":""}"#);
        for line in [r#"{"text":"a","text":3}"#, r#"{"text":null,"text":"a"}"#] {
            let err = run(line, &opts).unwrap_err();
            assert!(err.contains("not a string"), "{line}: {err}");
        }
        // With labels, they describe the last copy (the one readers take).
        let opts = JsonlOptions {
            labels: true,
            ..JsonlOptions::default()
        };
        let got = run(r#"{"text":"a\n","text":"b\nc\n"}"#, &opts).unwrap();
        let v: serde_json::Value = serde_json::from_str(&got).unwrap();
        assert_eq!(v["decruft"].as_array().unwrap().len(), 2);
    }

    /// Issue 13: with `--labels`, a record that already had a `decruft`
    /// field got no labels, and one with `decruft_removed` got that key
    /// twice. The fields from an earlier run are replaced, each written once.
    #[test]
    fn labels_replace_the_labels_fields_of_an_earlier_run() {
        let opts = JsonlOptions {
            labels: true,
            ..JsonlOptions::default()
        };
        let line = r#"{"decruft":"old","text":"Lire la suite \u2192\n","decruft_removed":7,"decruft_flagged":"x","decruft_other":1}"#;
        let got = run(line, &opts).unwrap();
        for key in [
            "decruft",
            "decruft_removed",
            "decruft_flagged",
            "decruft_other",
        ] {
            assert_eq!(
                got.matches(&format!("\"{key}\":")).count(),
                1,
                "{key}: {got}"
            );
        }
        let v: serde_json::Value = serde_json::from_str(&got).unwrap();
        assert_eq!(v["decruft"][0][2], "read-more");
        assert_eq!(v["decruft_removed"], 1.0);
        assert_eq!(v["decruft_other"], 1);
        // Without --labels such fields pass through as they came.
        let got = run(line, &JsonlOptions::default()).unwrap();
        assert!(
            got.starts_with(r#"{"decruft":"old","text":"","decruft_removed":7,"#),
            "{got}"
        );
        // A rejected record likewise.
        let rules = DocRules {
            drop_empty: true,
            ..DocRules::default()
        };
        let mut out = Vec::new();
        let d = strip_record_decided(&Stripper::new(), &opts, &rules, line.as_bytes(), &mut out)
            .unwrap();
        assert!(d.rejected.is_some());
        let got = String::from_utf8(out).unwrap();
        for key in [
            "decruft",
            "decruft_removed",
            "decruft_flagged",
            "decruft_rejected",
        ] {
            assert_eq!(
                got.matches(&format!("\"{key}\":")).count(),
                1,
                "{key}: {got}"
            );
        }
    }

    #[test]
    fn labels_use_character_offsets() {
        let opts = JsonlOptions {
            labels: true,
            ..JsonlOptions::default()
        };
        let got = run(r#"{"text":"é\n\nLire la suite →"}"#, &opts).unwrap();
        let v: serde_json::Value = serde_json::from_str(&got).unwrap();
        let labels = v["decruft"].as_array().unwrap();
        assert_eq!(labels.len(), 3);
        assert_eq!(labels[0][0], 0);
        assert_eq!(labels[0][1], 2);
        assert_eq!(labels[2][0], 3);
        assert_eq!(labels[2][1], 18);
        assert_eq!(labels[2][2], "read-more");
    }
}
