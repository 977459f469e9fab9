"""Issue 20, item 12: the same answer from every surface. On pages with
URLs, Python's strip_batch, the Arrow path and the datatrove formatter did
not read the URL, so they differed from ``decruft --jsonl`` (249 of 300
dragnet-dev pages matched, 168 of 197 through datatrove). Each surface is
compared with the command line on records *with* URLs, byte for byte."""

from __future__ import annotations

import json

import pytest

import decruft
from conftest import DATA, _missing, cli_jsonl

DRAGNET = DATA / "dragnet-dev.html_text.jsonl"


@pytest.fixture(scope="module")
def dragnet() -> list[dict]:
    """The first 300 dragnet-dev records, as {id, url, text}."""
    if not DRAGNET.is_file():
        _missing(str(DRAGNET))
    out = []
    with open(DRAGNET, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            out.append({"id": r["id"], "url": r["url"], "text": r["text"]})
            if len(out) == 300:
                break
    assert len(out) == 300
    return out


@pytest.fixture(scope="module")
def dragnet_cli(cli, dragnet) -> list[str]:
    return [r["text"] for r in cli_jsonl(cli, dragnet)]


def generated() -> list[dict]:
    """Pages whose headline is buried in a menu: only the URL's slug tells
    it from the menu lines around it (a page of its own, generated here)."""
    out = []
    for i in range(12):
        headline = f"Le conseil municipal vote le budget {['des écoles', 'du port', 'de la gare'][i % 3]}"
        slug = headline.lower().replace(" ", "-").replace("é", "e")
        text = (
            "Accueil\nPolitique\nÉconomie\n"
            f"{headline}\n"
            "Sport\nCulture\n\n"
            "Le conseil municipal a adopté jeudi soir, après un long débat, le budget présenté par "
            f"la majorité, qui prévoit {i + 3} millions d'euros d'investissements cette année.\n\n"
            "Partager sur Facebook\n"
        )
        out.append({"id": i, "url": f"https://www.ville-{i % 4}.fr/politique/{slug}-{i}", "text": text})
    return out


def test_strip_batch_reads_urls_as_the_command_line_does(cli):
    records = generated()
    want = [r["text"] for r in cli_jsonl(cli, records)]
    texts, urls = [r["text"] for r in records], [r["url"] for r in records]
    s = decruft.Stripper()
    assert s.strip_batch(texts, urls=urls) == want
    # Without the URLs, a different answer: the URLs are what matters here.
    assert s.strip_batch(texts) != want
    assert [t for t, _ in s.strip_batch_with_counts(texts, urls=urls)] == want
    assert [s.strip(t, url=u) for t, u in zip(texts, urls)] == want
    # None for a text without a URL; a wrong length or type is named.
    mixed = s.strip_batch(texts[:2], urls=[urls[0], None])
    assert mixed == [want[0], s.strip(texts[1])]
    with pytest.raises(ValueError, match="1 urls for 2 texts"):
        s.strip_batch(texts[:2], urls=[urls[0]])
    with pytest.raises(TypeError, match=r"urls\[1\] must be str or None"):
        s.strip_batch(texts[:2], urls=[urls[0], 3])


def test_titles_are_read_as_the_command_line_reads_a_title_field(cli):
    records = [dict(r, title=r["text"].splitlines()[3] + " | Ville") for r in generated()]
    want = [r["text"] for r in cli_jsonl(cli, records, "--title-field", "title", "--url-field", "none")]
    texts, titles = [r["text"] for r in records], [r["title"] for r in records]
    assert decruft.Stripper().strip_batch(texts, titles=titles) == want


def test_strip_batch_with_urls_equals_the_command_line_on_300_dragnet_pages(dragnet, dragnet_cli):
    texts, urls = [r["text"] for r in dragnet], [r["url"] for r in dragnet]
    got = decruft.Stripper().strip_batch(texts, urls=urls)
    same = sum(g.encode() == w.encode() for g, w in zip(got, dragnet_cli))
    assert same == 300


def test_arrow_with_urls_equals_the_command_line(cli, dragnet, dragnet_cli):
    pa = pytest.importorskip("pyarrow")
    texts, urls = [r["text"] for r in dragnet], [r["url"] for r in dragnet]
    s = decruft.Stripper()
    for kind in (pa.string(), pa.large_string(), pa.string_view()):
        out = s.strip_batch(pa.array(texts, type=kind), urls=pa.array(urls, type=kind))
        assert out.type == kind
        assert out.to_pylist() == dragnet_cli, kind
    # Chunked texts, URLs chunked otherwise (or a list): cut like the texts.
    chunked = pa.chunked_array([texts[:7], texts[7:150], texts[150:]])
    for u in (pa.chunked_array([urls[:100], urls[100:]]), urls):
        out = s.strip_batch(chunked, urls=u)
        assert [len(c) for c in out.chunks] == [7, 143, 150]
        assert out.to_pylist() == dragnet_cli
    # The generated pages, where the URL decides.
    records = generated()
    want = [r["text"] for r in cli_jsonl(cli, records)]
    got = s.strip_batch(pa.array([r["text"] for r in records]), urls=pa.array([r["url"] for r in records]))
    assert got.to_pylist() == want
    with pytest.raises(ValueError, match="2 urls for 3 texts"):
        s.strip_batch(pa.array(["a", "b", "c"]), urls=pa.array(["x", "y"]))


def test_datatrove_formatter_reads_the_url_in_metadata(cli, dragnet, dragnet_cli):
    pytest.importorskip("datatrove")
    from datatrove.data import Document

    from decruft.datatrove import DecruftFilter, DecruftFormatter

    docs = [Document(text=r["text"], id=r["id"], metadata={"url": r["url"]}) for r in dragnet]
    out = list(DecruftFormatter(batch_size=64).run(iter(docs)))
    assert [d.text for d in out] == dragnet_cli
    records = generated()
    want = [r["text"] for r in cli_jsonl(cli, records)]
    docs = [Document(text=r["text"], id=str(r["id"]), metadata={"url": r["url"]}) for r in records]
    assert [d.text for d in DecruftFormatter().run(iter(docs))] == want
    # The filter, stripping documents itself, reads them too: it keeps
    # exactly the documents whose stripped text (with the URL) is not empty.
    docs = [Document(text=r["text"], id=str(r["id"]), metadata={"url": r["url"]}) for r in records]
    kept = list(DecruftFilter(min_kept_chars=1).run(iter(docs)))
    assert len(kept) == sum(1 for w in want if w)
