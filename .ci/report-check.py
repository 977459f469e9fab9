#!/usr/bin/env python3
"""Renders a `decruft report` in headless Chromium and checks what it shows.

The sample is the seeds as JSON Lines (gzip, as a pipeline would give it).
Expected counts come from `decruft annotate` on each seed: the pages shown,
the dropped (non-blank) lines, per label. The page's own script counts the
struck-through lines the browser rendered into #rendered; --dump-dom gives
the DOM after it ran, and the two must agree.

    python3 .ci/report-check.py [--decruft target/release/decruft]
                                [--screenshot docs/report.png]

(docs/report.png was made so, with pngquant installed.)

Installs Debian's chromium with apt-get when it is missing (CI runs as
root). Exit status 0 when the page renders with the expected counts.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    print("report-check: installing chromium (apt-get)", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", "fonts-dejavu-core"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    path = shutil.which("chromium")
    if not path:
        sys.exit("report-check: chromium did not install")
    return path


def browse(browser: str, url: str, *extra: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}", *extra, url],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
    return out.stdout


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--decruft", default=str(ROOT / "target/release/decruft"))
    ap.add_argument("--screenshot", help="also write a screenshot (PNG) here")
    args = ap.parse_args()

    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    want_struck = 0
    want_labels: Counter[str] = Counter()
    struck_per_seed = {}
    for seed in seeds:
        ann = subprocess.run(
            [args.decruft, "annotate", "--color", "never", str(seed)], check=True, capture_output=True, text=True
        ).stdout
        struck_per_seed[seed] = 0
        for line in ann.splitlines():
            mark, label = line[:1], line[2:].split(" ", 1)[0]
            if mark == "-" and label != "blank":
                want_struck += 1
                want_labels[label] += 1
                struck_per_seed[seed] += 1
    # The page with most struck lines first: the one the screenshot shows.
    seeds.sort(key=lambda s: -struck_per_seed[s])

    work = Path(tempfile.mkdtemp(prefix="decruft-report-"))
    sample = work / "sample.jsonl.gz"
    with gzip.open(sample, "wt", encoding="utf-8") as f:
        for seed in seeds:
            f.write(json.dumps({"id": seed.stem, "text": seed.read_text(encoding="utf-8")}) + "\n")

    page = work / "report.html"
    subprocess.run([os.path.abspath(args.decruft), "report", sample.name, "-o", page.name], check=True, cwd=work)
    source = page.read_text(encoding="utf-8")
    for needle in ("src=", "<link", "@import", "url(", 'href="http'):
        if needle in source:
            sys.exit(f"report-check: the page loads something ({needle!r})")

    browser = chromium()
    dom = browse(browser, page.as_uri(), "--dump-dom")
    m = re.search(r'<span id="rendered"([^>]*)>([^<]*)</span>', dom)
    if not m:
        sys.exit("report-check: #rendered not in the DOM: the page's script did not run")
    attrs = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', m.group(1)))
    got_pages, got_struck = int(attrs.get("pages", -1)), int(attrs.get("struck", -1))
    got_labels = json.loads(html.unescape(attrs.get("per-label", "{}")))
    ok = True
    for what, got, want in [
        ("pages shown", got_pages, len(seeds)),
        ("lines struck through", got_struck, want_struck),
        ("struck lines per label", got_labels, dict(want_labels)),
    ]:
        status = "ok" if got == want else "MISMATCH"
        ok &= got == want
        print(f"report-check: {what}: rendered {got}, expected {want}: {status}")
    summary = re.search(r'<span id="summary" data-pages="(\d+)"', dom)
    if not summary or int(summary.group(1)) != len(seeds):
        ok = False
        print("report-check: the summary does not count every page")
    bins = sum(int(n) for n in re.findall(r'class="bin" data-count="(\d+)"', dom))
    print(f"report-check: histogram holds {bins} pages, expected {len(seeds)}")
    ok &= bins == len(seeds)

    shot = work / "report.png"
    browse(browser, page.as_uri(), f"--screenshot={shot}", "--window-size=1000,1400")
    size = shot.stat().st_size if shot.exists() else 0
    print(f"report-check: screenshot {size} bytes")
    ok &= size > 20_000  # a blank page is a few kB
    if args.screenshot:
        shutil.copy(shot, args.screenshot)
        # The copy in docs/ (docs/GUIDE.md shows it), made small when pngquant is there.
        if shutil.which("pngquant"):
            subprocess.run(
                ["pngquant", "--quality", "60-85", "--speed", "1", "--strip", "--force", "--output", args.screenshot, str(shot)],
                check=True,
            )
    shutil.rmtree(work, ignore_errors=True)
    print("report-check: " + ("ok" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
