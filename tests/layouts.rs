//! Realistic page layouts (issue 21): structure inside the article — spec
//! lists, pros and cons, ingredients, match facts, numbered items, a short
//! verdict heading — is article content; the furniture around it (menus,
//! rails of other articles, share rows, comment threads below an article)
//! is not; and the page's kind is read from its text.
//!
//! The pages in `tests/layouts/` were written for these tests, not taken
//! from any data set. Every case runs twice: as written (paragraphs apart,
//! as html_text or inscriptis give them) and flattened (no blank lines, as
//! Common Crawl's WET text gives it).

use decruft::{PageKind, Stripper};

struct Case {
    name: &'static str,
    text: &'static str,
    kind: PageKind,
    /// Lines (whole, trimmed) that must be kept.
    keep: &'static [&'static str],
    /// Lines (whole, trimmed) that must be dropped.
    drop: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "review with a spec list, pros and cons and a verdict",
        text: include_str!("layouts/spec.txt"),
        kind: PageKind::Article,
        keep: &[
            "Specifications",
            "Weight: 162 g",
            "Screen: 6.1 inches, OLED, 120 Hz",
            "Battery: 4,500 mAh",
            "Price: $699",
            "Pros",
            "Two-day battery life",
            "Cons",
            "No headphone jack",
            "Verdict",
        ],
        drop: &[
            "Reviews",
            "By Jane Doe",
            "Related reviews",
            "The best small phones you can buy right now",
            "Share this article",
            "Comments (12)",
        ],
    },
    Case {
        name: "recipe with ingredients and a numbered method",
        text: include_str!("layouts/recipe.txt"),
        kind: PageKind::Article,
        keep: &[
            "Easy lemon drizzle cake",
            "Ingredients",
            "225 g unsalted butter, softened",
            "4 large eggs",
            "2 lemons, zested",
            "Method",
            "1. Heat the oven to 180C and line a loaf tin with baking paper.",
        ],
        drop: &[
            "Desserts",
            "You might also like",
            "Carrot cake with cream cheese frosting",
            "Sign up for our newsletter",
        ],
    },
    Case {
        name: "match report with match facts and line-ups",
        text: include_str!("layouts/match.txt"),
        kind: PageKind::Article,
        keep: &[
            "United beat City 2-1 in a thrilling derby",
            "Match facts",
            "Goals: Hall 38, Taylor 88 (United); Moore 20 (City).",
            "Referee: P. Ward",
            "Attendance: 73,502",
        ],
        drop: &[
            "Live scores",
            "Most read",
            "Transfer news: United eye winter move",
            "Follow us on Twitter",
        ],
    },
    Case {
        name: "numbered product list with descriptions",
        text: include_str!("layouts/numbered.txt"),
        kind: PageKind::Article,
        keep: &[
            "The 4 best hiking boots of 2024",
            "1. Ridgeline Mid GTX",
            "2. Summit Trek 3",
            "4. Trail Runner Boot",
            "How we tested",
        ],
        drop: &["Best of", "Related guides", "The best hiking socks"],
    },
    Case {
        name: "forum thread: the posts are the content",
        text: include_str!("layouts/forum.txt"),
        kind: PageKind::Thread,
        keep: &[
            "Tomato leaves turning yellow at the bottom",
            "That sounds like early blight to me. Pull off the affected leaves, do not compost them, and try to keep water off the foliage when you water.",
            "Thanks, I will try that. Should I spray them with anything, or is removing the leaves enough for now?",
        ],
        drop: &["Members", "Reply Quote", "Forum rules", "Privacy policy"],
    },
    Case {
        name: "question and answers: the answers are the content",
        text: include_str!("layouts/qa.txt"),
        kind: PageKind::Thread,
        keep: &[
            "How do I reverse a list in Python without modifying the original?",
            "Use slicing: reversed_copy = my_list[::-1] creates a new list in reverse order and leaves the original untouched.",
            "Both answers above are right; just remember that list.reverse() works in place, so it is the one to avoid in your case.",
        ],
        drop: &["Ask question", "Share Follow", "Post your answer"],
    },
    Case {
        name: "article with reader comments: the comments stay dropped",
        text: include_str!("layouts/article_comments.txt"),
        kind: PageKind::Article,
        keep: &[
            "City council approves new bike lanes on Main Street",
            "The council also asked the department to report back after a year on how the lanes have affected traffic, parking and sales along the street.",
        ],
        drop: &[
            "14 Comments",
            "Finally! I have been waiting for this for years. My kids can ride to school safely now.",
            "Studies from other cities show that shops on streets with bike lanes usually see more customers, not fewer. Give it a year before you judge.",
            "Leave a comment",
        ],
    },
    Case {
        name: "listing page: headlines and snippets of other pages",
        text: include_str!("layouts/listing.txt"),
        kind: PageKind::Listing,
        keep: &[],
        drop: &["Load more stories", "About us", "Privacy policy"],
    },
    Case {
        name: "product page: description and specifications",
        text: include_str!("layouts/product.txt"),
        kind: PageKind::Product,
        keep: &[
            "Make café-quality espresso at home with a machine that heats up in three seconds and grinds fresh beans for every cup.",
            "Power: 1,680 W",
            "Water tank: 2 litres",
        ],
        drop: &["Cart (0)", "Add to wishlist", "You may also like", "© 2024 Kitchen Shop"],
    },
];

/// The page without its blank lines, as WET text gives it.
fn flattened(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn realistic_layouts() {
    let stripper = Stripper::new();
    let mut failures = Vec::new();
    for case in CASES {
        for (style, text) in [
            ("as written", case.text.to_string()),
            ("flat", flattened(case.text)),
        ] {
            let out = stripper.strip(&text);
            let verdict = |line: &str| {
                out.lines()
                    .iter()
                    .find(|v| text[v.range.clone()].trim() == line)
                    .unwrap_or_else(|| panic!("{}: no line {line:?}", case.name))
            };
            if out.kind() != case.kind {
                failures.push(format!(
                    "{} ({style}): kind {} instead of {}",
                    case.name,
                    out.kind(),
                    case.kind
                ));
            }
            for line in case.keep {
                let v = verdict(line);
                if !v.kept {
                    failures.push(format!(
                        "{} ({style}): dropped {line:?} ({}, {})",
                        case.name, v.label, v.reason
                    ));
                }
            }
            for line in case.drop {
                let v = verdict(line);
                if v.kept {
                    failures.push(format!(
                        "{} ({style}): kept {line:?} ({}, {})",
                        case.name, v.label, v.reason
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The kind reaches every surface: `decruft_kind` beside the labels in
/// JSONL (as `decruft --jsonl --labels` writes it) and the first row of the
/// review view.
#[test]
fn the_kind_is_reported() {
    let stripper = Stripper::new();
    let mut opts = decruft::JsonlOptions::default();
    opts.labels = true;
    for case in CASES {
        let line = serde_json::json!({ "id": case.name, "text": case.text }).to_string();
        let mut out = Vec::new();
        decruft::strip_record(&stripper, &opts, line.as_bytes(), &mut out).unwrap();
        let record: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(record["decruft_kind"], case.kind.as_str(), "{}", case.name);
        let mut view = Vec::new();
        stripper
            .strip(case.text)
            .write_annotated(&mut view, false)
            .unwrap();
        let first = String::from_utf8(view).unwrap();
        let first = first.lines().next().unwrap();
        assert!(first.contains(&format!("kind: {}", case.kind)), "{first}");
    }
}
