#!/usr/bin/env python3
"""Pages of the dev data whose article sits inside one long line (issue 22):
more than half of the gold (the body's 4-token shingles, or the `with`
snippets) is inside a line longer than 1,000 characters, a line that glues
navigation, share rows and the article together. Lists them with the recall
of the article before and after, each from either a decruft binary run over
the pages (`--jsonl`, with their URLs) or the held-out outputs of a
cross-validation run (`decruft eval --cv 5 -o DIR ...`):

    python3 benches/glued_lines.py --before-bin /tmp/base/decruft-base --after-bin target/release/decruft
    python3 benches/glued_lines.py --before-dir /tmp/base/cv --after-dir /tmp/cv [--classifier trees]

Pages that arrive as one line (`*.single_line.jsonl`) are left out: all of
them qualify, and the CV table measures them; `--all-styles` takes them in.
Scores as ../shared/bench/score.py (recall: body shingles found, `with`
snippets found); F1 per page for bodies, accuracy for snippets.
"""
import argparse
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("DECRUFT_DATA", os.path.join(HERE, "..", "..", "shared", "data"))
sys.path.insert(0, os.path.join(DATA, "..", "bench"))
import score  # noqa: E402  (../shared/bench/score.py: the benchmarks' metrics)

LONG = 1000


def inside_long_lines(doc):
    """The share of the gold inside lines longer than LONG characters, the
    share of those lines that is not gold (body shingles not in the body;
    for snippet pages 1 if a `without` snippet is in them, else 0), and the
    longest such line's length."""
    long_lines = [line for line in doc["text"].split("\n") if len(line) > LONG]
    if not long_lines:
        return 0.0, 0.0, 0
    longest = max(len(line) for line in long_lines)
    if "body" in doc:
        gold = score.shingles(doc["body"])
        inside = score.shingles(" \n ".join(long_lines))
        if not gold or not inside:
            return 0.0, 0.0, longest
        both = sum((gold & inside).values())
        return both / sum(gold.values()), 1 - both / sum(inside.values()), longest
    joined = [score.norm(line) for line in long_lines]
    snippets = [score.norm(s) for s in doc["with"] if score.norm(s)]
    if not snippets:
        return 0.0, 0.0, longest
    found = sum(any(s in line for line in joined) for s in snippets)
    leak = any(score.norm(s) and any(score.norm(s) in line for line in joined) for s in doc["without"])
    return found / len(snippets), float(leak), longest


def page_scores(doc, out):
    """(recall, F1 or accuracy) of one page's output."""
    if "body" in doc:
        tp, fp, fn, _ = score.body_counts(doc, out)
        p, r = score.doc_pr(tp, fp, fn)
        return r, (2 * p * r / (p + r) if p + r else 0.0)
    tp, fp, fn, tn = score.snippet_counts(doc, out)
    r = tp / (tp + fn) if tp + fn else 1.0
    return r, (tp + tn) / max(1, tp + fp + fn + tn)


def run_binary(binary, docs):
    """decruft --jsonl over the pages, as run_cmd.py feeds it (id, url, text)."""
    feed = "".join(
        json.dumps({k: d[k] for k in ("id", "url", "text") if k in d}, ensure_ascii=False) + "\n"
        for d in docs
    )
    res = subprocess.run([binary, "--jsonl"], input=feed.encode(), capture_output=True, check=True)
    return {str(r["id"]): r.get("text") or "" for r in map(json.loads, res.stdout.decode().splitlines())}


def held_out(directory, name, classifier):
    path = os.path.join(directory, f"{name}.{classifier}.jsonl")
    if not os.path.exists(path):
        sys.exit(f"no held-out outputs at {path}")
    with open(path, encoding="utf-8") as f:
        return {str(r["id"]): r.get("text") or "" for r in map(json.loads, f)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    before = ap.add_mutually_exclusive_group(required=True)
    before.add_argument("--before-bin", help="a decruft binary: the 'before'")
    before.add_argument("--before-dir", help="held-out outputs of a CV run: the 'before'")
    after = ap.add_mutually_exclusive_group(required=True)
    after.add_argument("--after-bin", help="a decruft binary: the 'after'")
    after.add_argument("--after-dir", help="held-out outputs of a CV run: the 'after'")
    ap.add_argument("--classifier", default="trees", help="with --*-dir: which CV output (default: trees)")
    ap.add_argument("--all-styles", action="store_true", help="take in one-line pages (*.single_line) too")
    args = ap.parse_args()

    rows = []
    for path in sorted(glob.glob(os.path.join(DATA, "*dev.*.jsonl"))):
        name = os.path.basename(path)[: -len(".jsonl")]
        if name.endswith(".single_line") and not args.all_styles:
            continue
        with open(path, encoding="utf-8") as f:
            docs = [json.loads(line) for line in f]
        picked = []
        for d in docs:
            share, other, longest = inside_long_lines(d)
            if share > 0.5:
                picked.append((d, share, other, longest))
        if not picked:
            continue
        pages = [d for d, _, _, _ in picked]
        outs = []
        for binary, directory in ((args.before_bin, args.before_dir), (args.after_bin, args.after_dir)):
            outs.append(run_binary(binary, pages) if binary else held_out(directory, name, args.classifier))
        for d, share, other, longest in picked:
            b = page_scores(d, outs[0].get(str(d["id"]), ""))
            a = page_scores(d, outs[1].get(str(d["id"]), ""))
            rows.append((name, str(d["id"]), longest, share, other, b, a))

    print(
        "| data | page | longest line (chars) | gold inside long lines | not gold in them "
        "| recall before | recall after | F1/acc before | F1/acc after |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, pid, longest, share, other, b, a in rows:
        print(
            f"| {name} | {pid} | {longest:,} | {share:.2f} | {other:.2f} "
            f"| {b[0]:.3f} | {a[0]:.3f} | {b[1]:.3f} | {a[1]:.3f} |"
        )
    mean = lambda xs: sum(xs) / len(xs)
    for what, subset in (
        ("all pages", rows),
        ("long lines that glue other text to the article (>= 20% not gold)", [r for r in rows if r[4] >= 0.2]),
    ):
        if subset:
            print(
                f"| **mean, {what}: {len(subset)}** | | | | | {mean([r[5][0] for r in subset]):.3f} | "
                f"{mean([r[6][0] for r in subset]):.3f} | {mean([r[5][1] for r in subset]):.3f} | "
                f"{mean([r[6][1] for r in subset]):.3f} |"
            )


if __name__ == "__main__":
    main()
