#!/usr/bin/env bash
# Regenerates the README's quality table: 5-fold cross-validation by site over
# every dev set in ../shared/data (both scraper styles), with bootstrap spreads,
# languages apart, and the commit and machine it ran on.
#
#   benches/quality.sh            print the table
#   benches/quality.sh --write    also replace it in README.md (between the
#                                 quality:begin / quality:end markers)
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
table = open(sys.argv[1]).read().rstrip("\n")
readme = open("README.md").read()
new, n = re.subn(r"(<!-- quality:begin -->\n).*?(<!-- quality:end -->)",
                 lambda m: m.group(1) + table + "\n" + m.group(2), readme, flags=re.S)
if n != 1:
    sys.exit("README.md has no quality:begin / quality:end markers")
open("README.md", "w").write(new)
PY
    echo "README.md updated" >&2
fi
rm -f "$out"
