"""The Python bindings against the CLI and against themselves."""

from __future__ import annotations

import json
import pickle
import struct
import threading
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pytest

import decruft
from conftest import REPO, cli_jsonl, run_cli

ARTICLE = (
    "Accueil\n"
    "Actualités\n"
    "\n"
    "Poutine félicite Trump pour sa victoire\n"
    "\n"
    "Par Tom Ozimek\n"
    "8 novembre 2024 13:17\n"
    "\n"
    "Le président russe a félicité le président élu pour sa victoire électorale et a salué son "
    "engagement à collaborer avec Moscou et Kiev.\n"
    "\n"
    "Selon le porte-parole du Kremlin, Moscou était toujours prêt à discuter avec les États-Unis "
    "sur une série de questions, notamment le conflit en Ukraine.\n"
    "\n"
    "Partager sur Facebook\n"
)

# Non-ASCII everywhere: 2-, 3- and 4-byte UTF-8 characters (so byte and
# character offsets differ), CRLF and LF terminators, no final newline.
TRICKY = (
    "Ménu 😀 Accueil\r\n"
    "Actualités — 日本語\n"
    "\r\n"
    "Le président 🇫🇷 a félicité le président élu pour sa victoire électorale et a salué son "
    "engagement à collaborer avec Moscou et Kiev, a indiqué le Kremlin jeudi — « une première ».\r\n"
    "\n"
    "Selon le porte-parole, Moscou était toujours prêt à discuter avec les États-Unis sur une "
    "série de questions 😀, notamment le conflit en Ukraine et la sécurité en Europe.\n"
    "\n"
    "Partager sur Facebook 👍\n"
    "Lire la suite →"
)


def line_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end without terminator, end past terminator) of every line, in str indices."""
    spans = []
    start = 0
    while start < len(text):
        nl = text.find("\n", start)
        past = len(text) if nl < 0 else nl + 1
        end = len(text) if nl < 0 else nl
        if end > start and text[end - 1] == "\r":
            end -= 1
        spans.append((start, end, past))
        start = past
    return spans


# --- strip -----------------------------------------------------------------


def test_strip_keeps_the_article():
    out = decruft.strip(ARTICLE)
    assert out.startswith("Poutine félicite Trump pour sa victoire\n")
    assert "Selon le porte-parole du Kremlin" in out
    assert "Partager" not in out and "Accueil" not in out


def test_strip_trivial_inputs():
    assert decruft.strip("") == ""
    assert decruft.Stripper().strip("") == ""
    assert decruft.Stripper().annotate("") == []
    assert decruft.Stripper().strip_batch([]) == []


def test_module_strip_is_default_stripper(dev_records):
    s = decruft.Stripper()
    for r in dev_records[:5]:
        assert decruft.strip(r["text"]) == s.strip(r["text"])


def test_strip_matches_cli(cli, dev_records):
    want = cli_jsonl(cli, dev_records)
    assert [r["id"] for r in want] == [r["id"] for r in dev_records]
    for rec, out in zip(dev_records, want):
        assert decruft.strip(rec["text"]) == out["text"], rec["id"]


def test_plain_mode_cli_matches(cli):
    p = run_cli(cli, [], TRICKY.encode())
    assert p.returncode == 0
    assert decruft.strip(TRICKY) == p.stdout.decode()


@pytest.mark.parametrize(
    "kwargs, args",
    [
        ({"keep": ["title", "heading", "body", "metadata"]}, ["--keep", "title,heading,body,metadata"]),
        ({"keep": "body, navigation"}, ["--keep", "body,navigation"]),
        ({"language": "en"}, ["--language", "en"]),
        ({"threshold": 1.5}, ["--threshold", "1.5"]),
        ({"threshold": -2.0}, ["--threshold", "-2"]),
        ({"heuristics_only": True}, ["--heuristics"]),
        ({"model": str(REPO / "data" / "model.json")}, ["--model", str(REPO / "data" / "model.json")]),
    ],
)
def test_settings_match_cli(cli, dev_records, kwargs, args):
    s = decruft.Stripper(**kwargs)
    want = cli_jsonl(cli, dev_records[:8], *args)
    assert s.strip_batch([r["text"] for r in dev_records[:8]]) == [r["text"] for r in want]


def test_settings_are_visible():
    s = decruft.Stripper(keep="body,title", language="fr", threshold=0.5, heuristics_only=True)
    assert s.keep == ["title", "body"]
    assert s.language == "fr"
    assert s.threshold == 0.5
    assert s.heuristics_only is True
    assert s.model is None
    assert repr(s) == "Stripper(keep=['title', 'body'], language='fr', threshold=0.5, heuristics_only=True)"
    assert decruft.Stripper().keep == decruft.CONTENT_LABELS == ["title", "standfirst", "heading", "body"]
    assert len(decruft.LABELS) == 15 and "read-more" in decruft.LABELS


def test_extra_phrases():
    text = ARTICLE.replace("Partager sur Facebook", "Tröt dies auf Mastodon")
    s = decruft.Stripper(phrases={"share": "# extra\nTröt dies auf Mastodon\n"})
    lines = s.annotate(text)
    last = [d for d in lines if d["label"] != "blank"][-1]
    assert text[last["start"] : last["end"]] == "Tröt dies auf Mastodon"
    assert last["label"] == "share" and not last["kept"]
    assert s.strip(text) == decruft.Stripper(phrases={"share": ["Tröt dies auf Mastodon"]}).strip(text)


# --- annotate ---------------------------------------------------------------


def test_annotate_character_offsets_non_ascii():
    s = decruft.Stripper()
    lines = s.annotate(TRICKY)
    spans = line_spans(TRICKY)
    assert [(d["start"], d["end"]) for d in lines] == [(a, b) for a, b, _ in spans]
    # The kept lines, with their terminators, are the cleaned text.
    kept = "".join(TRICKY[a:past] for d, (a, _, past) in zip(lines, spans) if d["kept"])
    assert kept == s.strip(TRICKY)
    assert any(d["kept"] for d in lines) and not all(d["kept"] for d in lines)
    for d in lines:
        assert set(d) == {"label", "score", "kept", "reason", "start", "end", "continues"}
        assert d["label"] in decruft.LABELS
        assert 0.0 <= d["score"] <= 1.0
        assert isinstance(d["kept"], bool)
        assert isinstance(d["reason"], str) and d["reason"]
    assert lines[-1]["label"] == "read-more"
    assert lines[-1]["reason"] == 'phrase "Lire la suite" (read-more)'


def test_annotate_agrees_with_cli_labels(cli):
    # The CLI's --labels gives [start, end past terminator, label, score] in
    # characters, computed by separate code.
    (out,) = cli_jsonl(cli, [{"id": 1, "text": TRICKY}], "--labels")
    lines = decruft.Stripper().annotate(TRICKY)
    spans = line_spans(TRICKY)
    assert len(out["decruft"]) == len(lines)
    for (start, past, label, score), d, (_, _, want_past) in zip(out["decruft"], lines, spans):
        assert (start, label) == (d["start"], d["label"])
        assert past == want_past
        assert score == pytest.approx(d["score"], abs=1e-3)


def test_annotate_dev_docs_offsets(dev_records):
    s = decruft.Stripper()
    for r in dev_records[:5]:
        text = r["text"]
        lines = s.annotate(text)
        spans = line_spans(text)
        assert [(d["start"], d["end"]) for d in lines] == [(a, b) for a, b, _ in spans]
        assert "".join(text[a:p] for d, (a, _, p) in zip(lines, spans) if d["kept"]) == s.strip(text)


def test_explain_reasons():
    plain = decruft.Stripper().annotate(ARTICLE)
    explained = decruft.Stripper(explain=True).annotate(ARTICLE)
    assert [d["kept"] for d in plain] == [d["kept"] for d in explained]
    assert any(d["reason"].startswith("model ") and ":" in d["reason"] for d in explained)


# --- batches ----------------------------------------------------------------


def test_batch_list_equals_per_doc(dev_records):
    s = decruft.Stripper()
    texts = [r["text"] for r in dev_records] + [TRICKY, ARTICLE, ""]
    want = [s.strip(t) for t in texts]
    assert s.strip_batch(texts) == want
    assert s.strip_batch(tuple(texts)) == want
    assert s.strip_batch(t for t in texts) == want
    assert s.strip_batch(texts, threads=1) == want
    assert s.strip_batch(texts, threads=2) == want


def test_batch_with_counts(dev_records):
    s = decruft.Stripper()
    texts = [r["text"] for r in dev_records[:6]] + [TRICKY]
    for text, (out, counts) in zip(texts, s.strip_batch_with_counts(texts)):
        assert out == s.strip(text)
        want: dict[str, int] = {}
        for d in s.annotate(text):
            if not d["kept"] and d["label"] != "blank":
                want[d["label"]] = want.get(d["label"], 0) + 1
        assert counts == want


@pytest.mark.parametrize("typ", [pa.string(), pa.large_string()])
def test_batch_pyarrow_array(dev_records, typ):
    s = decruft.Stripper()
    texts = [r["text"] for r in dev_records] + [TRICKY, ""]
    arr = pa.array(texts, type=typ)
    out = s.strip_batch(arr)
    assert isinstance(out, pa.Array) and out.type == typ
    out.validate(full=True)
    assert out.to_pylist() == [s.strip(t) for t in texts]
    assert s.strip_batch(arr, threads=1).equals(out)


def test_batch_pyarrow_nulls_slices_chunks(dev_records):
    s = decruft.Stripper()
    texts = [r["text"] for r in dev_records[:9]]
    with_nulls = [None, texts[0], texts[1], None, TRICKY, texts[2], None, texts[3]]
    arr = pa.array(with_nulls, type=pa.string())
    want = [None if t is None else s.strip(t) for t in with_nulls]
    out = s.strip_batch(arr)
    out.validate(full=True)
    assert out.null_count == 3 and out.to_pylist() == want
    # A slice starts mid-buffer (and mid-validity-byte).
    sliced = arr.slice(3, 4)
    out = s.strip_batch(sliced)
    out.validate(full=True)
    assert out.to_pylist() == want[3:7]
    # Chunked arrays keep their chunking; empty arrays and chunks work.
    chunked = pa.chunked_array([arr.slice(0, 5), pa.array([], pa.string()), arr.slice(5)])
    out = s.strip_batch(chunked)
    assert isinstance(out, pa.ChunkedArray) and out.num_chunks == 3
    assert out.to_pylist() == want
    assert s.strip_batch(pa.array([], pa.large_string())).to_pylist() == []
    assert s.strip_batch(pa.chunked_array([], pa.string())).to_pylist() == []
    if hasattr(pa, "string_view"):
        view = s.strip_batch(pa.array(texts, pa.string_view()))
        assert view.type == pa.string_view() and view.to_pylist() == [s.strip(t) for t in texts]


def test_batch_releases_the_gil(dev_records):
    # Python threads calling into decruft at once get the same results.
    s = decruft.Stripper()
    texts = [r["text"] for r in dev_records]
    want = s.strip_batch(texts)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: s.strip_batch(texts, threads=1), range(4)))
        singles = list(pool.map(s.strip, texts))
    assert all(r == want for r in results)
    assert singles == want

    # And another Python thread runs while a batch strips.
    ticks = 0
    stop = threading.Event()

    def tick():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1

    t = threading.Thread(target=tick)
    t.start()
    try:
        before = ticks
        s.strip_batch(texts * 3, threads=1)
        during = ticks - before
    finally:
        stop.set()
        t.join()
    assert during > 0


# --- errors -----------------------------------------------------------------


def cli_error(cli, args: list[str]) -> str:
    p = run_cli(cli, args)
    assert p.returncode == 2
    err = p.stderr.decode().strip()
    assert err.startswith("decruft: ")
    return err[len("decruft: ") :]


def test_error_class():
    assert issubclass(decruft.DecruftError, ValueError)
    assert decruft.DecruftError.__module__ == "decruft"


def test_unknown_label_message(cli):
    with pytest.raises(decruft.DecruftError) as e:
        decruft.Stripper(keep=["body", "article"])
    assert str(e.value) == cli_error(cli, ["--keep", "body,article"])
    assert str(e.value).startswith("unknown label 'article' (expected one of: title, standfirst, heading, body,")


def test_unknown_language_message(cli):
    with pytest.raises(decruft.DecruftError) as e:
        decruft.Stripper(language="xx")
    assert str(e.value) == cli_error(cli, ["--language", "xx"])
    assert str(e.value).startswith("unknown language 'xx' (known: en, ")


def test_threshold_message(cli):
    with pytest.raises(decruft.DecruftError) as e:
        decruft.Stripper(threshold=float("nan"))
    assert str(e.value) == cli_error(cli, ["--threshold", "NaN"]) == "threshold must be finite, got NaN"


def test_bad_model_message(cli, tmp_path):
    bad = tmp_path / "model.json"
    bad.write_text('{"format": "something else"}')
    with pytest.raises(decruft.DecruftError) as e:
        decruft.Stripper(model=bad)
    msg = str(e.value)
    assert msg.startswith("bad model: ")
    # The CLI names the file before the library's message.
    assert cli_error(cli, ["--model", str(bad)]) == f"{bad}: {msg}"
    with pytest.raises(decruft.DecruftError) as e2:
        decruft.Stripper(model_json=bad.read_text())
    assert str(e2.value) == msg
    with pytest.raises(decruft.DecruftError, match="^bad model: "):
        decruft.Stripper(model_json="not json")


def test_missing_model_file(tmp_path):
    with pytest.raises(FileNotFoundError) as e:
        decruft.Stripper(model=tmp_path / "nope.json")
    assert e.value.filename == str(tmp_path / "nope.json")


def test_phrases_under_content_label():
    with pytest.raises(decruft.DecruftError):
        decruft.Stripper(phrases={"body": "Hello"})
    with pytest.raises(decruft.DecruftError, match="^unknown label 'sharing'"):
        decruft.Stripper(phrases={"sharing": "Hello"})


def test_argument_errors():
    s = decruft.Stripper()
    with pytest.raises(TypeError):
        s.strip(b"bytes")
    with pytest.raises(TypeError):
        decruft.strip(None)
    with pytest.raises(TypeError, match=r"texts\[1\] must be str"):
        s.strip_batch(["ok", 3])
    with pytest.raises(TypeError):
        s.strip_batch("a str is not a batch")
    with pytest.raises(TypeError):
        s.strip_batch(pa.array([1, 2]))
    with pytest.raises(ValueError, match="threads"):
        s.strip_batch(["x"], threads=0)
    with pytest.raises(UnicodeEncodeError):
        s.strip("lone surrogate \ud800")


def test_settings_and_batches_as_the_command_line_takes_them():
    """Issue 20: Stripper(keep=[]) was accepted where the CLI refuses an
    empty keep set; threads=5000 could end in a PanicException; one bad
    string failed a batch without saying which."""
    for keep in ([], "", " , "):
        with pytest.raises(decruft.DecruftError, match="keep takes one or more labels"):
            decruft.Stripper(keep=keep)
    s = decruft.Stripper()
    with pytest.raises(ValueError, match="threads must be from 1 to 1024, not 5000"):
        s.strip_batch(["x"], threads=5000)
    assert s.strip_batch(["Accueil\n"] * 3, threads=1024) == ["", "", ""]
    with pytest.raises(UnicodeEncodeError, match=r"texts\[2\]"):
        s.strip_batch(["ok", "ok", "lone \ud800"])
    with pytest.raises(UnicodeEncodeError, match=r"texts\[1\]"):
        s.strip_batch_with_counts(["ok", "\udc00"])
    with pytest.raises(ValueError):
        decruft.Stripper(heuristics_only=True, model=REPO / "data" / "model.json")


# --- pickling ---------------------------------------------------------------


def test_pickle_round_trip(dev_records):
    text = dev_records[0]["text"]
    for s in [
        decruft.Stripper(),
        decruft.Stripper(keep=["title", "body", "metadata"], language="en", threshold=-0.5),
        decruft.Stripper(heuristics_only=True, phrases={"share": "Tröt dies"}),
        decruft.Stripper(model=REPO / "data" / "model.json", explain=True),
    ]:
        t = pickle.loads(pickle.dumps(s))
        assert type(t) is decruft.Stripper
        assert (t.keep, t.language, t.threshold, t.heuristics_only) == (
            s.keep,
            s.language,
            s.threshold,
            s.heuristics_only,
        )
        assert t.strip(text) == s.strip(text)
        assert t.annotate(text) == s.annotate(text)


def test_json_round_trip_of_annotations():
    # annotate's output is plain data: JSON-serialisable as is.
    json.dumps(decruft.Stripper().annotate(TRICKY))


def test_arrow_input_goes_through_the_c_data_interface():
    # Any object with __arrow_c_array__ is read through its capsules; an
    # object that merely looks like a pyarrow buffer is not read at all.
    class Producer:
        def __init__(self, arr):
            self.arr = arr

        def __arrow_c_array__(self, requested_schema=None):
            return self.arr.__arrow_c_array__(requested_schema)

    class Stream:
        def __init__(self, chunked):
            self.chunked = chunked

        def __arrow_c_stream__(self, requested_schema=None):
            return self.chunked.__arrow_c_stream__(requested_schema)

    s = decruft.Stripper()
    texts = ["Accueil\n", TRICKY, None]
    want = [None if t is None else s.strip(t) for t in texts]
    assert s.strip_batch(Producer(pa.array(texts))).to_pylist() == want
    chunked = pa.chunked_array([pa.array(texts[:1]), pa.array(texts[1:])])
    out = s.strip_batch(Stream(chunked))
    assert isinstance(out, pa.ChunkedArray) and out.num_chunks == 2 and out.to_pylist() == want

    class Buffer:
        address = 8
        size = 1 << 20

    with pytest.raises(TypeError):
        s._strip_arrow(Buffer())

    class Broken:
        def __arrow_c_array__(self, requested_schema=None):
            return (1, 2)

    with pytest.raises(TypeError):
        s._strip_arrow(Broken())

    # Strings that are not UTF-8 (pyarrow's cheap validation lets them by):
    # refused before anything reads them as text.
    offsets = pa.py_buffer(struct.pack("=3i", 0, 2, 4))
    bad = pa.Array.from_buffers(pa.string(), 2, [None, offsets, pa.py_buffer(b"ok\xff\xfe")])
    with pytest.raises(ValueError, match="bad Arrow array"):
        s.strip_batch(bad)

def test_check_surfaces_the_loss_guard():
    s = decruft.Stripper()
    menu = "Accueil\nActualités\nSport\nContact\n" * 20
    checked = s.check(menu)
    assert checked["text"] == s.strip(menu)
    assert checked["removed_fraction"] > 0.95
    assert checked["loss_flagged"] is True
    assert checked["judged"] is True
    article = s.check(ARTICLE)
    assert article["kind"] == "article"
    assert checked["kind"] in {"article", "thread", "listing", "product"}
    assert article["text"] == s.strip(ARTICLE)
    assert article["loss_flagged"] is False
    assert 0.0 <= article["removed_fraction"] < 0.95
