#!/usr/bin/env bash
# The forest-size trade-off table of docs/BENCHMARKS.md: for each size of the
# second stage's forest (trees × leaves at most), its quality and its speed.
#
#   bash benches/forests.sh [--write] [--configs "150x63 100x63 50x63 150x31"] [--cv K] [--reps N]
#
# For each configuration TxL:
#   - quality: `decruft eval --cv K --no-patterns --trees T --leaves L` over
#     every ../shared/data/*dev.*.jsonl (K-fold by site, default 2 to keep
#     the run short): the mean F1 over files of the trees, and the file that
#     loses most against the first configuration, with its bootstrap spread;
#   - speed: a model trained on all those files with the same settings
#     (`decruft train --seed 4 --no-patterns`), run as `decruft --model M
#     --jsonl --threads 1` over the dev corpus (every page as {id, text}),
#     interleaved with the plain-Python C4 filter (N rounds, default 3): MB/s
#     of text and the median ratio to the filter in the same round; and the
#     share of non-blank lines that skip the trees (the model's cascade).
# The first configuration is the reference (the shipped model's size).
# Takes about 6 CPU-minutes per configuration. With --write the table goes
# between the `forests:begin` and `forests:end` markers of docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
write=0 configs="150x63 100x63 50x63 150x31 100x31" cv=2 reps=3
while [ $# -gt 0 ]; do
    case "$1" in
        --write) write=1 ;;
        --configs) configs="$2"; shift ;;
        --cv) cv="$2"; shift ;;
        --reps) reps="$2"; shift ;;
        *) echo "usage: bash benches/forests.sh [--write] [--configs \"TxL ...\"] [--cv K] [--reps N]" >&2; exit 2 ;;
    esac
    shift
done
cargo build --quiet --release -p decruft-cli
export FOREST_BIN=target/release/decruft FOREST_CONFIGS="$configs" FOREST_CV="$cv" FOREST_REPS="$reps" FOREST_WRITE="$write"
export FOREST_COMMIT="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src cli || echo '+changes')"
trap 'rm -rf "${FOREST_TMP:-}"' EXIT
mkdir -p target
export FOREST_TMP="$(mktemp -d -p target forests-XXXXXX)"
python3 - <<'EOF'
import glob, json, os, re, statistics, subprocess, sys, time

BIN, TMP = os.environ["FOREST_BIN"], os.environ["FOREST_TMP"]
CV, REPS = int(os.environ["FOREST_CV"]), int(os.environ["FOREST_REPS"])
configs = [tuple(int(x) for x in c.split("x")) for c in os.environ["FOREST_CONFIGS"].split()]
files = sorted(glob.glob("../shared/data/*dev.*.jsonl"))
C4 = ["python3", "../shared/bench/c4_filter.py"]

corpus, mb = f"{TMP}/dev.jsonl", 0.0
with open(corpus, "w", encoding="utf-8") as out:
    for path in files:
        for line in open(path, encoding="utf-8"):
            d = json.loads(line)
            mb += len(d["text"].encode()) / 1e6
            out.write(json.dumps({"id": d["id"], "text": d["text"]}, ensure_ascii=False) + "\n")

def cv_table(trees, leaves):
    """Per file (whole files, not languages): (F1, spread) of the trees; and the mean."""
    r = subprocess.run([BIN, "eval", "--cv", str(CV), "--no-patterns", "--trees", str(trees),
                        "--leaves", str(leaves)] + files, capture_output=True, text=True, check=True)
    lines = r.stdout.splitlines()
    head = next(l for l in lines if l.startswith("| data |"))
    cols = [c.strip() for c in head.strip("|").split("|")]
    col = next(i for i, c in enumerate(cols) if c.startswith("trees")) - 1
    per_file = {}
    for l in lines:
        m = re.match(r"\| (\S+-dev\.\w+) \(\d+\) \|(.*)\|$", l)
        if m:
            cell = m.group(2).split("|")[col]
            f1, spread = cell.split("/")[2].split("±")
            per_file[m.group(1)] = (float(f1), float(spread))
    mean = next(l for l in lines if l.startswith("| mean over files |"))
    return per_file, float(mean.strip("|").split("|")[1 + col].split("/")[2])

def speed(model):
    runs = {"c4": [], "decruft": []}
    for _ in range(REPS):
        for name, cmd in (("c4", C4), ("decruft", [BIN, "--model", model, "--jsonl", "--threads", "1"])):
            with open(corpus, "rb") as f:
                t = time.perf_counter()
                subprocess.run(cmd, stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
                runs[name].append(time.perf_counter() - t)
    ratio = statistics.median(c / d for c, d in zip(runs["c4"], runs["decruft"]))
    return mb / statistics.median(runs["decruft"]), ratio

load0 = os.getloadavg()
rows, ref = [], None
for trees, leaves in configs:
    per_file, mean = cv_table(trees, leaves)
    model = f"{TMP}/m{trees}x{leaves}.json"
    subprocess.run([BIN, "train", "--seed", "4", "--no-patterns", "--trees", str(trees), "--leaves",
                    str(leaves), "-o", model] + files, capture_output=True, check=True)
    cascade = json.load(open(model)).get("cascade")
    mbs, ratio = speed(model)
    if ref is None:
        ref = per_file
    # The file that loses most against the reference, in units of its spread.
    worst = min(per_file, key=lambda k: (per_file[k][0] - ref[k][0]) / max(ref[k][1], 1e-9))
    drop = per_file[worst][0] - ref[worst][0]
    rows.append((trees, leaves, mean, worst, drop, ref[worst][1], mbs, ratio, cascade))
    print(rows[-1], file=sys.stderr)
load1 = os.getloadavg()

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
out = [f"Measured by `bash benches/forests.sh` at commit {os.environ['FOREST_COMMIT']} (release build), "
       f"{time.strftime('%Y-%m-%d', time.gmtime())}, on {cpu}, {os.cpu_count()} cores, load average "
       f"{load0[0]:.1f} before and {load1[0]:.1f} after. F1: `decruft eval --cv {CV} --no-patterns` "
       f"over the {len(files)} dev files, mean over files; the file that loses most against "
       f"{configs[0][0]}×{configs[0][1]} (in units of its bootstrap spread) with its change. Speed: a "
       f"model trained on all of them with the same settings, `--jsonl --threads 1` over the dev corpus "
       f"({mb:.1f} MB of text), median of {REPS} rounds interleaved with the C4 filter.\n",
       "| trees × leaves | mean F1 | worst file: ΔF1 (spread) | MB/s | ×C4 | cascade margin, window |",
       "|---|---|---|---|---|---|"]
for trees, leaves, mean, worst, drop, spread, mbs, ratio, cascade in rows:
    c = f"{cascade['margin']:g}, {cascade['window']}" if cascade else "none"
    out.append(f"| {trees} × {leaves} | {mean:.3f} | {worst}: {drop:+.3f} (±{spread:.3f}) | "
               f"{mbs:.1f} | {ratio:.2f}× | {c} |")
table = "\n".join(out) + "\n"
print(table)
if os.environ["FOREST_WRITE"] == "1":
    doc = open("docs/BENCHMARKS.md", encoding="utf-8").read()
    new, n = re.subn(r"(<!-- forests:begin -->\n).*?(<!-- forests:end -->)",
                     lambda m: m.group(1) + table + m.group(2), doc, flags=re.S)
    if n != 1:
        sys.exit("docs/BENCHMARKS.md has no forests:begin / forests:end markers")
    open("docs/BENCHMARKS.md", "w", encoding="utf-8").write(new)
    print("docs/BENCHMARKS.md updated", file=sys.stderr)
EOF
