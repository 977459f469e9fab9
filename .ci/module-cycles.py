#!/usr/bin/env python3
"""Checks that the library's modules import each other without a cycle,
file by file and folder by folder.

Every src/**/*.rs is a module: src/a/mod.rs is `a`, src/a/b.rs is `a::b`
(lib.rs, the crate root, only declares and re-exports, and is left out).
A module depends on another when its code names it: in `use` trees
(`use crate::a::{b, c::D}`, `use super::x`), in paths in code
(`crate::a::f()`, `super::b::C`), and through the names of the child
modules it declares (`mod b;` then `b::f()`). A path that ends in an item
re-exported by a `pub use` (`crate::Label`, from lib.rs) counts as the
module that defines the item.

Code compiled for tests only does not count, wherever it sits in the file:
every item under `#[cfg(test)]` (a `mod tests { … }` block, a helper
function) is cut out with its braces matched, after comments and the
contents of string and character literals are blanked, so that code after
a test module is still read.

Two graphs are checked: modules (files), and folders (the top-level
modules: `classify`, `text`, …, each file at the top of src/ a node of its
own). Prints the edges and any cycle; exits 1 on a cycle.

Run from the repository root: python3 .ci/module-cycles.py
"""

import re
import sys
from pathlib import Path

SRC = Path("src")


def module_of(path):
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts == ["lib"] or parts[-1] == "mod":
        parts.pop()
    return "::".join(parts) if parts else "crate"


def blank(code):
    """`code` with comments removed and the insides of string and char
    literals emptied (braces and `crate::` in them must not count)."""
    out, i, n = [], 0, len(code)
    while i < n:
        c = code[i]
        if code.startswith("//", i):
            j = code.find("\n", i)
            i = n if j < 0 else j
        elif code.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if code.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif code.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif re.match(r'b?r#*"', code[i:]) and (i == 0 or not (code[i - 1].isalnum() or code[i - 1] == "_")):
            m = re.match(r'b?r(#*)"', code[i:])
            end = code.find('"' + m.group(1), i + m.end())
            out.append('""')
            i = n if end < 0 else end + 1 + len(m.group(1))
        elif c == '"' or (c == "b" and code.startswith('b"', i) and (i == 0 or not (code[i - 1].isalnum() or code[i - 1] == "_"))):
            i += 2 if c == "b" else 1
            while i < n and code[i] != '"':
                i += 2 if code[i] == "\\" else 1
            out.append('""')
            i += 1
        elif c == "'":
            m = re.match(r"'(\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)|[^\\'])'", code[i:], re.S)
            if m:
                out.append("' '")
                i += m.end()
            else:  # a lifetime or a label
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def cut_test_items(code):
    """`code` (blanked) without the items under `#[cfg(test)]`."""
    while True:
        m = re.search(r"#\[cfg\(test\)\]", code)
        if not m:
            return code
        i = m.end()
        # The item: up to its first `;` or its braces, matched.
        depth = 0
        while i < len(code):
            if code[i] == "{":
                depth += 1
            elif code[i] == "}":
                depth -= 1
                if depth == 0:
                    i += 1
                    break
            elif code[i] == ";" and depth == 0:
                i += 1
                break
            i += 1
        code = code[: m.start()] + code[i:]


def use_paths(tree, prefix=""):
    """The full paths of a `use` tree (`a::{b, c::{d, e}}`)."""
    tree = tree.strip()
    m = re.match(r"((?:\w+\s*::\s*)*)\{(.*)\}$", tree, re.S)
    if not m:
        path = re.split(r"\s+as\s+", tree)[0].replace(" ", "")
        return [prefix + path] if path else []
    head = prefix + m.group(1).replace(" ", "")
    out, depth, start, body = [], 0, 0, m.group(2)
    for k, c in enumerate(body + ","):
        depth += {"{": 1, "}": -1}.get(c, 0)
        if c == "," and depth == 0:
            out += use_paths(body[start:k], head)
            start = k + 1
    return out


files = {module_of(p): p for p in sorted(SRC.rglob("*.rs"))}
modules = set(files) - {"crate"}
code = {m: cut_test_items(blank(p.read_text())) for m, p in files.items()}

# Re-exports: (module, name) -> the path it re-exports.
reexports = {}
for m, body in code.items():
    for tree in re.findall(r"\bpub(?:\([^)]*\))?\s+use\s+([^;]+);", body):
        for path in use_paths(tree):
            name = path.split("::")[-1]
            if name not in ("self", "*"):
                reexports[(m, name)] = path


def absolute(path, here):
    """`path` (from module `here`) as segments from the crate root."""
    segs = [s for s in path.split("::") if s]
    parent = here.split("::")[:-1] if here != "crate" else []
    current = here.split("::") if here != "crate" else []
    if segs[0] == "crate":
        return segs[1:]
    if segs[0] == "self":
        return current + segs[1:]
    base = current
    while segs and segs[0] == "super":
        base = base[:-1]
        segs = segs[1:]
    return base + segs


def target(segs, seen=0):
    """The module a path from the root names (the longest module prefix,
    through re-exports), or None."""
    for k in range(len(segs), 0, -1):
        m = "::".join(segs[:k])
        if m in modules:
            if k < len(segs) and (m, segs[k]) in reexports and seen < 10:
                again = target(absolute(reexports[(m, segs[k])], m), seen + 1)
                if again:
                    return again
            return m
    if segs and ("crate", segs[0]) in reexports and seen < 10:
        return target(absolute(reexports[("crate", segs[0])], "crate"), seen + 1)
    return None


edges = {}
for m in sorted(modules):
    body = code[m]
    paths = []
    for tree in re.findall(r"\buse\s+((?:crate|super|self)\b[^;]*);", body):
        paths += use_paths(tree)
    paths += re.findall(r"\b(?:crate|super|self)(?:::\w+)+", body)
    # Names of the child modules declared here, used without `self::`.
    for child in re.findall(r"\bmod\s+(\w+)\s*;", body):
        if re.search(rf"(?<![\w:]){child}::", body):
            paths.append(f"self::{child}")
    targets = set()
    for p in paths:
        t = target(absolute(p, m))
        if t and t != m:
            targets.add(t)
    edges[m] = sorted(targets)


def cycles_of(graph):
    state, stack, found = {}, [], []

    def visit(v):
        state[v] = "open"
        stack.append(v)
        for t in graph.get(v, []):
            if state.get(t) == "open":
                found.append(stack[stack.index(t) :] + [t])
            elif t not in state:
                visit(t)
        stack.pop()
        state[v] = "done"

    for v in sorted(graph):
        if v not in state:
            visit(v)
    return found


folder = lambda m: m.split("::")[0]
folders = {}
for m, ts in edges.items():
    folders.setdefault(folder(m), set()).update(folder(t) for t in ts if folder(t) != folder(m))
folders = {f: sorted(ts) for f, ts in folders.items()}

width = max(map(len, edges))
for m, ts in edges.items():
    print(f"{m:{width}} -> {', '.join(ts) or '-'}")
print()
for f, ts in sorted(folders.items()):
    print(f"{f + '/':{width}} -> {', '.join(t + '/' for t in ts) or '-'}")

cycles = cycles_of(edges) + cycles_of(folders)
if cycles:
    for c in cycles:
        print("cycle: " + " -> ".join(c))
    sys.exit(1)
print(f"no cycles among {len(modules)} modules in {len(folders)} folders and top-level files")
