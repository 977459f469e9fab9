"""decruft.datatrove.DecruftFormatter in a real datatrove pipeline."""

from __future__ import annotations

import gzip
import json
import pickle

import pytest

pytest.importorskip("datatrove")

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

import decruft  # noqa: E402
from conftest import write_jsonl  # noqa: E402
from decruft.datatrove import DecruftFormatter  # noqa: E402


def read_output(folder) -> list[dict]:
    out = []
    for path in sorted(folder.rglob("*.jsonl*")):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as f:
            out.extend(json.loads(line) for line in f if line.strip())
    return out


def test_local_pipeline(tmp_path, dev_records):
    records = dev_records[:20]
    source = tmp_path / "in"
    source.mkdir()
    write_jsonl(source / "sample.jsonl", records)
    out_dir = tmp_path / "out"
    step = DecruftFormatter(batch_size=7)  # batches that do not divide the input
    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(source), glob_pattern="*.jsonl"),
            step,
            JsonlWriter(str(out_dir), output_filename="${rank}.jsonl", compression=None),
        ],
        tasks=1,
        logging_dir=str(tmp_path / "logs"),
    )
    stats = executor.run()

    got = {r["id"]: r for r in read_output(out_dir)}
    assert sorted(got) == sorted(r["id"] for r in records)
    for r in records:
        out = got[r["id"]]
        text = out.get("text", "")  # JsonlWriter leaves out empty fields
        assert text == decruft.strip(r["text"]), r["id"]
        frac = out["metadata"]["decruft_removed_fraction"]
        want = 1 - len(text) / len(r["text"]) if r["text"] else 0.0
        assert frac == pytest.approx(want)
        assert 0.0 <= frac <= 1.0
    assert any(out["metadata"]["decruft_removed_fraction"] > 0 for out in got.values())

    # Stats: per-label dropped-line counts match annotate's, summed over docs.
    want_counts: dict[str, int] = {}
    for r in records:
        for d in decruft.Stripper().annotate(r["text"]):
            if not d["kept"] and d["label"] != "blank":
                want_counts[d["label"]] = want_counts.get(d["label"], 0) + 1
    step_stats = next(s for s in stats.stats if s.name == str(step))
    got_counts = {
        k[len("dropped_lines_") :]: v.total for k, v in step_stats.stats.items() if k.startswith("dropped_lines_")
    }
    assert got_counts == want_counts
    assert step_stats.stats["total"].total == len(records)
    assert step_stats.stats["chars_in"].total == sum(len(r["text"]) for r in records)
    removed = sum(len(r["text"]) - len(got[r["id"]].get("text", "")) for r in records)
    assert step_stats.stats["chars_removed"].total == removed


def test_multiprocess_pipeline_and_settings(tmp_path, dev_records):
    # Two tasks in two worker processes: the step (and its stripper, with
    # non-default settings) is pickled to them.
    source = tmp_path / "in"
    source.mkdir()
    write_jsonl(source / "a.jsonl", dev_records[:5])
    write_jsonl(source / "b.jsonl", dev_records[5:10])
    out_dir = tmp_path / "out"
    stripper = decruft.Stripper(keep=["title", "heading", "body", "metadata"], threshold=-0.5)
    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(source), glob_pattern="*.jsonl"),
            DecruftFormatter(stripper, metadata_key="removed", drop_empty=True),
            JsonlWriter(str(out_dir), compression=None),
        ],
        tasks=2,
        workers=2,
        logging_dir=str(tmp_path / "logs"),
    )
    executor.run()
    got = {r["id"]: r for r in read_output(out_dir)}
    want = {r["id"]: stripper.strip(r["text"]) for r in dev_records[:10]}
    assert got.keys() == {i for i, t in want.items() if t.strip()}
    for i, out in got.items():
        assert out["text"] == want[i]
        assert "removed" in out["metadata"]


def test_step_in_memory():
    docs = [
        Document(text="Accueil\nActualités\n\nPartager sur Facebook\n", id="nav"),
        Document(text="", id="empty"),
    ]
    step = DecruftFormatter(drop_empty=True)
    out = list(step.run(iter(docs)))
    assert out == []  # both end up empty
    assert step.stats["dropped"].total == 2
    step = DecruftFormatter(metadata_key=None)
    out = list(step.run(iter([Document(text="", id="empty")])))
    assert out[0].metadata == {} and out[0].text == ""
    assert step.format("Lire la suite →\n") == ""


def test_step_pickles_and_rejects_mixed_settings():
    step = DecruftFormatter(language="fr", heuristics_only=True, batch_size=3)
    clone = pickle.loads(pickle.dumps(step))
    assert clone.stripper.language == "fr" and clone.stripper.heuristics_only
    with pytest.raises(ValueError):
        DecruftFormatter(decruft.Stripper(), language="fr")
    with pytest.raises(decruft.DecruftError):
        DecruftFormatter(keep=["nope"])
