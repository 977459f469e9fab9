#!/usr/bin/env bash
# Throughput and peak memory of `decruft --jsonl` over a 1 GB stream, plain
# and gzip-compressed (docs/BENCHMARKS.md, "Speed"). Synthetic pages (word salad from the
# seeds' vocabulary, so gzip compresses it about as much as real text, with
# menu, byline, share and teaser lines around it) are made in $DIR (default
# /tmp/decruft-1gb) and not kept in the repository.
#
#   bash benches/compressed.sh [ROUNDS]      # from the repository root
#
# Each round runs plain, .gz (file), .gz (stdin) and .gz -> .zst back to
# back, so that load from other processes weighs on all alike; docs/BENCHMARKS.md
# gives the best of 5 rounds and CPU time. Needs /usr/bin/time (GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
dir=${DIR:-/tmp/decruft-1gb}
mkdir -p "$dir"
cargo build --release -q
bin="$dir/decruft"
cp target/release/decruft "$bin"   # rebuilding meanwhile does not change what is measured

if [ ! -s "$dir/pages.jsonl.gz" ]; then
    python3 - "$dir/pages.jsonl" <<'EOF'
import glob, json, random, re, sys
random.seed(15)
words = []
for p in sorted(glob.glob("seeds/*.txt")):
    words += re.findall(r"\w+|[,.;:!?«»]", open(p, encoding="utf-8").read())
menu = ["Accueil", "Actualités", "International", "Politique", "Économie", "Sport", "Culture", "Contact"]
tail = ["Partager sur Facebook", "Partager sur Twitter", "Lire la suite →",
        "Abonnez-vous à notre newsletter", "© 2024 Le Journal. Tous droits réservés."]
def salad(lo, hi):
    return " ".join(random.choice(words) for _ in range(random.randint(lo, hi)))
n = i = 0
with open(sys.argv[1], "w", encoding="utf-8") as out:
    while n < 1_000_000_000:
        paras = [(lambda s: s[0].upper() + s[1:] + ".")(salad(30, 160)) for _ in range(random.randint(3, 12))]
        teasers = [salad(6, 14).capitalize() for _ in range(random.randint(0, 6))]
        lines = (random.sample(menu, random.randint(2, 6)) + ["", salad(6, 12).capitalize(), "",
                 f"Par Rédaction · {random.randint(1, 28)} novembre 2024"] + [p + "\n" for p in paras]
                 + tail[: random.randint(0, 5)] + teasers)
        line = json.dumps({"id": i, "url": f"https://www.example.fr/{i}", "text": "\n".join(lines) + "\n"},
                          ensure_ascii=False)
        out.write(line + "\n")
        n += len(line.encode()) + 1
        i += 1
print(f"{i} records, {n} bytes", file=sys.stderr)
EOF
    gzip -6 -k -f "$dir/pages.jsonl"
fi
ls -l "$dir/pages.jsonl" "$dir/pages.jsonl.gz"

run() {
    local name=$1
    shift
    /usr/bin/time -v "$@" 2> "$dir/time.log"
    awk -v name="$name" '
        /Elapsed/ { wall = $NF }
        /User time/ { user = $NF }
        /System time/ { sys = $NF }
        /Maximum resident/ { rss = $NF }
        END { printf "%-10s wall %s  cpu %.2f s  peak RSS %.1f MB\n", name, wall, user + sys, rss / 1024 }
    ' "$dir/time.log"
}
for _ in $(seq "$rounds"); do
    run plain "$bin" --jsonl "$dir/pages.jsonl" -o /dev/null
    run gz "$bin" --jsonl "$dir/pages.jsonl.gz" -o /dev/null
    run gz-stdin sh -c "'$bin' --jsonl < '$dir/pages.jsonl.gz' > /dev/null"
    run gz-to-zst "$bin" --jsonl "$dir/pages.jsonl.gz" -o "$dir/out.jsonl.zst"
done
run zcat sh -c "zcat '$dir/pages.jsonl.gz' > /dev/null"
