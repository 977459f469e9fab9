#!/usr/bin/env bash
# Site memory at scale (docs/BENCHMARKS.md, "Site memory"): `decruft learn` over 1 GB of
# JSON Lines, then `decruft --jsonl` with and without the patterns.
#
#   bash benches/site.sh [ROUNDS]      # from the repository root
#
# The corpus is the dev files (../shared/data/*dev.*.jsonl) concatenated
# over and over, each copy's pages moved to sites of their own (the URL's
# host and the site field get a `cN.` prefix), until 1 GB: as many pages
# per site as the dev data has, many more sites. Made in $DIR (default
# /tmp/decruft-site), never kept in the repository. Peak RSS and times with
# GNU time; stripping is timed on the first 200 MB, back to back with and
# without patterns in each round (best of ROUNDS, default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
dir=${DIR:-/tmp/decruft-site}
mkdir -p "$dir"
cargo build --release -q -p decruft-cli
bin="$dir/decruft"
cp target/release/decruft "$bin"

if [ ! -s "$dir/corpus.jsonl" ]; then
    python3 - "$dir/corpus.jsonl" <<'PY'
import glob, json, re, sys
files = sorted(glob.glob("../shared/data/*dev.*.jsonl"))
n = copy = 0
with open(sys.argv[1], "w", encoding="utf-8") as out:
    while n < 1_000_000_000:
        for path in files:
            for line in open(path, encoding="utf-8"):
                if not line.strip():
                    continue
                r = json.loads(line)
                if isinstance(r.get("url"), str):
                    r["url"] = re.sub(r"^(\w+://)(www\.)?", rf"\g<1>c{copy}.", r["url"])
                if isinstance(r.get("site"), str):
                    r["site"] = f"c{copy}.{r['site']}"
                r["id"] = f"{r.get('id')}-{copy}"
                s = json.dumps(r, ensure_ascii=False) + "\n"
                out.write(s)
                n += len(s.encode())
        copy += 1
print(f"{n} bytes, {copy} copies", file=sys.stderr)
PY
    head -c 200000000 "$dir/corpus.jsonl" | sed '$d' > "$dir/sample.jsonl"
fi
ls -l "$dir/corpus.jsonl" "$dir/sample.jsonl"

t() { /usr/bin/time -f "%e s wall, %U s user, %S s sys, %M KB peak RSS" "$@"; }
echo "== learn, 1 GB"
t "$bin" learn "$dir/corpus.jsonl" -o "$dir/corpus.pat"
ls -l "$dir/corpus.pat"
echo "== learn, 4 shards of 250 MB, then merge"
split -n l/4 -d "$dir/corpus.jsonl" "$dir/shard."
for k in 0 1 2 3; do t "$bin" learn "$dir/shard.0$k" -o "$dir/shard.$k.pat"; done
t "$bin" learn --merge "$dir"/shard.?.pat -o "$dir/merged.pat"
if cmp -s "$dir/merged.pat" "$dir/corpus.pat"; then
    echo "merged shards: the same file as learning the whole"
else
    echo "merged shards: not the same file (a memory cap was reached on the way)"
fi
rm -f "$dir"/shard.0?
echo "== learn, the 200 MB sample"
t "$bin" learn "$dir/sample.jsonl" -o "$dir/sample.pat"
for r in $(seq "$rounds"); do
    echo "== round $r: strip the 200 MB sample"
    t "$bin" --jsonl "$dir/sample.jsonl" -o /dev/null
    t "$bin" --jsonl --patterns "$dir/sample.pat" "$dir/sample.jsonl" -o /dev/null
done
