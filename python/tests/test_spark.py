"""decruft in a real local Spark job, both ways: the Python bindings inside
mapInArrow, and the CLI through RDD.pipe. Both must give exactly the records
that the CLI gives when run directly on the same JSONL."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys

import pytest

pytest.importorskip("pyspark")
pa = pytest.importorskip("pyarrow")

from pyspark.sql import SparkSession  # noqa: E402

from conftest import run_cli, site_records, write_jsonl  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    # Workers run this interpreter, the one with decruft installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    # Loopback only.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("decruft-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        # Several input splits (in file order) for a small file.
        .config("spark.sql.files.maxPartitionBytes", str(64 * 1024))
        .config("spark.sql.files.openCostInBytes", "0")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def sample(tmp_path_factory, dev_records):
    """20 {"id", "text"} records of the dev file."""
    return write_jsonl(tmp_path_factory.mktemp("spark") / "sample.jsonl", dev_records[:20])


@pytest.fixture(scope="module")
def cli_lines(cli, sample) -> list[str]:
    """The CLI's output on one machine, run directly."""
    p = subprocess.run([str(cli), "--jsonl", str(sample)], capture_output=True, check=True)
    lines = p.stdout.decode("utf-8").splitlines()
    assert len(lines) == 20
    return lines


@pytest.fixture(scope="module")
def url_sample(tmp_path_factory, dev_file):
    """20 {"id", "url", "text"} records of the dev file."""
    records = []
    with open(dev_file, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            records.append({"id": r["id"], "url": r["url"], "text": r["text"]})
            if len(records) == 20:
                break
    return write_jsonl(tmp_path_factory.mktemp("spark") / "urls.jsonl", records)


def test_spark_bindings_map_in_arrow(spark, cli, url_sample):
    # Records with URLs, read as `decruft --jsonl` reads them (issue 20).
    def strip_batches(batches):
        # Defined here so that Spark ships it by value to the workers.
        import pyarrow
        import decruft

        stripper = decruft.Stripper()
        for batch in batches:
            # One thread per Spark task: Spark already runs a task per core.
            text = stripper.strip_batch(batch.column("text"), urls=batch.column("url"), threads=1)
            columns = [batch.column("id"), batch.column("url"), text]
            yield pyarrow.RecordBatch.from_arrays(columns, names=["id", "url", "text"])

    df = spark.read.schema("id string, url string, text string").json(str(url_sample))
    assert df.rdd.getNumPartitions() > 1
    out = df.mapInArrow(strip_batches, df.schema).collect()
    got = [{"id": row["id"], "url": row["url"], "text": row["text"]} for row in out]
    p = subprocess.run([str(cli), "--jsonl", str(url_sample)], capture_output=True, check=True)
    assert got == [json.loads(line) for line in p.stdout.decode("utf-8").splitlines()]


def test_spark_cli_pipe(spark, cli, sample, cli_lines):
    rdd = spark.sparkContext.textFile(str(sample), minPartitions=2)
    assert rdd.getNumPartitions() > 1
    got = rdd.pipe(f"{shlex.quote(str(cli))} --jsonl", checkCode=True).collect()
    assert got == cli_lines  # byte for byte, in order


def test_spark_site_patterns_learn_merge_strip(spark, cli, tmp_path):
    """Site memory on a cluster: each partition learns its pages' patterns,
    the driver merges them (counts add, in any order) and broadcasts them,
    and every partition strips with them. Same patterns file and same
    records as the CLI's two passes on one machine."""
    import decruft

    path = write_jsonl(tmp_path / "sites.jsonl", site_records())
    df = spark.read.schema("id string, site string, text string").json(str(path)).repartition(3)
    assert df.rdd.getNumPartitions() == 3

    def learn_partition(rows):
        import decruft

        rows = list(rows)
        patterns = decruft.Patterns()
        patterns.add_batch([r["site"] for r in rows], [r["text"] for r in rows], threads=1)
        yield patterns.to_bytes()

    parts = df.rdd.mapPartitions(learn_partition).collect()
    assert len(parts) == 3
    merged = decruft.Patterns()
    for data in parts:
        merged.merge(decruft.Patterns.from_bytes(data))
    learned = tmp_path / "sites.pat"
    p = run_cli(cli, ["learn", "--site-field", "site", str(path), "-o", str(learned)])
    assert p.returncode == 0, p.stderr.decode()
    assert merged.to_bytes() == learned.read_bytes()
    shared = spark.sparkContext.broadcast(merged.to_bytes())

    def strip_batches(batches):
        import pyarrow
        import decruft

        stripper = decruft.Stripper(patterns=decruft.Patterns.from_bytes(shared.value))
        for batch in batches:
            text = stripper.strip_batch(batch.column("text"), sites=batch.column("site"), threads=1)
            yield pyarrow.RecordBatch.from_arrays([batch.column("id"), text], names=["id", "text"])

    out = df.mapInArrow(strip_batches, "id string, text string").collect()
    got = sorted((row["id"], row["text"]) for row in out)
    p = run_cli(cli, ["--jsonl", "--site-field", "site", "--patterns", str(learned), str(path)])
    assert p.returncode == 0, p.stderr.decode()
    want = sorted((r["id"], r["text"]) for r in map(json.loads, p.stdout.decode().splitlines()))
    assert got == want
    # The patterns hold the sites' template: the menu on (nearly) every page.
    assert merged.pages("alpha.example") == 12
    assert merged.line_pages("alpha.example", "Home") >= 11


def test_the_readme_map_in_arrow_example_runs_as_written(spark, cli, url_sample, tmp_path):
    """Issue 20, item 16: the README's mapInArrow block, run as written
    (its input and output paths pointed at the test's), gives what
    ``decruft --jsonl`` gives on records with URLs."""
    import re

    from conftest import REPO

    text = (REPO / "python" / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Through the bindings (mapInArrow)") :]
    block = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    out = tmp_path / "clean"
    block = block.replace('"pages.jsonl"', repr(str(url_sample))).replace('"clean/"', repr(str(out)))
    exec(compile(block, "README.md", "exec"), {"__name__": "readme_example"})
    got = []
    for path in sorted(out.glob("part-*")):
        got.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    p = subprocess.run([str(cli), "--jsonl", str(url_sample)], capture_output=True, check=True)
    want = [json.loads(line) for line in p.stdout.decode("utf-8").splitlines()]
    key = lambda r: r["id"]  # noqa: E731
    assert sorted(got, key=key) == sorted(want, key=key)


def test_the_readme_pipe_example_runs_as_written(spark, cli, url_sample, tmp_path):
    """The README's RDD.pipe block, run as written (paths pointed at the
    test's): exactly the records of ``decruft --jsonl``."""
    import re

    from conftest import REPO

    text = (REPO / "python" / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Through the CLI (RDD.pipe)") :]
    block = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    out = tmp_path / "clean"
    block = (
        block.replace('"pages.jsonl"', repr(str(url_sample)))
        .replace('"clean/"', repr(str(out)))
        .replace("/opt/decruft/bin/decruft", str(cli))
    )
    exec(compile(block, "README.md", "exec"), {"__name__": "readme_example", "spark": spark})
    got = []
    for path in sorted(out.glob("part-*")):
        got.extend(path.read_text(encoding="utf-8").splitlines())
    p = subprocess.run([str(cli), "--jsonl", str(url_sample)], capture_output=True, check=True)
    assert got == p.stdout.decode("utf-8").splitlines()
