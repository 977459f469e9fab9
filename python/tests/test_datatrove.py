"""decruft.datatrove's DecruftFormatter and DecruftFilter in real datatrove
pipelines, and the filter's decisions against the command line's."""

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
from conftest import run_cli, write_jsonl  # noqa: E402
from decruft.datatrove import REASONS, DecruftFilter, DecruftFormatter, judge  # noqa: E402


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

    # Stats: per-label dropped-line counts match annotate's, summed over docs,
    # named as datatrove's line filters name theirs.
    want_counts: dict[str, int] = {}
    for r in records:
        for d in decruft.Stripper().annotate(r["text"]):
            if not d["kept"] and d["label"] != "blank":
                want_counts[d["label"]] = want_counts.get(d["label"], 0) + 1
    step_stats = next(s for s in stats.stats if s.name == str(step))
    got_counts = {
        k[len("line-filter-") :]: v.total for k, v in step_stats.stats.items() if k.startswith("line-filter-")
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
            DecruftFormatter(stripper, metadata_key="removed"),
            DecruftFilter(),  # drop_empty is on by default
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


def test_steps_in_memory():
    docs = [
        Document(text="Accueil\nActualités\n\nPartager sur Facebook\n", id="nav"),
        Document(text="", id="empty"),
    ]
    step = DecruftFormatter()
    out = list(step.run(iter(docs)))
    assert [d.text for d in out] == ["", ""]  # a formatter drops nothing
    assert out[0].metadata == {"decruft_removed_fraction": 1.0, "decruft_chars_in": 42}
    assert step.stats["line-filter-navigation"].total == 2
    step = DecruftFilter()
    assert list(step.run(iter(out))) == []  # both end up empty
    assert step.stats["dropped"].total == 2 and step.stats["dropped_empty"].total == 2
    step = DecruftFormatter(metadata_key=None, chars_in_key=None)
    out = list(step.run(iter([Document(text="", id="empty")])))
    assert out[0].metadata == {} and out[0].text == ""
    assert step.format("Lire la suite →\n") == ""


def test_filter_alone_judges_by_stripping_and_keeps_the_text_whole():
    article = (
        "Accueil\n\n"
        + "Le conseil municipal a voté mardi soir le budget, après un long débat sur les investissements prévus "
        "dans les écoles et les transports de la ville, que l'opposition juge insuffisants.\n\n"
        + "Le maire a salué un budget responsable, tandis que l'opposition a dénoncé une hausse des impôts locaux.\n"
    )
    docs = [Document(text=article, id="article"), Document(text="Accueil\nMenu\nContact\n", id="menu")]
    step = DecruftFilter(min_kept_chars=100, batch_size=7)
    out = list(step.run(iter(docs)))
    assert [d.id for d in out] == ["article"]
    assert out[0].text == article  # judged, not rewritten
    assert step.stats["dropped_empty"].total == 1


def test_judge_rules_in_order():
    assert REASONS == ("empty", "too_short", "low_kept_share")
    assert judge(100, " \n\u00a0") == "empty"
    assert judge(100, "\x1c") is None  # not white space for Rust's trim either
    assert judge(100, "", drop_empty=False) is None
    assert judge(100, "abcd", min_kept_chars=5) == "too_short"
    assert judge(100, "abcdéfghij", min_kept_chars=5, min_kept_share=0.5) == "low_kept_share"
    assert judge(0, "", drop_empty=False, min_kept_share=0.5) is None
    assert judge(10, "abcde", min_kept_share=0.5) is None
    with pytest.raises(ValueError):
        DecruftFilter(min_kept_share=2)


def test_filter_decides_as_the_command_line(tmp_path, dev_records, cli):
    records = dev_records + [
        {"id": "menu", "text": "Accueil\nActualités\nContact\n"},
        {"id": "empty", "text": "   \n"},
    ]
    rules = {"min_kept_chars": 1500, "min_kept_share": 0.5}
    # The command line.
    source = write_jsonl(tmp_path / "in.jsonl", records)
    rejected_file = tmp_path / "rejected.jsonl"
    p = run_cli(
        cli,
        [
            "--jsonl",
            "--drop-empty",
            "--min-kept-chars",
            str(rules["min_kept_chars"]),
            "--min-kept-share",
            str(rules["min_kept_share"]),
            "--rejected",
            str(rejected_file),
            str(source),
        ],
    )
    assert p.returncode == 0, p.stderr.decode()
    want = {}
    for line in rejected_file.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        want[r["id"]] = r["decruft_rejected"]
    assert len(want) >= 3 and set(want.values()) >= {"empty", "too_short"}
    # The two steps.
    docs = list(DecruftFormatter().run(iter(Document(text=r["text"], id=r["id"]) for r in records)))
    results = DecruftFilter(**rules).filter_batch(docs)
    got = {d.id: res[1] for d, res in zip(docs, results) if res is not True}
    assert got == want
    kept_ids = {r["id"] for r in records} - want.keys()
    # The filter alone decides the same.
    docs = [Document(text=r["text"], id=r["id"]) for r in records]
    alone = DecruftFilter(**rules)
    assert {d.id for d in alone.run(iter(docs))} == kept_ids
    for reason in set(want.values()):
        assert alone.stats[f"dropped_{reason}"].total == sum(1 for v in want.values() if v == reason)


def test_exclusion_writer_gets_the_dropped_documents(tmp_path, dev_records):
    source = tmp_path / "in"
    source.mkdir()
    records = dev_records[:6] + [{"id": "menu", "text": "Accueil\nActualités\nContact\n"}]
    write_jsonl(source / "a.jsonl", records)
    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(source), glob_pattern="*.jsonl"),
            DecruftFormatter(),
            DecruftFilter(min_kept_chars=1000, exclusion_writer=JsonlWriter(str(tmp_path / "rejected"), compression=None)),
            JsonlWriter(str(tmp_path / "out"), compression=None),
        ],
        tasks=1,
        logging_dir=str(tmp_path / "logs"),
    )
    executor.run()
    kept = {r["id"] for r in read_output(tmp_path / "out")}
    rejected = {r["id"]: r for r in read_output(tmp_path / "rejected")}
    assert kept.isdisjoint(rejected) and kept | rejected.keys() == {r["id"] for r in records}
    assert rejected["menu"]["metadata"]["filter_reason"] == "empty"
    for r in rejected.values():
        assert r["metadata"]["filter_reason"] in REASONS


def test_step_pickles_and_rejects_mixed_settings():
    step = DecruftFormatter(language="fr", heuristics_only=True, batch_size=3)
    clone = pickle.loads(pickle.dumps(step))
    assert clone.stripper.language == "fr" and clone.stripper.heuristics_only
    with pytest.raises(ValueError):
        DecruftFormatter(decruft.Stripper(), language="fr")
    with pytest.raises(ValueError):
        DecruftFilter(stripper=decruft.Stripper(), language="fr")
    clone = pickle.loads(pickle.dumps(DecruftFilter(min_kept_chars=3, language="fr")))
    assert clone.min_kept_chars == 3 and clone.stripper.language == "fr"
    with pytest.raises(decruft.DecruftError):
        DecruftFormatter(keep=["nope"])
