"""Site patterns (decruft learn) from Python: learning, merging, the file
format shared with the CLI, and stripping with patterns."""

from __future__ import annotations

import pickle

import pytest

import decruft
from conftest import cli_jsonl, run_cli, site_page, site_records, write_jsonl


def learn(records: list[dict], **kw) -> decruft.Patterns:
    p = decruft.Patterns(**kw)
    p.add_batch([r["site"] for r in records], [r["text"] for r in records])
    return p


def test_an_empty_site_is_no_site_as_in_the_cli(cli, tmp_path):
    """Issue 20: add_batch pooled pages of site "" into one fake site, where
    `decruft learn` skips them."""
    records = site_records()
    for r in records[::3]:
        r["site"] = ""
    p = decruft.Patterns()
    n = p.add_batch([r["site"] for r in records], [r["text"] for r in records])
    assert n == sum(1 for r in records if r["site"])
    assert p.pages("") == 0
    p.add("", "Home\nNews\n")
    assert p.pages("") == 0
    path = write_jsonl(tmp_path / "pages.jsonl", records)
    out = tmp_path / "p.pat"
    proc = run_cli(cli, ["learn", "--site-field", "site", str(path), "-o", str(out)])
    assert proc.returncode == 0, proc.stderr.decode()
    assert out.read_bytes() == p.to_bytes()


def test_learning_counts_pages_per_site():
    p = learn(site_records())
    assert p.sites == 3
    assert p.pages("alpha.example") == 12
    assert p.pages("nowhere") == 0
    assert p.line_pages("alpha.example", "  HOME ") == 12 or p.line_pages("alpha.example", "home") >= 11
    assert p.line_pages("beta.example", "7 comments") == 6  # digits masked
    assert p.line_pages("alpha.example", "never seen") == 0
    assert decruft.site_of_url("https://www.Example.com/a") == "example.com"
    assert decruft.site_of_url("nope") is None


def test_merging_shards_equals_learning_whole_and_the_cli(cli, tmp_path):
    records = site_records()
    whole = learn(records)
    shards = [learn(records[k::4]) for k in range(4)]
    merged = decruft.Patterns()
    for s in reversed(shards):
        merged.merge(s)
    assert merged.to_bytes() == whole.to_bytes()
    one = decruft.Patterns()
    for r in records:
        one.add(r["site"], r["text"])
    assert one.to_bytes() == whole.to_bytes()
    # The CLI writes the same file.
    path = write_jsonl(tmp_path / "c.jsonl", records)
    out = tmp_path / "c.pat"
    p = run_cli(cli, ["learn", "--site-field", "site", str(path), "-o", str(out)])
    assert p.returncode == 0, p.stderr.decode()
    assert out.read_bytes() == whole.to_bytes()
    assert decruft.Patterns.load(out).to_bytes() == whole.to_bytes()
    whole.save(tmp_path / "py.pat")
    assert (tmp_path / "py.pat").read_bytes() == out.read_bytes()


def test_bad_files_and_pickling(tmp_path):
    p = learn(site_records())
    data = p.to_bytes()
    with pytest.raises(decruft.DecruftError, match="not a decruft patterns file"):
        decruft.Patterns.from_bytes(b"{}")
    bad = bytearray(data)
    bad[8] = 7
    with pytest.raises(decruft.DecruftError, match="format version 7"):
        decruft.Patterns.from_bytes(bytes(bad))
    with pytest.raises(decruft.DecruftError, match="truncated or corrupt"):
        decruft.Patterns.from_bytes(data[:-5])
    with pytest.raises(OSError):
        decruft.Patterns.load(tmp_path / "missing.pat")
    assert pickle.loads(pickle.dumps(p)).to_bytes() == data
    with pytest.raises(ValueError, match="1 sites for 2 texts"):
        p.add_batch(["a"], ["x", "y"])
    s = decruft.Stripper(patterns=p, min_site_pages=4)
    s2 = pickle.loads(pickle.dumps(s))
    text = site_page("alpha.example", 3)
    assert s2.strip(text, site="alpha.example") == s.strip(text, site="alpha.example")
    assert "patterns=<3 sites>" in repr(s)
    with pytest.raises(ValueError, match="min_site_pages"):
        decruft.Stripper(min_site_pages=1)


def test_stripping_with_patterns_matches_the_cli(cli, tmp_path):
    records = site_records()
    p = learn(records)
    stripper = decruft.Stripper(patterns=p)
    plain = decruft.Stripper()
    texts = [r["text"] for r in records]
    sites = [r["site"] for r in records]
    got = stripper.strip_batch(texts, sites=sites)
    path = write_jsonl(tmp_path / "c.jsonl", records)
    proc = run_cli(cli, ["--jsonl", "--site-field", "site", "--learn", str(path)])
    assert proc.returncode == 0, proc.stderr.decode()
    import json

    want = [json.loads(line)["text"] for line in proc.stdout.decode().splitlines()]
    assert got == want
    assert [stripper.strip(t, site=s) for t, s in zip(texts, sites)] == want
    # A site of fewer than min_site_pages pages (gamma: 2) changes nothing;
    # nor does a text without a site.
    for t, s, g in zip(texts, sites, got):
        if s == "gamma.example":
            assert g == plain.strip(t)
    assert stripper.strip_batch(texts) == plain.strip_batch(texts)
    # annotate names the template (the menu, on every page of the site),
    # and only with patterns.
    page = site_page("alpha.example", 4)
    rows = stripper.annotate(page, site="alpha.example")
    template = [r for r in rows if "template:" in r["reason"]]
    assert template and all(not r["kept"] for r in template)
    assert "of 12 pages of alpha.example" in template[0]["reason"]
    assert not any("template:" in r["reason"] for r in plain.annotate(page))
    assert cli_jsonl(cli, records[:1]) == [{**records[0], "text": plain.strip(texts[0])}]
