#!/usr/bin/env bash
# Regenerates the quality tables: 5-fold cross-validation by site over every
# dev set in ../shared/data (every scraper style), with bootstrap spreads,
# languages apart, and the commit and machine it ran on.
#
#   benches/quality.sh            print the tables
#   benches/quality.sh --write    also replace them in docs/BENCHMARKS.md
#                                 (between the quality:begin / quality:end
#                                 markers) and the summary in README.md (one
#                                 row per dev set, between quality-summary:begin
#                                 and quality-summary:end)
#
# Takes about 5 minutes on 2 cores. Extra arguments after the first go to
# `decruft eval` (e.g. --trees 0 for the linear model alone).
set -euo pipefail
cd "$(dirname "$0")/.."
write=false
if [ "${1:-}" = "--write" ]; then write=true; shift; fi
data=${DECRUFT_DATA:-../shared/data}
cargo build --release -q -p decruft-cli
out=$(mktemp)
{
    echo "Measured at commit \`$(git describe --always --dirty)\` on $(date -u +%Y-%m-%d), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), by \`benches/quality.sh\`:"
    echo "\`decruft eval --cv 5 $* $data/*dev.*.jsonl\`."
    echo
    ./target/release/decruft eval --cv 5 "$@" "$data"/*dev.*.jsonl
} > "$out"
cat "$out"
if $write; then
    python3 - "$out" <<'PY'
import re, sys

def put(path, marker, text):
    doc = open(path, encoding="utf-8").read()
    new, n = re.subn(r"(<!-- %s:begin -->\n).*?(<!-- %s:end -->)" % (marker, marker),
                     lambda m: m.group(1) + text + "\n" + m.group(2), doc, flags=re.S)
    if n != 1:
        sys.exit(f"{path} has no {marker}:begin / {marker}:end markers")
    open(path, "w", encoding="utf-8").write(new)

table = open(sys.argv[1], encoding="utf-8").read().rstrip("\n")
put("docs/BENCHMARKS.md", "quality", table)

# The README's summary: per dev set, the F1 of each configuration averaged
# over its scraper styles (the rows of whole files, not of languages).
lines = table.split("\n")
head = next(l for l in lines if l.startswith("| data |"))
configs = [c.strip() for c in head.strip("|").split("|")][1:]
f1 = {}
for l in lines:
    m = re.match(r"\| ([\w-]+?)-dev\.([\w_]+) \((\d+)\) \|(.*)\|$", l)
    if not m:
        continue
    cells = [c.strip() for c in m.group(4).split("|")]
    scores = [float(c.split("/")[2].split("±")[0]) for c in cells]
    f1.setdefault(m.group(1), []).append((int(m.group(3)), scores))
mean = next(l for l in lines if l.startswith("| mean over files |"))
mean = [float(c.split("/")[2]) for c in mean.strip("|").split("|")[1:]]
want = [("heuristics", "heuristics only"), ("trees, no patterns", "decruft (default)"),
        ("trees", "with site patterns")]
cols = [configs.index(c) for c, _ in want]
commit = re.search(r"commit `([^`]+)`", table).group(1)
out = [f"F1 by dev set (`decruft eval --cv 5`, folds by site, averaged over the "
       f"scraper styles; commit `{commit}`, full tables in docs/BENCHMARKS.md):", "",
       "| dev set | pages | " + " | ".join(n for _, n in want) + " |",
       "|---|---|" + "---|" * len(want)]
for name, rows in f1.items():
    pages = rows[0][0]
    avg = [sum(r[1][c] for r in rows) / len(rows) for c in cols]
    out.append(f"| {name} | {pages} | " + " | ".join(f"{a:.3f}" for a in avg) + " |")
out.append("| mean over files | | " + " | ".join(f"{mean[c]:.3f}" for c in cols) + " |")
# By scraper style: the dev sets that hold the same pages in every style.
styles = {}
for l in lines:
    m = re.match(r"\| ([\w-]+?)-dev\.([\w_]+) \((\d+)\) \|(.*)\|$", l)
    if m:
        cells = [c.strip() for c in m.group(4).split("|")]
        styles.setdefault(m.group(1), {})[m.group(2)] = cells[configs.index("trees, no patterns")]
sets = [s for s, by in styles.items() if len(by) > 2]
if sets:
    names = {"inscriptis": "`inscriptis.get_text` (layout kept)", "html_text": "`html_text.extract_text` (flat lines)",
             "wet": "Common Crawl WET (no blank lines)", "resiliparse": "resiliparse plain text (alt texts too)",
             "single_line": "`trafilatura.html2txt` (one line per page)"}
    out += ["", "By scraper style: the same pages and gold, each as one scraper writes its text "
            "(decruft as it runs by default; precision / recall / F1):", "",
            "| scraper style | " + " | ".join(sets) + " |",
            "|---|" + "---|" * len(sets)]
    for style in ["inscriptis", "html_text", "wet", "resiliparse", "single_line"]:
        if all(style in styles[s] for s in sets):
            out.append(f"| {names[style]} | " + " | ".join(styles[s][style].split(" ±")[0] for s in sets) + " |")
put("README.md", "quality-summary", "\n".join(out))
PY
    echo "docs/BENCHMARKS.md and README.md updated" >&2
fi
rm -f "$out"
