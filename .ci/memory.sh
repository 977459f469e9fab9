#!/usr/bin/env bash
# Memory stays bounded whatever the input (issue: nothing lost, memory
# bounded): peak RSS of the release binary on outsized inputs, checked
# against the bars. /usr/bin/time reports the peak in KB.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/decruft
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
check() { # name, KB, limit in MB
    echo "memory: $1: $(( $2 / 1024 )) MB peak (limit $3 MB)"
    if [ "$2" -gt $(( $3 * 1024 )) ]; then echo "memory: $1 over its limit" >&2; exit 1; fi
}
# 10 MB of blank lines, text mode: under 100 MB.
head -c 10000000 /dev/zero | tr '\0' '\n' > "$tmp/blank.txt"
check "10 MB of blank lines (text mode)" "$(peak "$bin" "$tmp/blank.txt")" 100
# 300 MB of text (the seeds repeated), text mode: read and stripped a part
# at a time, so memory does not follow the input's size.
for _ in $(seq 1 400); do cat seeds/*.txt; done > "$tmp/part.txt"
for _ in $(seq 1 15); do cat "$tmp/part.txt"; done > "$tmp/big.txt"
rm "$tmp/part.txt"
check "$(( $(stat -c %s "$tmp/big.txt") / 1000000 )) MB of text (text mode)" "$(peak "$bin" "$tmp/big.txt")" 200
