"""Shared paths and fixtures.

The repository root is two levels up (python/tests/ -> python/ -> root); the
dev data lives beside the repository in ../shared/data, the release CLI in
target/release/decruft (``cargo build --release``; .ci/python builds it).
Missing data or CLI skips the tests that need them, except under CI=true,
where it fails them.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("DECRUFT_DATA", REPO.parent / "shared" / "data"))
DEV_FILE = DATA / "scrapinghub-dev.html_text.jsonl"
CLI = Path(os.environ.get("DECRUFT_CLI", REPO / "target" / "release" / "decruft"))


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing")
    pytest.skip(f"{what} is missing")


def read_records(path: Path, n: int | None = None) -> list[dict]:
    """The first n records of a JSONL file, as {"id", "text"} dicts."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            out.append({"id": r["id"], "text": r["text"]})
            if n is not None and len(out) == n:
                break
    return out


@pytest.fixture(scope="session")
def dev_file() -> Path:
    if not DEV_FILE.is_file():
        _missing(str(DEV_FILE))
    return DEV_FILE


@pytest.fixture(scope="session")
def dev_records(dev_file: Path) -> list[dict]:
    """The first 20 records of the scrapinghub dev file."""
    return read_records(dev_file, 20)


@pytest.fixture(scope="session")
def cli() -> Path:
    if not (CLI.is_file() and os.access(CLI, os.X_OK)):
        _missing(f"{CLI} (run cargo build --release)")
    return CLI


def write_jsonl(path: Path, records: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def run_cli(cli: Path, args: list[str], stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([str(cli), *args], input=stdin, capture_output=True, check=False)


def cli_jsonl(cli: Path, records: list[dict], *args: str) -> list[dict]:
    """The records as the CLI's --jsonl mode rewrites them."""
    stdin = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    p = run_cli(cli, ["--jsonl", *args], stdin)
    assert p.returncode == 0, p.stderr.decode()
    return [json.loads(line) for line in p.stdout.decode().splitlines()]


_WORDS = [
    "council", "river", "budget", "school", "harbour", "festival", "railway", "library",
    "market", "hospital", "election", "museum", "bridge", "factory", "garden", "stadium",
]


def site_page(site: str, i: int) -> str:
    """Page i of a site: the site's template (menu, a bio and a footer that
    read like prose) around an article of its own (as cli/tests/site.rs)."""
    w = lambda k: _WORDS[(i * 7 + k * 3) % len(_WORDS)]  # noqa: E731
    a, b, c, d, n = w(0), w(1), w(2), w(3), i + 2
    return (
        "Home\nNews\nSport\nContact us\n\n"
        f"The {a} plan for {i} new homes was approved on Tuesday\n\n"
        f"The {a} committee of {site} approved the plan after a long debate about the {b} and the {c}, "
        "officials said on Tuesday evening.\n\n"
        f"Residents had asked for changes to the {c} and the {d} before work starts next spring, "
        "and the developer agreed to most of them.\n\n"
        f"The next meeting about the {b} is planned for {n} March, when the {d} will also be "
        "discussed by the members.\n\n"
        "Jane Smith has written about the town and its people for this paper since 2004, and lives "
        "by the river with her two dogs.\n\n"
        f"{n} comments\n"
        f"Copyright {site} 2024. All rights reserved.\n"
    )


def site_records() -> list[dict]:
    """Pages of three sites (12, 6 and 2 pages), interleaved, with a site field."""
    out = []
    for i in range(12):
        for site, n in (("alpha.example", 12), ("beta.example", 6), ("gamma.example", 2)):
            if i < n:
                out.append({"id": f"{site}-{i}", "site": site, "text": site_page(site, i)})
    return out
