"""Bad input never loses data: every file in a messy folder is accounted for, each bad kind has its reason code,
no traceback, output paths stay inside --out, fetch writes atomically.

Tests run as root in CI, where chmod 000 does not stop a read: unreadable files are made with a broken symbolic
link and a FIFO, and a permission error is simulated at the one place the pipeline opens files.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from dnkdata import export, fetch
from dnkdata.cli import app
from dnkdata.errors import Rejected, StrictRejections
from dnkdata.parse import capture_kind, decode, read_capture
from dnkdata.pipeline import Capture, build, find_captures, process_capture
from dnkdata.schemas import TABLES
from tests.conftest import FIXTURES

runner = CliRunner()
GOOD_TEXT = (FIXTURES / "text" / "dailynk.txt").read_text(encoding="utf-8")
DAILYNK_HTML = (FIXTURES / "html" / "dailynk_modern.html").read_bytes()

# name → (bytes, expected reason code): one of every bad kind the pipeline must name
BAD_FILES = {
    "empty.txt": (b"", "empty"),
    "blank.txt": (b"  \n\t\r\n  ", "empty"),
    "picture.txt": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "binary"),
    "archive.html": (b"PK\x03\x04" + b"\x14" * 40, "binary"),
    "nul.txt": (b"Some words\x00more words", "binary"),
    "bad-utf16.txt": (codecs.BOM_UTF16_LE + b"\x00\xd8a", "undecodable"),
    "cp1252-undefined.txt": (b"A story \x81\x8d\x8f\x90\x9d", "undecodable"),
    "chrome-only.txt": (b"Daily NK\nHome | News | About | Contact\n", "no_story"),
    "no-article.html": (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "html_no_article"),
    "half.html": (DAILYNK_HTML[:250], "html_no_article"),
    "broken.rss": (b"<rss><channel><item><title>cut off", "feed_no_article"),
    "not-a-feed.xml": (b"<?xml version='1.0'?><catalog><book>x</book></catalog>", "feed_malformed"),
    "bomb.xml": ((FIXTURES / "feeds" / "billion_laughs.xml").read_bytes(), "feed_malformed"),
    "garbage.jsonl": (b"{not json\n[1, 2]\n", "jsonl_no_article"),
    "blank-lines.jsonl": (b"\n\n   \n", "empty"),
}


def invented_story(n: int) -> str:
    """A small invented plain-text capture with a title and sentences (no third-party text)."""
    return (f"Market prices rise in border town {n}\n\n"
            f"Rice prices in the town rose by {n} won this week, traders said.\n\n"
            f"\u201cPeople are worried about the winter,\u201d a source in North Hamgyong Province told the paper.\n")


def messy_folder(root: Path) -> tuple[Path, dict[str, str]]:
    """Good captures plus every bad kind; returns the folder and the expected reason code per rejected file."""
    raw = root / "raw"
    raw.mkdir()
    for name, (data, _) in BAD_FILES.items():
        (raw / name).write_bytes(data)
    expected = {name: code for name, (_, code) in BAD_FILES.items()}
    (raw / "good-1.txt").write_text(invented_story(1), encoding="utf-8")
    (raw / "good-2-bom.txt").write_bytes(codecs.BOM_UTF8 + invented_story(2).encode())
    (raw / "good-3-utf16.txt").write_bytes(codecs.BOM_UTF16_LE + invented_story(3).encode("utf-16-le"))
    (raw / "good-4-cp1252.txt").write_bytes(invented_story(4).encode("cp1252"))
    (raw / "same-story-again.txt").write_text(invented_story(1), encoding="utf-8")
    (raw / "page.html").write_bytes(DAILYNK_HTML)
    (raw / "atom.xml").write_bytes((FIXTURES / "feeds" / "atom.xml").read_bytes())
    (raw / "lines.jsonl").write_bytes((FIXTURES / "jsonl" / "articles.jsonl").read_bytes())
    (raw / "odd\nname \u2603.txt").write_text(invented_story(5), encoding="utf-8")
    sub = raw / "folder.html"  # a folder named like a capture is a folder: its files are read
    sub.mkdir()
    (sub / "inner.txt").write_text(invented_story(6), encoding="utf-8")
    (raw / "big.txt").write_text(invented_story(7) + "x" * 20000, encoding="utf-8")
    expected["big.txt"] = "too_large"
    (raw / "dangling.txt").symlink_to(root / "gone.txt")
    expected["dangling.txt"] = "unreadable"
    os.mkfifo(raw / "pipe.txt")
    expected["pipe.txt"] = "unreadable"
    (root / "elsewhere.txt").write_text(invented_story(8), encoding="utf-8")
    (raw / "link-out.txt").symlink_to(root / "elsewhere.txt")
    expected["link-out.txt"] = "outside_input"
    (raw / "link-in.txt").symlink_to(raw / "good-1.txt")  # a link inside the tree is an ordinary capture
    return raw, expected


@pytest.fixture(scope="module")
def messy_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("messy")
    raw, expected = messy_folder(root)
    out = root / "build"
    result = runner.invoke(app, ["build", str(raw), "--out", str(out), "--workers", "1", "--max-bytes", "10000"])
    return raw, expected, out, result


def test_messy_folder_builds_and_every_file_is_accounted_for(messy_build):
    raw, expected, out, result = messy_build
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    seen = sorted(e["path"] for e in report["files"])
    on_disk = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_symlink() or not p.is_dir())
    assert seen == on_disk
    counts = report["counts"]
    assert counts["files"] == len(on_disk)
    assert sum(counts[s] for s in ("article", "excerpt", "duplicate", "rejected")) == counts["files"]
    rejected = {e["path"]: e["reason_code"] for e in report["files"] if e["status"] == "rejected"}
    assert rejected == expected
    for entry in report["files"]:
        if entry["status"] == "rejected":
            assert entry["message"] and "Traceback" not in entry["message"]
        else:
            assert entry["article_ids"]


def test_good_stories_are_all_in_the_tables(messy_build):
    _, _, out, _ = messy_build
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    by_path = {e["path"]: e for e in report["files"]}
    ids = set(pl.read_parquet(out / "articles.parquet")["article_id"])
    good = ["good-1.txt", "good-2-bom.txt", "good-3-utf16.txt", "good-4-cp1252.txt", "page.html", "atom.xml",
            "lines.jsonl", "odd\nname \u2603.txt", "folder.html/inner.txt", "same-story-again.txt", "link-in.txt"]
    for path in good:
        assert by_path[path]["status"] in ("article", "excerpt", "duplicate"), path
        assert set(by_path[path]["article_ids"]) <= ids, path
    assert by_path["same-story-again.txt"]["article_ids"] == by_path["good-1.txt"]["article_ids"]
    duplicate = by_path["same-story-again.txt"] if by_path["good-1.txt"]["status"] == "article" else by_path["good-1.txt"]
    assert duplicate["status"] == "duplicate" and duplicate["duplicate_of"]
    assert {by_path[p]["encoding"] for p in ("good-1.txt", "good-2-bom.txt", "good-3-utf16.txt")} == \
        {"utf-8", "utf-8-sig", "utf-16"}


def test_cp1252_fallback_is_recorded_and_printed(messy_build):
    _, _, out, result = messy_build
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    entry = next(e for e in report["files"] if e["path"] == "good-4-cp1252.txt")
    assert entry["encoding"] == "cp1252" and "Windows-1252" in entry["encoding_fallback"]
    assert not any("encoding_fallback" in e for e in report["files"] if e["path"] != "good-4-cp1252.txt")
    assert "decoded as Windows-1252 (not UTF-8): good-4-cp1252.txt" in result.stdout


def test_summary_prints_counts_and_one_line_per_rejected_file(messy_build):
    _, expected, out, result = messy_build
    report = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    c = report["counts"]
    assert (f"{c['files']} files: {c['article']} articles, {c['excerpt']} excerpts, {c['duplicate']} duplicates, "
            f"{c['rejected']} rejected") in result.stdout
    rejected_lines = [line for line in result.stdout.splitlines() if line.startswith("rejected ")]
    assert len(rejected_lines) == len(expected)
    for name, code in expected.items():
        assert any(line.startswith(f"rejected {name}: {code}: ") for line in rejected_lines), name


def test_strict_fails_with_exit_1_naming_the_rejected_files(tmp_path):
    raw, expected = messy_folder(tmp_path)
    out = tmp_path / "strict"
    result = runner.invoke(app, ["build", str(raw), "--out", str(out), "--workers", "1", "--max-bytes", "10000",
                                 "--strict"])
    assert result.exit_code == 1
    assert f"{len(expected)} of" in result.stderr and "--strict" in result.stderr
    for name, code in expected.items():
        assert f"{name}: {code}: " in result.stderr
    assert "Traceback" not in result.output and not out.exists()


def test_strict_build_of_clean_inputs_succeeds(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(invented_story(1), encoding="utf-8")
    result = build([raw], tmp_path / "out", workers=1, strict=True)
    assert result.report["counts"]["rejected"] == 0


def test_library_strict_raises_a_dnk_error(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(invented_story(1), encoding="utf-8")
    (raw / "b.txt").write_bytes(b"")
    with pytest.raises(StrictRejections, match="b.txt: empty"):
        build([raw], tmp_path / "out", workers=1, strict=True)


# --- each rejection, through read_capture and process_capture ------------------------------------------------


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_each_bad_kind_is_rejected_with_its_code(name, tmp_path):
    data, code = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(data)
    result = process_capture(Capture(path, name, tmp_path))
    assert (result.status, result.reason_code) == ("rejected", code)
    assert result.message and result.size == len(data)


def test_too_large_is_measured_not_loaded(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 1000)
    result = process_capture(Capture(path, "big.txt", tmp_path), max_bytes=100)
    assert result.reason_code == "too_large" and "5,000 bytes" in result.message and "100-byte" in result.message
    assert result.size == 5000 and len(result.sha256) == 64  # hashed, so the inputs fingerprint sees it


def test_size_limit_is_configurable(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(invented_story(1), encoding="utf-8")
    assert process_capture(Capture(path, "story.txt", tmp_path), max_bytes=50).reason_code == "too_large"
    assert process_capture(Capture(path, "story.txt", tmp_path), max_bytes=10_000).status == "read"


def test_permission_denied_is_unreadable(tmp_path, monkeypatch):
    # As root chmod 000 does not stop a read, so the error the OS would raise is raised at the open call.
    path = tmp_path / "locked.txt"
    path.write_text(invented_story(1), encoding="utf-8")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("builtins.open", denied)
    result = process_capture(Capture(path, "locked.txt", tmp_path))
    assert result.reason_code == "unreadable" and "Permission denied" in result.message


def test_symlink_loop_and_link_to_folder_are_unreadable(tmp_path):
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(invented_story(1), encoding="utf-8")
    (tmp_path / "folder-link.txt").symlink_to(tmp_path / "sub")
    captures = {c.source_path: c for c in find_captures([tmp_path])}
    assert set(captures) == {"loop.txt", "sub/a.txt", "folder-link.txt"}
    assert process_capture(captures["loop.txt"]).reason_code == "unreadable"
    folder_link = process_capture(captures["folder-link.txt"])
    assert folder_link.reason_code == "unreadable" and "folder" in folder_link.message


def test_link_out_of_the_input_tree_is_reported_not_followed(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text(invented_story(1), encoding="utf-8")
    (raw / "innocent.txt").symlink_to(secret)
    (raw / "up.txt").symlink_to(Path("..") / "secret.txt")
    results = [process_capture(c) for c in find_captures([raw])]
    assert {r.source_path: r.reason_code for r in results} == {"innocent.txt": "outside_input", "up.txt": "outside_input"}
    assert all(not r.sha256 for r in results)  # never read
    # a file named on the command line is read even when it is a link: the user chose it
    (tmp_path / "named.txt").symlink_to(secret)
    assert process_capture(find_captures([tmp_path / "named.txt"])[0]).status == "read"


def test_names_that_are_not_utf8_are_reported_escaped(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")  # Latin-1 bytes in a file name: not UTF-8
    (raw / name).write_text(invented_story(1), encoding="utf-8")
    result = build([raw], tmp_path / "out", workers=1)
    report = json.loads((tmp_path / "out" / "build_report.json").read_text(encoding="utf-8"))
    assert [e["path"] for e in report["files"]] == ["caf\\xe9.txt"]
    assert result.report["counts"]["article"] == 1


def test_decode_order_and_fallback():
    assert decode("caf\u00e9".encode()) == ("caf\u00e9", "utf-8")
    assert decode(codecs.BOM_UTF8 + "caf\u00e9".encode()) == ("caf\u00e9", "utf-8-sig")
    assert decode(codecs.BOM_UTF16_BE + "caf\u00e9".encode("utf-16-be")) == ("caf\u00e9", "utf-16")
    assert decode("caf\u00e9 \u2019".encode("cp1252")) == ("caf\u00e9 \u2019", "cp1252")
    with pytest.raises(Rejected) as caught:
        decode(b"\x81")
    assert caught.value.code == "undecodable"


def test_capture_kind_sends_xml_to_the_feed_reader_and_xhtml_to_html():
    assert capture_kind("x.txt", b"<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY a 'b'>]><rss/>") == "feed"
    assert capture_kind("x.txt", b"<?xml version='1.0'?><catalog/>") == "feed"
    xhtml = b"<?xml version='1.0'?>\n<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0//EN' 'x'>\n<html><body/></html>"
    assert capture_kind("page", xhtml) == "html"
    assert capture_kind("note.txt", b"A story that mentions <html tags in passing.") == "text"


def test_read_capture_never_takes_a_feed_bomb_for_text():
    with pytest.raises(Rejected) as caught:
        read_capture("bomb.txt", BAD_FILES["bomb.xml"][0])
    assert caught.value.code == "feed_malformed" and "entity" in caught.value.message.lower()


def test_external_entity_is_refused_and_nothing_is_fetched(tmp_path, monkeypatch):
    secret = tmp_path / "secret"
    secret.write_text("top secret", encoding="utf-8")
    xxe = (f"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY x SYSTEM 'file://{secret}'>]>"
           "<rss version='2.0'><channel><item><title>&x;</title><link>http://e.org/1</link>"
           "<description>text</description></item></channel></rss>").encode()
    monkeypatch.setattr("urllib.request.urlopen", lambda *a, **k: pytest.fail("a feed made a request"))
    with pytest.raises(Rejected) as caught:
        read_capture("xxe.rss", xxe)
    assert caught.value.code == "feed_malformed" and "top secret" not in caught.value.message


def test_html_reader_fetches_nothing(monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the HTML reader opened a connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    page = DAILYNK_HTML.replace(b"<head>", b"<head><link rel='stylesheet' href='http://example.org/a.css'>"
                                           b"<script src='http://example.org/a.js'></script>"
                                           b"<iframe src='http://example.org/frame'></iframe>", 1)
    records, _ = read_capture("page.html", page)
    assert records


# --- output paths stay inside --out ----------------------------------------------------------------------------


def test_build_writes_only_its_own_files_inside_out(messy_build):
    _, _, out, _ = messy_build
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{table}.parquet" for table in TABLES] + ["build_report.json"])
    assert not [p for p in out.parent.iterdir() if re.match(r"\.build\.(tmp|old|lock)", p.name)]


def test_crafted_input_names_cannot_steer_output(tmp_path):
    raw = tmp_path / "raw"
    (raw / "%2e%2e%2f%2e%2e%2fescape").mkdir(parents=True)
    (raw / "%2e%2e%2f%2e%2e%2fescape" / "articles.parquet").write_text(invented_story(1), encoding="utf-8")
    (raw / "build_report.json").write_text(invented_story(2), encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    build([raw], tmp_path / "out", workers=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "out", ".dnkdata-cache"])  # the build cache lives beside --out by design
    report = json.loads((tmp_path / "out" / "build_report.json").read_text(encoding="utf-8"))
    assert report["counts"]["files"] == 2  # the capture named build_report.json did not overwrite the report


# --- fetch writes atomically -----------------------------------------------------------------------------------


def test_fetch_write_is_atomic_when_interrupted(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    target.write_bytes(b"the previous capture")

    def killed(fd):
        raise KeyboardInterrupt  # as if Ctrl-C landed between writing and renaming

    monkeypatch.setattr(fetch.os, "fsync", killed)
    with pytest.raises(KeyboardInterrupt):
        fetch._write_atomic(target, b"half of a new capture")
    assert target.read_bytes() == b"the previous capture"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]  # no .part file left behind


def test_fetch_write_replaces_whole_file(tmp_path):
    target = tmp_path / "page.html"
    fetch._write_atomic(target, b"one")
    fetch._write_atomic(target, b"two")
    assert target.read_bytes() == b"two" and sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


# --- staging leftovers -----------------------------------------------------------------------------------------


def dead_pid() -> int:
    """A pid no process has: a child that has already exited and been reaped."""
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


def test_staging_removes_leftovers_of_dead_processes_only(tmp_path):
    target = tmp_path / "build"
    target.mkdir()
    (target / "keep").write_text("previous", encoding="utf-8")
    dead, alive = dead_pid(), os.getppid()
    for name in (f".build.tmp-{dead}", f".build.old-{dead}", f".build.tmp-{alive}", ".buildx.tmp-1"):
        (tmp_path / name).mkdir()
    removed = export.recover_interrupted(target)
    assert sorted(p.name for p in removed) == sorted([f".build.tmp-{dead}", f".build.old-{dead}"])
    assert (tmp_path / f".build.tmp-{alive}").exists() and (tmp_path / ".buildx.tmp-1").exists()
    assert (target / "keep").read_text(encoding="utf-8") == "previous"


def test_previous_output_caught_mid_swap_is_restored(tmp_path):
    target = tmp_path / "build"
    old = tmp_path / f".build.old-{dead_pid()}"  # SIGKILL between the two renames of a swap
    old.mkdir()
    (old / "articles.parquet").write_text("previous", encoding="utf-8")
    export.recover_interrupted(target)
    assert (target / "articles.parquet").read_text(encoding="utf-8") == "previous" and not old.exists()


def test_failed_write_leaves_previous_output(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(invented_story(1), encoding="utf-8")
    out = tmp_path / "out"
    build([raw], out, workers=1)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (raw / "b.txt").write_text(invented_story(2), encoding="utf-8")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "write_report", disk_full)
    with pytest.raises(OSError):
        build([raw], out, workers=1)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dnkdata-cache", "out", "raw"]  # no staging, no lock


def test_copy_of_messy_folder_is_stable(tmp_path, messy_build):
    """Rebuilding the same messy inputs gives the same report entries (accounting is deterministic)."""
    raw, _, out, _ = messy_build
    again = tmp_path / "again"
    result = build([raw], again, workers=2, max_bytes=10000)
    first = json.loads((out / "build_report.json").read_text(encoding="utf-8"))
    assert result.report["files"] == first["files"]
    shutil.rmtree(again)


# --- every reason code is documented ---------------------------------------------------------------------------


def raised_codes() -> set[str]:
    """Every reason and problem code the code can produce: literal Rejected("..")/Problem("..") calls, plus
    the f"{kind}_no_article" family over the readers."""
    from dnkdata.parse import READERS

    package = Path(__file__).resolve().parents[1] / "dnkdata"
    codes: set[str] = set()
    for source in package.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        codes.update(re.findall(r'\b(?:Rejected|Problem)\(\s*"([a-z0-9_]+)"', text))
        codes.update(re.findall(r'_rejected\(\s*\w+,\s*"([a-z0-9_]+)"', text))
        if 'Rejected(f"{kind}_no_article"' in text:
            codes.update(f"{kind}_no_article" for kind in READERS)
    return codes


def test_every_reason_code_is_in_troubleshooting():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "troubleshooting.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `([a-z0-9_]+)`$", doc, flags=re.M))
    codes = raised_codes()
    assert {"empty", "binary", "undecodable", "too_large", "no_story", "unreadable", "outside_input",
            "html_no_article", "feed_malformed", "jsonl_bad_line"} <= codes  # the grep itself still works
    assert codes - documented == set()


def _extraction_failing_on(monkeypatch, marker: str | None, seen: list[str] | None = None) -> None:
    """Make the build's extraction raise on bodies holding marker (a bug met by one file); seen gets every body
    extracted."""
    from dnkdata import pipeline

    real = pipeline.extract_article

    def extract(article_id, body, **kwargs):
        if seen is not None:
            seen.append(body)
        if marker is not None and marker in body:
            raise KeyError("boom")
        return real(article_id, body, **kwargs)

    monkeypatch.setattr(pipeline, "extract_article", extract)


def test_a_bug_met_by_one_file_rejects_only_that_file(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(invented_story(1), encoding="utf-8")
    (raw / "b.txt").write_text(invented_story(2), encoding="utf-8")
    _extraction_failing_on(monkeypatch, "by 2 won")
    report = build([raw], tmp_path / "out", workers=1, cache_dir=None).report
    entries = {e["path"]: e for e in report["files"]}
    assert entries["a.txt"]["status"] == "article"
    assert entries["b.txt"]["status"] == "rejected" and entries["b.txt"]["reason_code"] == "internal_error"
    assert "KeyError" in entries["b.txt"]["message"]
    assert report["counts"]["rows_articles"] == 1


def test_only_primaries_are_extracted_and_a_primary_that_fails_gives_way_to_its_duplicate(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    story = invented_story(3)
    (raw / "a.txt").write_text(story + "\nOfficials denied the reports, the source added.\n", encoding="utf-8")
    (raw / "b.txt").write_text(story, encoding="utf-8")  # the same story, shorter: a duplicate of a.txt
    (raw / "c.txt").write_text(invented_story(4), encoding="utf-8")
    extracted: list[str] = []
    _extraction_failing_on(monkeypatch, None, seen=extracted)
    report = build([raw], tmp_path / "out", workers=1, cache_dir=None).report
    assert {e["path"]: e["status"] for e in report["files"]} == {"a.txt": "article", "b.txt": "duplicate",
                                                                 "c.txt": "article"}
    assert sorted("Officials denied" in body for body in extracted) == [False, True]  # a and c, never b

    _extraction_failing_on(monkeypatch, "Officials denied")
    report = build([raw], tmp_path / "out2", workers=1, cache_dir=None).report
    entries = {e["path"]: e for e in report["files"]}
    assert entries["a.txt"]["status"] == "rejected" and entries["a.txt"]["reason_code"] == "internal_error"
    assert entries["b.txt"]["status"] == "article"  # the story is not lost: its other capture takes over
    assert report["counts"]["rows_articles"] == 2 and report["counts"]["rows_quotes"] == 2
    articles = pl.read_parquet(tmp_path / "out2" / "articles.parquet")
    assert sorted(articles["source_path"]) == ["b.txt", "c.txt"]


def test_a_lone_surrogate_escape_in_json_lines_becomes_a_replacement_character(tmp_path):
    """json.loads turns "\\ud800" into a lone surrogate, which no Parquet file can hold: the build must still
    write the article, with U+FFFD in its place (offsets unchanged) and a problem naming the line."""
    raw = tmp_path / "raw"
    raw.mkdir()
    text = invented_story(1)
    cut = text.index(" ", len(text) // 2)
    line = json.dumps({"title": "Odd \ud800 title", "text": text[:cut] + " \udc00" + text[cut:]})  # ASCII escapes
    (raw / "items.jsonl").write_text(line + "\n", encoding="utf-8")
    report = build([raw], tmp_path / "out", workers=1, cache_dir=None).report
    entry = report["files"][0]
    assert entry["status"] == "article"
    assert [(p["code"], p["line"]) for p in entry["problems"]] == [("lone_surrogate", 1)]
    articles = pl.read_parquet(tmp_path / "out" / "articles.parquet")
    assert articles["title"][0] == "Odd \ufffd title"
    assert articles["body"][0] == (text[:cut] + " \ufffd" + text[cut:]).strip()
