#!/usr/bin/env python3
"""Checks the shape the repository promises (issue 19), so that it holds:

- `src/` has at most 8 files at its top; the rest is in folders;
- no Rust source file of the library, the command or the bindings is over
  900 lines;
- training is gated in one place: `#[cfg(feature = "train")]` appears in
  `src/lib.rs` only;
- the pipeline diagram of docs/ARCHITECTURE.md is the one of src/lib.rs;
- README.md stays under 12 KB (the rest goes to docs/).

Prints what is wrong and exits 1. Run from the repository root:
python3 .ci/layout-check.py
"""

import re
import sys
from pathlib import Path

problems = []

top = [p for p in Path("src").iterdir() if p.is_file()]
if len(top) > 8:
    problems.append(f"src/ has {len(top)} files at its top (at most 8): {sorted(p.name for p in top)}")

for root in ["src", "cli/src", "python/src"]:
    for p in sorted(Path(root).rglob("*.rs")):
        n = len(p.read_text(encoding="utf-8").splitlines())
        if n > 900:
            problems.append(f"{p} has {n} lines (at most 900)")

for p in sorted(Path("src").rglob("*.rs")):
    if p == Path("src/lib.rs"):
        continue
    if 'feature = "train"' in p.read_text(encoding="utf-8"):
        problems.append(f"{p} is gated on the train feature (only src/lib.rs may be)")


def diagram(path):
    m = re.search(r"```text\n(.*?)```", Path(path).read_text(encoding="utf-8"), re.S)
    return m.group(1) if m else None


if diagram("src/lib.rs") is None or diagram("src/lib.rs") != diagram("docs/ARCHITECTURE.md"):
    problems.append("docs/ARCHITECTURE.md's pipeline diagram differs from src/lib.rs's")

size = Path("README.md").stat().st_size
if size > 12 * 1024:
    problems.append(f"README.md is {size} bytes (at most 12 KB: move the rest to docs/)")

for p in problems:
    print("layout-check: " + p)
print("layout-check: " + ("FAILED" if problems else "ok"))
sys.exit(1 if problems else 0)
