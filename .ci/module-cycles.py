#!/usr/bin/env python3
"""Checks that no two modules of the library import each other, directly or
round a longer loop.

Reads every src/*.rs except lib.rs (the crate root re-exports everything)
and notes each `crate::NAME` it mentions, in `use` lines (`use crate::a::b`,
`use crate::{a, b::c}`) and in paths in code (`crate::a::f()`). A NAME that
is a module is an edge to it; a NAME re-exported by lib.rs (`crate::Label`)
is an edge to the module it comes from. Test modules (`#[cfg(test)]` to the
end of the file) do not count. Prints the edges and any cycle; exits 1 on a
cycle.

Run from the repository root: python3 .ci/module-cycles.py
"""

import re
import sys
from pathlib import Path

SRC = Path("src")
modules = {p.stem for p in SRC.glob("*.rs")} - {"lib"}

# Items re-exported by lib.rs: `pub use crate::module::{A, B}` and
# `pub use crate::{module::{A, B}, other::C}` forms.
lib = (SRC / "lib.rs").read_text()
reexport = {}
for block in re.findall(r"pub use crate::(\{.*?\}|\w+::\{.*?\}|\w+::\w+);", lib, re.S):
    for module, items in re.findall(r"(\w+)::\{([^{}]*)\}", block):
        for item in re.findall(r"\w+", items):
            reexport[item] = module
    for module, item in re.findall(r"(\w+)::(\w+)(?![\w{:])", block):
        reexport.setdefault(item, module)


def names(body):
    """The first path segments after `crate::`, through `use` groups."""
    out = set()
    for m in re.finditer(r"crate::(\{|\w+)", body):
        if m.group(1) != "{":
            out.add(m.group(1))
            continue
        depth, i = 1, m.end()
        start = i
        while depth:
            depth += {"{": 1, "}": -1}.get(body[i], 0)
            i += 1
        group = body[start : i - 1]
        # Top-level entries of the group: strip nested braces first.
        while "{" in group:
            group = re.sub(r"\{[^{}]*\}", "", group)
        out.update(e.strip().split("::")[0] for e in group.split(",") if e.strip())
    return out


edges = {}
for m in sorted(modules):
    body = (SRC / f"{m}.rs").read_text()
    body = body.split("#[cfg(test)]\nmod tests")[0]
    body = re.sub(r"//.*", "", body)
    targets = set()
    for n in names(body):
        if n in modules:
            targets.add(n)
        elif n in reexport:
            targets.add(reexport[n])
    targets.discard(m)
    edges[m] = sorted(targets)

for m, ts in edges.items():
    print(f"{m:10} -> {', '.join(ts) or '-'}")

# Depth-first search for a cycle.
state, stack, cycles = {}, [], []


def visit(m):
    state[m] = "open"
    stack.append(m)
    for t in edges.get(m, []):
        if state.get(t) == "open":
            cycles.append(stack[stack.index(t) :] + [t])
        elif t not in state:
            visit(t)
    stack.pop()
    state[m] = "done"


for m in sorted(modules):
    if m not in state:
        visit(m)

if cycles:
    for c in cycles:
        print("cycle: " + " -> ".join(c))
    sys.exit(1)
print(f"no cycles among {len(modules)} modules")
