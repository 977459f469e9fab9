#!/usr/bin/env bash
# Idempotence: decruft applied to its own output changes nothing (issue 13).
#
#   benches/idempotence.sh [DATA.jsonl...]     # default: ../shared/data/*.jsonl
#   FLAGS=--stable benches/idempotence.sh       # with decruft's flags
#
# Strips the `text` field of every record (decruft --jsonl), strips the
# output again, and a third time; counts the documents whose text changed
# on the second and third passes, and the kept lines the second pass
# dropped. Prints one line per pass. Needs a release build
# (target/release/decruft).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${DECRUFT:-target/release/decruft}
files=("$@")
if [ ${#files[@]} -eq 0 ]; then files=(../shared/data/*.jsonl); fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Only the text field: gold fields and ids are not needed.
python3 - "${files[@]}" > "$tmp/0.jsonl" <<'PY'
import json, sys
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8"):
        if line.strip():
            d = json.loads(line)
            print(json.dumps({"text": d["text"]}, ensure_ascii=False))
PY
for k in 1 2 3; do
  # shellcheck disable=SC2086
  "$B" --jsonl ${FLAGS:-} "$tmp/$((k - 1)).jsonl" > "$tmp/$k.jsonl" 2>/dev/null
done
python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
passes = [[json.loads(l)["text"] for l in open(f"{d}/{k}.jsonl", encoding="utf-8")] for k in range(4)]
n = len(passes[0])
for k in (2, 3):
    changed = sum(a != b for a, b in zip(passes[k - 1], passes[k]))
    lost = sum(max(0, len(a.splitlines()) - len(b.splitlines())) for a, b in zip(passes[k - 1], passes[k]))
    print(f"pass {k}: {changed} of {n} documents changed, {lost} lines dropped")
PY
