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
