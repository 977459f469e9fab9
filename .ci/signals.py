#!/usr/bin/env python3
"""Signals never cut a record in half (issue 13).

Runs `decruft --jsonl --threads 8` many times, writing to a slow pipe, and
sends it SIGINT, two SIGINTs or SIGTERM at a random moment; half the runs
read a file, half a stdin fed slowly (with pauses, so some signals land
while input is idle). Every output must be a whole-record prefix of the
full output (empty, or ending with a newline), and the run must end with
0 (it finished first), 130 (SIGINT) or 143 (SIGTERM); or killed by the
signal with nothing written, when it came in the first milliseconds, before
decruft installed its handlers.

    python3 .ci/signals.py [RUNS] [BINARY]     # RUNS: 100 by default

The input is built from the seeds (no dev data). Prints the counts per
kind of signal and exit status; exits 1 on any failure.
"""

import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import json
from pathlib import Path

NL = b"\n"
ROOT = Path(__file__).resolve().parent.parent
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 100
BINARY = sys.argv[2] if len(sys.argv) > 2 else str(ROOT / "target/release/decruft")


def build_input() -> bytes:
    texts = [p.read_text() for p in sorted((ROOT / "seeds").glob("*.txt"))]
    lines = []
    for i in range(1500):
        text = texts[i % len(texts)] + "é€😀 " * (i % 7)
        lines.append(json.dumps({"id": i, "text": text}, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode()


def slow_reader(pipe, sink: bytearray):
    """Reads the output slowly: a consumer that cannot keep up."""
    while True:
        chunk = pipe.read1(4096) if hasattr(pipe, "read1") else pipe.read(4096)
        if not chunk:
            return
        sink += chunk
        time.sleep(0.002)


def slow_writer(pipe, data: bytes, rng: random.Random):
    """Feeds stdin in pieces, with pauses (idle input)."""
    try:
        at = 0
        while at < len(data):
            n = rng.randint(1000, 60000)
            pipe.write(data[at : at + n])
            pipe.flush()
            at += n
            time.sleep(rng.choice([0.0, 0.01, 0.05, 0.3]))
        pipe.close()
    except (BrokenPipeError, ValueError, OSError):
        pass


def run(data, path, rng, kind):
    from_stdin = rng.random() < 0.5
    args = [BINARY, "--jsonl", "--threads", "8"]
    if not from_stdin:
        args.append(path)
    p = subprocess.Popen(
        args,
        stdin=subprocess.PIPE if from_stdin else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out = bytearray()
    reader = threading.Thread(target=slow_reader, args=(p.stdout, out))
    reader.start()
    writer = None
    if from_stdin:
        writer = threading.Thread(target=slow_writer, args=(p.stdin, data, rng))
        writer.start()
    if kind is not None:
        time.sleep(rng.uniform(0.0, 1.5))
        sig = signal.SIGTERM if kind == "SIGTERM" else signal.SIGINT
        try:
            p.send_signal(sig)
            if kind == "double SIGINT":
                time.sleep(rng.uniform(0.0, 0.05))
                p.send_signal(signal.SIGINT)
        except ProcessLookupError:
            pass
    t0 = time.monotonic()
    try:
        rc = p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = "hung"
    waited = time.monotonic() - t0
    reader.join()
    if writer:
        writer.join()
    err = p.stderr.read().decode(errors="replace")
    return bytes(out), rc, waited, err, from_stdin


def main():
    rng = random.Random(int(os.environ.get("SIGNALS_SEED", "13")))
    data = build_input()
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as f:
        f.write(data)
        path = f.name
    full = subprocess.run(
        [BINARY, "--jsonl", "--threads", "8", path], capture_output=True, check=True
    ).stdout
    assert full.count(b"\n") == data.count(b"\n")
    kinds = ["SIGINT", "double SIGINT", "SIGTERM"]
    counts = {}
    failures = 0
    for i in range(RUNS):
        kind = kinds[i % len(kinds)]
        out, rc, waited, err, from_stdin = run(data, path, rng, kind)
        whole = full.startswith(out) and (not out or out.endswith(b"\n"))
        want = {0, 143} if kind == "SIGTERM" else {0, 130}
        # A signal in the first milliseconds, before decruft installs its
        # handlers, ends it at once: with nothing written, that is whole too.
        early = -signal.SIGTERM if kind == "SIGTERM" else -signal.SIGINT
        ok = whole and (rc in want or (rc == early and not out))
        key = (kind, rc, "whole" if whole else "CUT")
        counts[key] = counts.get(key, 0) + 1
        if not ok:
            failures += 1
            print(
                f"run {i}: {kind}, stdin={from_stdin}: exit {rc}, "
                f"{out.count(NL)} of {full.count(NL)} records, "
                f"{'whole' if whole else 'CUT'}; stderr: {err.strip()!r}",
                file=sys.stderr,
            )
    os.unlink(path)
    for (kind, rc, whole), n in sorted(counts.items(), key=str):
        print(f"{kind:14} exit {rc}: {n} runs, output {whole}")
    print(f"{RUNS} runs, {failures} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
