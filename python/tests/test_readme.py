"""The datatrove example of python/README.md, run as written.

The example is taken from the README (the first python block after the
"## datatrove" heading), saved as a script and run with a fresh Python in a
folder holding a small data/ folder: it must finish (datatrove's
forkserver workers import the script again: without its main guard it
never would) and write clean/ and rejected/ as the README says.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys

import pytest

pytest.importorskip("datatrove")

from conftest import REPO  # noqa: E402

import decruft  # noqa: E402
from decruft.datatrove import judge  # noqa: E402


def readme_example() -> str:
    text = (REPO / "python" / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## datatrove") :]
    m = re.search(r"```python\n(.*?)```", section, re.S)
    assert m, "no python block under ## datatrove"
    return m.group(1)


def pages() -> list[dict]:
    seeds = sorted((REPO / "seeds").glob("*.txt"))
    out = [{"id": s.stem, "text": s.read_text(encoding="utf-8")} for s in seeds]
    # Pages that the filter drops: a menu, and nothing at all.
    out.append({"id": "menu", "text": "Accueil\nActualités\nSport\nContact\n"})
    out.append({"id": "empty", "text": ""})
    out.append({"id": "short", "text": "Accueil\n\nUn texte court mais bien réel, qui passe pour un article.\n"})
    return out


def read_folder(folder) -> list[dict]:
    out = []
    for path in sorted(folder.rglob("*.jsonl*")):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as f:
            out.extend(json.loads(line) for line in f if line.strip())
    return out


def test_the_readme_example_runs_as_written(tmp_path):
    example = readme_example()
    assert 'if __name__ == "__main__":' in example
    (tmp_path / "example.py").write_text(example, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    records = pages()
    with gzip.open(data / "pages.jsonl.gz", "wt", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")

    # A hang (the missing guard's symptom) fails here rather than never.
    run = subprocess.run(
        [sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True, timeout=180
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "bootstrapping phase" not in run.stderr

    clean = {r["id"]: r for r in read_folder(tmp_path / "clean")}
    rejected = {r["id"]: r for r in read_folder(tmp_path / "rejected")}
    assert clean.keys().isdisjoint(rejected.keys())
    # Every page is in one of the two (datatrove's reader skips the one
    # without text before any step sees it).
    assert clean.keys() | rejected.keys() == {r["id"] for r in records if r["text"]}
    # What decruft keeps, and the filter's rule on it.
    for r in records:
        kept = decruft.strip(r["text"])
        reason = judge(len(r["text"]), kept, min_kept_chars=200)
        if reason is None:
            assert clean[r["id"]]["text"] == kept, r["id"]
        elif r["id"] in rejected:
            assert rejected[r["id"]]["metadata"]["filter_reason"] == reason, r["id"]
    assert {"menu", "short"} <= rejected.keys()
    assert all(len(r["text"]) >= 200 for r in clean.values())


def test_the_bindings_example_runs_as_written(tmp_path):
    """Issue 20, item 16: the bindings example used an undefined ``pages``.
    The block under "## The bindings" runs as written, with a page.txt."""
    text = (REPO / "python" / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## The bindings") :]
    m = re.search(r"```python\n(.*?)```", section, re.S)
    assert m, "no python block under ## The bindings"
    (tmp_path / "example.py").write_text(m.group(1), encoding="utf-8")
    seed = sorted((REPO / "seeds").glob("*.txt"))[0]
    (tmp_path / "page.txt").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-3000:]
