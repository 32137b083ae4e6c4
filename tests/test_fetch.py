"""The crawler against a local server (127.0.0.1 only): storage, provenance, politeness, retries, robots.txt.

Every page served here is invented test content.
"""

from __future__ import annotations

import json
import threading
import time
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from dnkdata import fetch as fetch_module
from dnkdata.fetch import DEFAULT_USER_AGENT, STATE_FILE, fetch, register

PAGE = "<!-- INVENTED test page --><html><body><article><p>{}</p></article></body></html>"
LAST_MODIFIED = "Tue, 05 Mar 2024 05:20:00 GMT"


class Site:
    """What the server serves and what it saw."""

    def __init__(self):
        self.hits: dict[str, int] = {}
        self.requests: list[tuple[str, dict]] = []  # (path, headers)
        self.lock = threading.Lock()
        self.base = ""
        self.a_body = PAGE.format("Invented story A.")

    def count(self, path: str) -> int:
        return self.hits.get(path, 0)


def make_handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # keep test output quiet
            pass

        def do_GET(self):  # noqa: N802 (http.server's naming)
            path = self.path
            with site.lock:
                site.hits[path] = site.hits.get(path, 0) + 1
                site.requests.append((path, dict(self.headers)))
                hit = site.hits[path]
            try:
                self.route(path, hit)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        def send(self, status, body=b"", content_type="text/html; charset=utf-8", headers=None):
            if isinstance(body, str):
                body = body.encode()
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def route(self, path, hit):
            if path == "/robots.txt":
                return self.send(200, "User-agent: *\nDisallow: /private/\n", "text/plain")
            if path == "/a.html":
                etag = '"a-' + str(hash(site.a_body) & 0xFFFF) + '"'
                if self.headers.get("If-None-Match") == etag:
                    return self.send(304, content_type=None, headers={"ETag": etag})
                return self.send(200, site.a_body, headers={"ETag": etag, "Last-Modified": LAST_MODIFIED})
            if path == "/b.html":
                return self.send(200, PAGE.format("Invented story B."))
            if path == "/lm.html":
                if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                    return self.send(304, content_type=None)
                return self.send(200, PAGE.format("Invented story LM."), headers={"Last-Modified": LAST_MODIFIED})
            if path == "/redirect":
                return self.send(302, content_type=None, headers={"Location": "/b-final.html"})
            if path == "/b-final.html":
                return self.send(200, PAGE.format("Invented story behind a redirect."))
            if path == "/to-private":
                return self.send(301, content_type=None, headers={"Location": "/private/secret.html"})
            if path == "/limited":
                if hit == 1:
                    return self.send(429, "slow down", "text/plain", {"Retry-After": "7"})
                return self.send(200, PAGE.format("Invented story after 429."))
            if path == "/dated-retry":
                if hit == 1:
                    later = format_datetime(datetime.now(timezone.utc) + timedelta(days=1), usegmt=True)
                    return self.send(503, "busy", "text/plain", {"Retry-After": later})
                return self.send(200, PAGE.format("Invented story after 503."))
            if path == "/flaky":
                if hit == 1:
                    return self.send(500, "oops", "text/plain")
                return self.send(200, PAGE.format("Invented story after 500."))
            if path == "/always-500":
                return self.send(500, "oops", "text/plain")
            if path == "/slow-once":
                if hit == 1:
                    time.sleep(1.0)
                return self.send(200, PAGE.format("Invented slow story."))
            if path == "/always-slow":
                time.sleep(1.0)
                return self.send(200, PAGE.format("Never in time."))
            if path == "/data.json":
                return self.send(200, '{"invented": true}', "application/json")
            if path == "/notes.txt":
                return self.send(200, "Invented notes.", "text/plain; charset=utf-8")
            if path == "/picture.png":
                return self.send(200, b"\x89PNG invented", "image/png")
            if path == "/feed.xml":
                etag = '"feed-1"'
                if self.headers.get("If-None-Match") == etag:
                    return self.send(304, content_type=None, headers={"ETag": etag})
                return self.send(200, feed_xml(site.base), "application/rss+xml", {"ETag": etag})
            return self.send(404, "not found", "text/plain")

    return Handler


def feed_xml(base: str) -> str:
    items = "".join(
        f"<item><title>Invented {name}</title><link>{base}{path}</link><description>Invented teaser."
        "</description></item>"
        for name, path in (("A", "/a.html"), ("gone", "/gone.html"), ("B", "/b.html"))
    )
    return f'<?xml version="1.0"?><!-- INVENTED feed --><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'


@pytest.fixture
def site():
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(site))
    server.daemon_threads = True
    server.block_on_close = False
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()


class FakeTime:
    """An injected clock: sleeping advances it instantly, so politeness is checked without waiting."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake():
    return FakeTime()


def run(site, fake, out, *, urls=None, feed=None, log=None, **kwargs):
    def record(request: httpx.Request):
        if log is not None:
            log.append((request.url.netloc.decode(), request.url.path, fake.now, request.headers.get("user-agent")))

    kwargs.setdefault("delay", 2.0)
    kwargs.setdefault("timeout", 0.3)
    kwargs.setdefault("progress", False)
    with httpx.Client(event_hooks={"request": [record]}) as client:
        return fetch(
            feed_url=feed and site.base + feed, urls=urls and [site.base + u for u in urls], out=out,
            client=client, sleep=fake.sleep, clock=fake.clock, **kwargs,
        )


def stored_files(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def sidecar_for(out: Path, url: str) -> dict:
    for path in out.rglob("*.meta.json"):
        meta = json.loads(path.read_text())
        if meta["url"] == url:
            return meta
    raise AssertionError(f"no sidecar for {url}")


def test_stores_pages_with_provenance(site, fake, tmp_path):
    out = tmp_path / "out"
    summary = run(site, fake, out, urls=["/a.html", "/data.json", "/notes.txt"])
    assert sorted(summary.fetched) == sorted(site.base + u for u in ["/a.html", "/data.json", "/notes.txt"])
    files = [f for f in stored_files(out) if f != STATE_FILE]
    assert len(files) == 6 and all(f.startswith("127.0.0.1/") for f in files)
    assert {Path(f).suffix for f in files if not f.endswith(".meta.json")} == {".html", ".json", ".txt"}
    meta = sidecar_for(out, site.base + "/a.html")
    body = site.a_body.encode()
    import hashlib

    sha = hashlib.sha256(body).hexdigest()
    assert (out / "127.0.0.1" / f"{sha[:16]}.html").read_bytes() == body
    assert meta["sha256"] == sha and meta["file"] == f"{sha[:16]}.html"
    assert meta["final_url"] == site.base + "/a.html"
    assert meta["http_status"] == 200
    assert meta["content_type"] == "text/html; charset=utf-8"
    assert meta["etag"].startswith('"a-') and meta["last_modified"] == LAST_MODIFIED
    assert datetime.fromisoformat(meta["fetched_at"]).tzinfo is not None and meta["fetched_at"].endswith("Z")
    assert not list(out.rglob("*.part"))  # no temporary files left behind


def test_identifies_itself_and_reads_robots_once(site, fake, tmp_path):
    log = []
    run(site, fake, tmp_path / "out", urls=["/a.html", "/b.html", "/notes.txt"], log=log)
    assert site.count("/robots.txt") == 1
    assert log[0][1] == "/robots.txt"
    assert {entry[3] for entry in log} == {DEFAULT_USER_AGENT}
    assert DEFAULT_USER_AGENT.startswith("dnkdata/") and "research crawler" in DEFAULT_USER_AGENT


def test_robots_disallowed_urls_are_skipped_and_counted(site, fake, tmp_path):
    summary = run(site, fake, tmp_path / "out", urls=["/private/x.html", "/to-private", "/b.html"])
    assert summary.disallowed == [site.base + "/private/x.html", site.base + "/to-private"]
    assert site.count("/private/x.html") == 0 and site.count("/private/secret.html") == 0
    assert summary.fetched == [site.base + "/b.html"]


def test_requests_to_one_host_are_spaced_by_delay(site, fake, tmp_path):
    log = []
    run(site, fake, tmp_path / "out", urls=["/a.html", "/b.html", "/flaky", "/redirect"], log=log, delay=2.0)
    times = [entry[2] for entry in log]
    assert len(times) == 7  # robots, a, b, flaky x2, redirect, its target
    assert all(later - earlier >= 2.0 for earlier, later in zip(times, times[1:]))


def test_429_waits_for_retry_after(site, fake, tmp_path):
    log = []
    summary = run(site, fake, tmp_path / "out", urls=["/limited"], log=log, delay=1.0)
    assert summary.fetched == [site.base + "/limited"]
    limited = [entry[2] for entry in log if entry[1] == "/limited"]
    assert limited[1] - limited[0] >= 7.0


def test_retry_after_http_date_is_capped(site, fake, tmp_path):
    log = []
    summary = run(site, fake, tmp_path / "out", urls=["/dated-retry"], log=log, delay=1.0, max_wait=30.0)
    assert summary.fetched == [site.base + "/dated-retry"]
    tries = [entry[2] for entry in log if entry[1] == "/dated-retry"]
    assert 30.0 <= tries[1] - tries[0] <= 31.0  # one day asked for, capped at max_wait


def test_500_then_success_and_persistent_500_fails(site, fake, tmp_path):
    log = []
    summary = run(site, fake, tmp_path / "out", urls=["/flaky", "/always-500"], log=log, delay=0.0,
                  max_retries=2, backoff=1.5)
    assert summary.fetched == [site.base + "/flaky"]
    assert summary.failed == {site.base + "/always-500": "HTTP 500 after 3 tries"}
    tries = [entry[2] for entry in log if entry[1] == "/always-500"]
    assert [round(b - a, 6) for a, b in zip(tries, tries[1:])] == [1.5, 3.0]  # exponential backoff


def test_slow_response_times_out_and_is_retried(site, fake, tmp_path):
    summary = run(site, fake, tmp_path / "out", urls=["/slow-once", "/always-slow"], delay=0.0, max_retries=1,
                  backoff=0.0, timeout=0.3)
    assert summary.fetched == [site.base + "/slow-once"]
    assert summary.failed == {site.base + "/always-slow": "timeout after 2 tries"}
    assert site.count("/slow-once") == 2


def test_redirect_records_final_url(site, fake, tmp_path):
    out = tmp_path / "out"
    run(site, fake, out, urls=["/redirect"])
    meta = sidecar_for(out, site.base + "/redirect")
    assert meta["final_url"] == site.base + "/b-final.html" and meta["http_status"] == 200


def test_unsupported_content_type_and_404_fail_cleanly(site, fake, tmp_path):
    out = tmp_path / "out"
    summary = run(site, fake, out, urls=["/picture.png", "/nothing-here"])
    assert summary.failed == {
        site.base + "/picture.png": "unsupported content type image/png",
        site.base + "/nothing-here": "HTTP 404",
    }
    assert stored_files(out) == [STATE_FILE]


def test_feed_items_fetched_and_missing_item_reported(site, fake, tmp_path):
    out = tmp_path / "out"
    summary = run(site, fake, out, feed="/feed.xml")
    assert summary.fetched == [site.base + u for u in ("/feed.xml", "/a.html", "/b.html")]
    assert summary.failed == {site.base + "/gone.html": "HTTP 404"}
    assert "1 failed" in summary.report() and "/gone.html (HTTP 404)" in summary.report()
    exts = sorted(Path(f).suffix for f in stored_files(out) if not f.endswith(".meta.json") and f != STATE_FILE)
    assert exts == [".html", ".html", ".xml"]


def test_max_items_limits_feed_items(site, fake, tmp_path):
    summary = run(site, fake, tmp_path / "out", feed="/feed.xml", max_items=1)
    assert summary.fetched == [site.base + "/feed.xml", site.base + "/a.html"]
    assert site.count("/b.html") == 0


def test_repeat_run_is_conditional_and_skips_stored(site, fake, tmp_path):
    out = tmp_path / "out"
    run(site, fake, out, feed="/feed.xml")
    before = stored_files(out)
    again = run(site, fake, out, feed="/feed.xml")
    assert again.not_modified == [site.base + "/feed.xml"]
    assert again.skipped_existing == [site.base + "/a.html", site.base + "/b.html"]
    assert again.failed == {site.base + "/gone.html": "HTTP 404"}
    assert site.count("/a.html") == 1 and site.count("/b.html") == 1
    feed_requests = [headers for path, headers in site.requests if path == "/feed.xml"]
    assert feed_requests[1].get("If-None-Match") == '"feed-1"'
    assert stored_files(out) == before


def test_recheck_uses_etag_and_last_modified(site, fake, tmp_path):
    out = tmp_path / "out"
    run(site, fake, out, urls=["/a.html", "/lm.html"])
    again = run(site, fake, out, urls=["/a.html", "/lm.html"], recheck=True)
    assert again.not_modified == [site.base + "/a.html", site.base + "/lm.html"]
    lm_requests = [headers for path, headers in site.requests if path == "/lm.html"]
    assert lm_requests[1].get("If-Modified-Since") == LAST_MODIFIED


def test_changed_content_keeps_the_old_capture(site, fake, tmp_path):
    out = tmp_path / "out"
    run(site, fake, out, urls=["/a.html"])
    first = stored_files(out)
    site.a_body = PAGE.format("Invented story A, corrected.")
    again = run(site, fake, out, urls=["/a.html"], recheck=True)
    assert again.fetched == [site.base + "/a.html"] and len(again.stored) == 1
    now = stored_files(out)
    assert set(first) - {STATE_FILE} < set(now)  # old file and sidecar untouched
    assert len([f for f in now if f.endswith(".html")]) == 2
    state = json.loads((out / STATE_FILE).read_text())
    assert state[site.base + "/a.html"]["file"] == again.stored[0].relative_to(out.resolve()).as_posix()


def test_state_is_rebuilt_from_sidecars(site, fake, tmp_path):
    out = tmp_path / "out"
    run(site, fake, out, urls=["/a.html"])
    (out / STATE_FILE).unlink()
    again = run(site, fake, out, urls=["/a.html"])
    assert again.skipped_existing == [site.base + "/a.html"]


def test_never_writes_outside_out(tmp_path):
    out = tmp_path / "out"
    out.mkdir()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, content=b"<p>invented</p>", headers={"Content-Type": "text/html"})

    fake = FakeTime()
    crafted = ["http://../escape.html", "http://%2e%2e/escape.html", "http://a..b/x.html", "file:///etc/passwd"]
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        summary = fetch(feed_url=None, urls=crafted, out=out, client=client, sleep=fake.sleep, clock=fake.clock,
                        progress=False)
    assert set(summary.failed) == set(crafted)
    assert summary.failed["file:///etc/passwd"] == "not an http(s) URL"
    assert all("unsafe host name" in summary.failed[u] for u in crafted[:3])
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert stored_files(out) == [STATE_FILE]


def test_symlinked_host_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    outside = tmp_path / "elsewhere"
    out.mkdir()
    outside.mkdir()
    (out / "example.org").symlink_to(outside, target_is_directory=True)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, content=b"<p>invented</p>", headers={"Content-Type": "text/html"})

    fake = FakeTime()
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        summary = fetch(feed_url=None, urls=["http://example.org/x.html"], out=out, client=client,
                        sleep=fake.sleep, clock=fake.clock, progress=False)
    assert "outside the output folder" in summary.failed["http://example.org/x.html"]
    assert list(outside.iterdir()) == []


def test_unreachable_robots_means_stay_out(tmp_path):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(503)
        raise AssertionError("no page may be requested when robots.txt is unreachable")

    fake = FakeTime()
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        summary = fetch(feed_url=None, urls=["http://example.org/x.html"], out=tmp_path / "out", client=client,
                        sleep=fake.sleep, clock=fake.clock, progress=False, max_retries=1)
    assert summary.disallowed == ["http://example.org/x.html"]


def test_needs_exactly_one_source(tmp_path):
    with pytest.raises(ValueError):
        fetch(feed_url=None, urls=None, out=tmp_path)
    with pytest.raises(ValueError):
        fetch(feed_url="http://127.0.0.1:9/f", urls=[], out=tmp_path)


def test_retry_after_parsing():
    assert fetch_module._retry_after_seconds("12") == 12.0
    assert fetch_module._retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert fetch_module._retry_after_seconds("soon") is None
    assert fetch_module._retry_after_seconds(None) is None


def test_cli_command_registers_and_runs(site, tmp_path):
    app = typer.Typer()
    register(app)

    @app.command("noop")  # a second command so Typer keeps "fetch" as a subcommand name
    def noop() -> None:
        pass

    url_file = tmp_path / "urls.txt"
    url_file.write_text(f"# invented list\n{site.base}/b.html\n\n{site.base}/nothing-here\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["fetch", "--urls", str(url_file), "--out", str(out), "--delay", "0"])
    assert result.exit_code == 0, result.output
    assert "Fetched 1 URL(s)" in result.output and "/nothing-here (HTTP 404)" in result.output
    assert any(p.suffix == ".html" for p in (out / "127.0.0.1").iterdir())

    both = CliRunner().invoke(app, ["fetch", "--feed", "x", "--urls", str(url_file), "--out", str(out)])
    assert both.exit_code != 0
    failed_feed = CliRunner().invoke(app, ["fetch", "--feed", site.base + "/no-feed", "--out", str(out),
                                           "--delay", "0"])
    assert failed_feed.exit_code == 1 and "HTTP 404" in failed_feed.output


def test_progress_bar_runs(site, fake, tmp_path, capsys):
    summary = run(site, fake, tmp_path / "out", urls=["/b.html"], progress=True)
    assert summary.fetched == [site.base + "/b.html"]


def test_state_file_cannot_point_outside_out(site, fake, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    secret = tmp_path / "secret.html"
    secret.write_text("outside")
    (out / STATE_FILE).write_text(json.dumps({site.base + "/b.html": {"file": "../secret.html"}}))
    summary = run(site, fake, out, urls=["/b.html"])
    assert summary.fetched == [site.base + "/b.html"]  # the bogus entry is ignored, the page fetched anew
    assert secret.read_text() == "outside"


def test_same_bytes_under_two_urls_are_stored_once(tmp_path):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, content=b"<p>invented mirror</p>", headers={"Content-Type": "text/html"})

    fake = FakeTime()
    out = tmp_path / "out"
    urls = ["http://example.org/one.html", "http://example.org/two.html"]
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        summary = fetch(feed_url=None, urls=urls, out=out, client=client, sleep=fake.sleep, clock=fake.clock,
                        progress=False, delay=0.0)
    assert summary.fetched == urls and len(summary.stored) == 1
    assert sidecar_for(out, urls[0])["url"] == urls[0]  # the first provenance is kept
    state = json.loads((out / STATE_FILE).read_text())
    assert state[urls[0]]["file"] == state[urls[1]]["file"]
