#!/usr/bin/env bash
# The speed table of docs/BENCHMARKS.md (and its summary in README.md):
# decruft --jsonl against the plain-Python C4 line filter
# (../shared/bench/c4_filter.py), and against decruft as it was at an
# earlier commit, all measured in the same run.
#
#   bash benches/speed.sh [--write] [--reps N] [--no-direct] [--no-rss] [--bin PATH]
#                         [--base REV | --base-bin PATH | --no-base]
#
# Builds the shipped binary (`--profile dist`) unless --bin is given, and
# the same from commit REV (default c055f94, before issue 23's work on
# speed; from `git archive`, in target/speed-base-REV, kept for the next
# run) unless --base-bin or --no-base. Makes its inputs in a temporary
# directory from ../shared/data (never committed): the dev corpus (every
# `*dev.*.jsonl` page, `{"id", "text"}` only) and its menu-heavy pages
# (non-blank lines under 32 bytes on average). For each input it runs,
# interleaved, N rounds (default 5) of: the C4 filter, the earlier decruft
# --threads 1 and 2, decruft --threads 1 and 2, each twice: through
# ../shared/bench/run_cmd.py (the benchmarks' harness; its own Python JSON
# work caps what any command can reach, so `cat` is measured too) and
# straight from the file to /dev/null (unless --no-direct). It prints
# medians of MB/s of text and the median of the per-round ratios to the C4
# filter; then start-up (median wall time of 21 runs on empty input) and
# peak RSS on a 2 GB stream (the dev corpus repeated, 2 threads), and the
# load average before and after. With --write it puts the table between
# the `speed:begin` and `speed:end` markers of docs/BENCHMARKS.md and a
# summary between `speed-summary:begin` and `speed-summary:end` in README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
write=0 reps=5 rss=1 direct=1 bin="" base=c055f94 base_bin=""
usage="usage: bash benches/speed.sh [--write] [--reps N] [--no-direct] [--no-rss] [--bin PATH] [--base REV | --base-bin PATH | --no-base]"
while [ $# -gt 0 ]; do
    case "$1" in
        --write) write=1 ;;
        --reps) reps="$2"; shift ;;
        --no-rss) rss=0 ;;
        --no-direct) direct=0 ;;
        --bin) bin="$2"; shift ;;
        --base) base="$2"; shift ;;
        --base-bin) base_bin="$2"; base=""; shift ;;
        --no-base) base="" ;;
        *) echo "$usage" >&2; exit 2 ;;
    esac
    shift
done
base_label=""
if [ -n "$base" ]; then
    # The earlier commit's shipped binary, built once from its own tree.
    rev=$(git rev-parse --short "$base")
    dir="target/speed-base-$rev"
    if [ ! -x "$dir/decruft" ]; then
        rm -rf "$dir/src" && mkdir -p "$dir/src"
        git archive "$rev" | tar -x -C "$dir/src"
        (cd "$dir/src" && CARGO_TARGET_DIR=../../speed-base-target cargo build --quiet --profile dist -p decruft-cli)
        cp target/speed-base-target/dist/decruft "$dir/decruft"
    fi
    base_bin="$dir/decruft"
    base_label="$rev"
elif [ -n "$base_bin" ]; then
    base_label="$base_bin"
fi
if [ -z "$bin" ]; then
    cargo build --quiet --profile dist -p decruft-cli
    bin=target/dist/decruft
    profile="the dist build"
else
    profile="binary $bin"
fi
export SPEED_BASE_BIN="$base_bin" SPEED_BASE_LABEL="$base_label"
export SPEED_BIN="$bin" SPEED_REPS="$reps" SPEED_RSS="$rss" SPEED_DIRECT="$direct" SPEED_WRITE="$write" SPEED_PROFILE="$profile"
export SPEED_COMMIT="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src cli || echo '+changes')"
trap 'rm -rf "${SPEED_TMP:-}"' EXIT
mkdir -p target
export SPEED_TMP="$(mktemp -d -p target speed-XXXXXX)"
python3 - <<'EOF'
import glob, json, os, re, statistics, subprocess, sys, time

BIN, REPS = os.environ["SPEED_BIN"], int(os.environ["SPEED_REPS"])
SHARED = "../shared"
RUN_CMD, C4 = f"{SHARED}/bench/run_cmd.py", f"{SHARED}/bench/c4_filter.py"
tmp = os.environ["SPEED_TMP"]

def write_input(name, docs):
    path = f"{tmp}/{name}.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps({"id": d["id"], "text": d["text"]}, ensure_ascii=False) + "\n")
    return path, len(docs), sum(len(d["text"].encode()) for d in docs) / 1e6

docs = []
for path in sorted(glob.glob(f"{SHARED}/data/*dev.*.jsonl")):
    for line in open(path, encoding="utf-8"):
        d = json.loads(line)
        docs.append({"id": f"{os.path.basename(path)}:{d['id']}", "text": d["text"]})

def mean_line(text):
    lines = [l for l in text.split("\n") if l.strip()]
    return len(text.encode()) / max(len(lines), 1)

inputs = [("dev corpus", *write_input("dev", docs)),
          ("menu-heavy pages", *write_input("menu", [d for d in docs if mean_line(d["text"]) < 32]))]

BASE, BASE_LABEL = os.environ["SPEED_BASE_BIN"], os.environ["SPEED_BASE_LABEL"]
COMMANDS = {"c4": ["python3", C4]}
if BASE:
    COMMANDS["b1"] = [BASE, "--jsonl", "--threads", "1"]
    COMMANDS["b2"] = [BASE, "--jsonl", "--threads", "2"]
COMMANDS.update({
    "t1": [BIN, "--jsonl", "--threads", "1"],
    "t2": [BIN, "--jsonl", "--threads", "2"],
    "cat": ["cat"],
})

def harness(cmd, data):
    """MB/s of text as run_cmd.py reports it (the whole process, through its pipes)."""
    r = subprocess.run([sys.executable, RUN_CMD, "--mode", "jsonl", "--data", data,
                        "--out", f"{tmp}/pred.jsonl", "--"] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    stats = [json.loads(l) for l in r.stderr.splitlines() if l.startswith("{")]
    return stats[-1]["MB_per_s"]

def direct(cmd, data, mb):
    """MB/s of text, the command reading the file and writing to /dev/null."""
    with open(data, "rb") as f:
        t = time.perf_counter()
        subprocess.run(cmd, stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return mb / (time.perf_counter() - t)

load0 = os.getloadavg()
rows = []
for name, data, ndocs, mb in inputs:
    for how in ("run_cmd.py", "direct") if os.environ["SPEED_DIRECT"] == "1" else ("run_cmd.py",):
        runs = {k: [] for k in COMMANDS}
        for _ in range(REPS):
            for k, cmd in COMMANDS.items():
                if k == "cat" and how == "direct":
                    continue
                runs[k].append(harness(cmd, data) if how == "run_cmd.py" else direct(cmd, data, mb))
        med = {k: statistics.median(v) for k, v in runs.items() if v}
        ratio = lambda k: statistics.median(a / b for a, b in zip(runs[k], runs["c4"]))
        scaling = statistics.median(a / b for a, b in zip(runs["t2"], runs["t1"]))
        rows.append((name, ndocs, mb, how, med, {k: ratio(k) for k in med if k != "cat"},
                     scaling, ratio("cat") if runs["cat"] else None))
        print(rows[-1], file=sys.stderr)

starts = []
for _ in range(21):
    t = time.perf_counter()
    subprocess.run([BIN, "--jsonl"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
    starts.append(time.perf_counter() - t)
startup = statistics.median(starts) * 1e3

rss_line = ""
if os.environ["SPEED_RSS"] == "1":
    dev = inputs[0][1]
    times = max(1, int(2000e6 / os.path.getsize(dev)) + 1)
    feed = subprocess.Popen(["bash", "-c", f'for i in $(seq {times}); do cat "{dev}"; done'],
                            stdout=subprocess.PIPE)
    t = time.perf_counter()
    r = subprocess.run(["/usr/bin/time", "-f", "%M", BIN, "--jsonl", "--threads", "2"], stdin=feed.stdout,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    wall = time.perf_counter() - t
    feed.wait()
    peak = int(r.stderr.strip().splitlines()[-1]) / 1024
    gb = times * os.path.getsize(dev) / 1e9
    rss_line = f"Peak RSS on a {gb:.2f} GB stream (the dev corpus {times} times on stdin, 2 threads, `/usr/bin/time`): {peak:.0f} MB ({wall:.1f} s).\n"
load1 = os.getloadavg()

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
def f(x):
    return f"{x:.1f}"
out = []
out.append(f"Measured by `bash benches/speed.sh` at commit {os.environ['SPEED_COMMIT']} "
           f"({os.environ['SPEED_PROFILE']}), {time.strftime('%Y-%m-%d', time.gmtime())}, on {cpu}, "
           f"{os.cpu_count()} cores, load average {load0[0]:.1f} before and {load1[0]:.1f} after "
           f"(other jobs shared the machine). MB/s of text, median of {REPS} interleaved rounds; "
           f"×C4 is the median of the per-round ratios to the plain-Python C4 filter "
           f"(`../shared/bench/c4_filter.py`) in the same round.\n")
cols = ([("b1", f"decruft {BASE_LABEL}, 1 thread"), ("t1", "decruft now, 1 thread"),
         ("b2", f"decruft {BASE_LABEL}, 2 threads"), ("t2", "decruft now, 2 threads")] if BASE
        else [("t1", "decruft, 1 thread"), ("t2", "decruft, 2 threads")])
out.append("| input | measured | C4 filter | " + " | ".join(c for _, c in cols) + " | 2 threads / 1 |")
out.append("|---|---|---|" + "---|" * len(cols) + "---|")
for name, ndocs, mb, how, med, ratios, sc, rcat in rows:
    how_s = "through run_cmd.py" if how == "run_cmd.py" else "file → /dev/null"
    out.append(f"| {name} ({ndocs:,} pages, {mb:.1f} MB) | {how_s} | {f(med['c4'])} MB/s | " +
               " | ".join(f"{f(med[k])} MB/s ({ratios[k]:.2f}× C4)" for k, _ in cols) +
               f" | {sc:.2f}× |")
out.append("")
cats = [(name, med["cat"], rcat) for name, _, _, how, med, _, _, rcat in rows if rcat]
out.append("Through run_cmd.py, `cat` in decruft's place (the harness's own ceiling): " +
           "; ".join(f"{n} {f(m)} MB/s ({r:.2f}× C4)" for n, m, r in cats) + ".\n")
out.append(f"Start-up (`decruft --jsonl < /dev/null`, median wall time of 21 runs): {startup:.0f} ms.\n")
if rss_line:
    out.append(rss_line)
table = "\n".join(out)
print(table)
if os.environ["SPEED_WRITE"] == "1":
    doc = open("docs/BENCHMARKS.md", encoding="utf-8").read()
    new, n = re.subn(r"(<!-- speed:begin -->\n).*?(<!-- speed:end -->)",
                     lambda m: m.group(1) + table + m.group(2), doc, flags=re.S)
    if n != 1:
        sys.exit("docs/BENCHMARKS.md has no speed:begin / speed:end markers")
    open("docs/BENCHMARKS.md", "w", encoding="utf-8").write(new)
    # The README's summary: one thread, file to /dev/null, against C4.
    summary = []
    for name, ndocs, mb, how, med, ratios, sc, rcat in rows:
        if how != "direct" and os.environ["SPEED_DIRECT"] == "1":
            continue
        then = f"{ratios['b1']:.2f}× at {BASE_LABEL}, " if BASE else ""
        summary.append(f"| {name} | {f(med['t1'])} MB/s | {ratios['t1']:.2f}× ({then}same run) | "
                       f"{sc:.2f}× |")
    summary = ("| input | decruft, 1 thread | × the C4 filter | 2 threads / 1 |\n|---|---|---|---|\n"
               + "\n".join(summary) + f"\n\nLoad average {load0[0]:.1f} to {load1[0]:.1f} on "
               f"{os.cpu_count()} cores, commit {os.environ['SPEED_COMMIT']}; details in docs/BENCHMARKS.md.\n")
    readme = open("README.md", encoding="utf-8").read()
    new, n = re.subn(r"(<!-- speed-summary:begin -->\n).*?(<!-- speed-summary:end -->)",
                     lambda m: m.group(1) + summary + m.group(2), readme, flags=re.S)
    if n != 1:
        sys.exit("README.md has no speed-summary:begin / speed-summary:end markers")
    open("README.md", "w", encoding="utf-8").write(new)
    print("docs/BENCHMARKS.md and README.md updated", file=sys.stderr)
EOF
