"""A polite crawler that stores raw captures with provenance: `dnkdata fetch --feed URL | --urls FILE --out DIR`.

Politeness: robots.txt is read once per host (RFC 9309: a 4xx robots.txt allows everything, an unreachable or
5xx one disallows everything), requests to one host are at least `delay` seconds apart (or the robots.txt
Crawl-delay, if longer), 429 and 5xx answers and timeouts are retried with exponential backoff that honours
Retry-After (capped), and every request carries an identifying User-Agent.

Storage: `<out>/<host>/<sha256[:16]>.<ext>` holds the bytes as served, `<out>/<host>/<sha256[:16]>.meta.json`
their provenance. Files are written atomically and never overwritten; a capture of the same URL with new
content gets a new file next to the old one. `<out>/.dnkdata-fetch-state.json` remembers, per URL, the latest
capture and its ETag / Last-Modified, so a repeat run skips stored pages and asks the feed conditionally.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import re
import sys
import tempfile
import time
import urllib.robotparser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import typer

from dnkdata.errors import Rejected


def _version() -> str:
    try:
        return metadata.version("dnkdata")
    except metadata.PackageNotFoundError:
        return "0.0.0"


DEFAULT_USER_AGENT = f"dnkdata/{_version()} (+https://github.com/dnkdata/dnkdata; research crawler)"
STATE_FILE = ".dnkdata-fetch-state.json"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
MAX_BYTES = 20 * 1024 * 1024  # a news page is far smaller: anything bigger is not what we came for
_EXTENSIONS = {
    "text/html": "html", "application/xhtml+xml": "html",
    "application/rss+xml": "xml", "application/atom+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "application/json": "json", "application/x-ndjson": "json", "application/jsonl": "json",
    "application/feed+json": "json",
    "text/plain": "txt",
}
_HOST_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_SAFE_HOST = re.compile(rf"^{_HOST_LABEL}(?:\.{_HOST_LABEL})*$")


@dataclass
class FetchSummary:
    """What one run did, URL by URL."""

    fetched: list[str] = field(default_factory=list)  # new content stored (or identical content already held)
    not_modified: list[str] = field(default_factory=list)  # 304, or 200 with the bytes we already had
    skipped_existing: list[str] = field(default_factory=list)  # already stored: not requested again
    disallowed: list[str] = field(default_factory=list)  # robots.txt says no
    failed: dict[str, str] = field(default_factory=dict)  # url -> reason ("HTTP 404", "timeout after 4 tries")
    stored: list[Path] = field(default_factory=list)  # capture files written by this run

    def report(self) -> str:
        """One paragraph for the end of a run."""
        parts = [
            f"Fetched {len(self.fetched)} URL(s) and stored {len(self.stored)} new capture file(s)",
            f"{len(self.not_modified)} not modified since the last run",
            f"{len(self.skipped_existing)} already stored and skipped",
            f"{len(self.disallowed)} disallowed by robots.txt",
        ]
        text = "; ".join(parts)
        if self.failed:
            reasons = ", ".join(f"{url} ({reason})" for url, reason in self.failed.items())
            return f"{text}; {len(self.failed)} failed: {reasons}."
        return f"{text}; none failed."


class _Failure(Exception):
    """A URL that could not be fetched or stored; the message is the reason shown in the summary."""


class _Disallowed(Exception):
    """robots.txt forbids the URL (or a redirect target)."""


@dataclass
class _Response:
    url: str
    status: int
    headers: httpx.Headers
    content: bytes


def fetch(
    *,
    feed_url: str | None,
    urls: list[str] | None,
    out: Path,
    max_items: int | None = None,
    delay: float = 1.0,
    user_agent: str = DEFAULT_USER_AGENT,
    progress: bool | None = None,
    client: httpx.Client | None = None,
    recheck: bool = False,
    timeout: float = 20.0,
    max_retries: int = 3,
    backoff: float = 2.0,
    max_wait: float = 120.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> FetchSummary:
    """Fetch a feed and its items, or a list of URLs, into `out`; see the module docstring for the rules.

    `recheck` asks again (conditionally) for pages already stored instead of skipping them. `progress=None`
    shows a progress bar only when stdout is a terminal. `sleep` and `clock` are injectable for tests.
    """
    if (feed_url is None) == (urls is None):
        raise ValueError("give exactly one of feed_url or urls")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    own_client = client is None
    client = client or httpx.Client()
    crawler = _Crawler(
        client=client, store=_Store(out.resolve()), user_agent=user_agent, delay=delay, timeout=timeout,
        max_retries=max_retries, backoff=backoff, max_wait=max_wait, sleep=sleep, clock=clock,
    )
    try:
        if feed_url is not None:
            links = crawler.feed_links(feed_url)
        else:
            links = list(urls or [])
        links = list(dict.fromkeys(link.strip() for link in links if link.strip()))[:max_items]
        show = sys.stdout.isatty() if progress is None else progress
        for link in _with_progress(links, show):
            crawler.capture(link, ask_again=recheck)
    finally:
        crawler.store.save_state()
        if own_client:
            client.close()
    return crawler.summary


def register(app: typer.Typer) -> None:
    """Add the `fetch` command to a Typer app (cli.py calls this)."""

    @app.command("fetch")
    def fetch_command(
        feed: str | None = typer.Option(None, "--feed", help="RSS/Atom feed URL: store it and fetch each item."),
        urls: Path | None = typer.Option(
            None, "--urls", exists=True, dir_okay=False, help="Text file with one URL a line (# comments)."
        ),
        out: Path = typer.Option(..., "--out", file_okay=False, help="Folder for captures and provenance."),
        max_items: int | None = typer.Option(None, "--max", min=1, help="Fetch at most N items or URLs."),
        delay: float = typer.Option(1.0, "--delay", min=0.0, help="Seconds between requests to one host."),
        recheck: bool = typer.Option(False, "--recheck", help="Ask again for pages already stored."),
    ) -> None:
        """Politely download pages (robots.txt, delays, retries) and store them with provenance."""
        if (feed is None) == (urls is None):
            raise typer.BadParameter("give exactly one of --feed or --urls")
        url_list = _read_url_file(urls) if urls is not None else None
        summary = fetch(feed_url=feed, urls=url_list, out=out, max_items=max_items, delay=delay, recheck=recheck)
        typer.echo(summary.report())
        nothing_worked = not (summary.fetched or summary.not_modified or summary.skipped_existing)
        if (feed is not None and feed in summary.failed) or (summary.failed and nothing_worked):
            raise typer.Exit(1)


def _read_url_file(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _with_progress(items: list[str], show: bool) -> Iterable[str]:
    if not show:
        yield from items
        return
    with typer.progressbar(items, label="Fetching") as bar:
        yield from bar


# --- crawling --------------------------------------------------------------------------------------------


class _Crawler:
    """Requests with robots.txt, per-host delays and retries; hands what it gets to the store."""

    def __init__(self, *, client, store, user_agent, delay, timeout, max_retries, backoff, max_wait, sleep, clock):
        self.client = client
        self.store = store
        self.user_agent = user_agent
        self.delay = delay
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self.clock = clock
        self.summary = FetchSummary()
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._next_allowed: dict[str, float] = {}  # per host: the earliest clock time for the next request

    def feed_links(self, feed_url: str) -> list[str]:
        """Store the feed (asking conditionally), then read its item links from the latest capture."""
        self.capture(feed_url, ask_again=True)
        if feed_url in self.summary.failed or feed_url in self.summary.disallowed:
            return []
        path, final_url = self.store.latest(feed_url)
        if path is None:
            return []
        from dnkdata.sources.feed import item_links  # late: the crawler itself needs no feed parsing

        try:
            return item_links(path.read_bytes(), final_url)
        except Rejected as rejected:
            self.summary.failed[feed_url] = f"feed unreadable: {rejected.message}"
            return []

    def capture(self, url: str, *, ask_again: bool) -> None:
        """Fetch one URL into the store and count the outcome."""
        if not ask_again and self.store.has(url):
            self.summary.skipped_existing.append(url)
            return
        try:
            response = self._get(url, self.store.validators(url))
            if response.status == 304:
                self.summary.not_modified.append(url)
                return
            if response.status != 200:
                raise _Failure(f"HTTP {response.status}")
            outcome, path = self.store.put(url, response)
        except _Disallowed:
            self.summary.disallowed.append(url)
            return
        except _Failure as failure:
            self.summary.failed[url] = str(failure)
            return
        if outcome == "unchanged":
            self.summary.not_modified.append(url)
            return
        self.summary.fetched.append(url)
        if outcome == "new":
            self.summary.stored.append(path)

    def _get(self, url: str, headers: dict[str, str]) -> _Response:
        """GET following redirects by hand, so each hop is checked against robots.txt and paced."""
        for _ in range(MAX_REDIRECTS + 1):
            _check_scheme(url)
            if not self._allowed(url):
                raise _Disallowed(url)
            response = self._request(url, headers)
            location = response.headers.get("location")
            if response.status not in REDIRECT_STATUSES or not location:
                return response
            url = urljoin(url, location)
        raise _Failure(f"more than {MAX_REDIRECTS} redirects")

    def _request(self, url: str, headers: dict[str, str]) -> _Response:
        """One GET with retries on 429, 5xx, timeouts and network errors."""
        host = _host_key(url)
        for attempt in range(self.max_retries + 1):
            self._wait_turn(host)
            retry_after = None
            try:
                response = self._send(url, headers)
            except httpx.TimeoutException:
                reason = "timeout"
            except httpx.TransportError as error:
                reason = f"network error ({type(error).__name__})"
            else:
                if response.status not in RETRY_STATUSES:
                    return response
                reason = f"HTTP {response.status}"
                retry_after = _retry_after_seconds(response.headers.get("retry-after"))
            if attempt == self.max_retries:
                raise _Failure(f"{reason} after {attempt + 1} tries")
            wait = retry_after if retry_after is not None else self.backoff * 2**attempt
            self._hold(host, min(wait, self.max_wait))
        raise AssertionError("unreachable")

    def _send(self, url: str, headers: dict[str, str]) -> _Response:
        request_headers = {"User-Agent": self.user_agent, **headers}
        with self.client.stream("GET", url, headers=request_headers, timeout=self.timeout,
                                follow_redirects=False) as response:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise _Failure(f"response larger than {MAX_BYTES} bytes")
                chunks.append(chunk)
            return _Response(str(response.url), response.status_code, response.headers, b"".join(chunks))

    def _wait_turn(self, host: str) -> None:
        """Sleep until this host may be asked again, then book the next slot."""
        now = self.clock()
        earliest = self._next_allowed.get(host, now)
        if earliest > now:
            self.sleep(earliest - now)
        self._next_allowed[host] = max(self.clock(), earliest) + self._host_delay(host)

    def _hold(self, host: str, seconds: float) -> None:
        """A backoff: no request to this host before `seconds` from now (and never sooner than the delay)."""
        self._next_allowed[host] = max(self._next_allowed.get(host, 0.0), self.clock() + seconds)

    def _host_delay(self, host: str) -> float:
        robots = self._robots.get(host)
        crawl_delay = robots.crawl_delay(self.user_agent) if robots is not None else None
        return max(self.delay, min(float(crawl_delay or 0), self.max_wait))

    def _allowed(self, url: str) -> bool:
        host = _host_key(url)
        if host not in self._robots:
            self._robots[host] = self._load_robots(host)
        return self._robots[host].can_fetch(self.user_agent, url)

    def _load_robots(self, host: str) -> urllib.robotparser.RobotFileParser:
        """RFC 9309: 2xx rules apply; 4xx means no rules; unreachable or 5xx means stay out for this run."""
        parser = urllib.robotparser.RobotFileParser(f"{host}/robots.txt")
        url = f"{host}/robots.txt"
        try:
            for _ in range(MAX_REDIRECTS + 1):
                response = self._request(url, {})
                location = response.headers.get("location")
                if response.status in REDIRECT_STATUSES and location:
                    url = urljoin(url, location)
                    continue
                break
        except _Failure:
            parser.disallow_all = True
            return parser
        if response.status == 200:
            parser.parse(response.content.decode("utf-8", errors="replace").splitlines())
        elif 400 <= response.status < 500:
            parser.parse([])
        else:
            parser.disallow_all = True
        return parser


def _check_scheme(url: str) -> None:
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise _Failure("not an http(s) URL")


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date (a date in the past means now)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


# --- storage ---------------------------------------------------------------------------------------------


class _Store:
    """Capture files, their sidecars and the state file, all kept strictly inside `out`."""

    def __init__(self, out: Path):
        self.out = out
        self.state_path = out / STATE_FILE
        self.state: dict[str, dict] = self._load_state()

    def has(self, url: str) -> bool:
        """True when the state names a capture of this URL that is still there, inside `out`."""
        entry = self.state.get(url)
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            return False
        path = (self.out / entry["file"]).resolve()
        return path.is_relative_to(self.out) and path.is_file()

    def validators(self, url: str) -> dict[str, str]:
        """Conditional request headers from the last capture of this URL (only if we still hold it)."""
        if not self.has(url):
            return {}
        entry = self.state[url]
        headers = {}
        if entry.get("etag"):
            headers["If-None-Match"] = entry["etag"]
        if entry.get("last_modified"):
            headers["If-Modified-Since"] = entry["last_modified"]
        return headers

    def latest(self, url: str) -> tuple[Path | None, str | None]:
        if not self.has(url):
            return None, None
        entry = self.state[url]
        return self.out / entry["file"], entry.get("final_url") or url

    def put(self, url: str, response: _Response) -> tuple[str, Path | None]:
        """Store the bytes. Outcomes: ("new", path) written now; ("held", path) the same bytes were already
        stored (for another URL, whose provenance stays); ("unchanged", None) this URL's latest capture."""
        content_type = response.headers.get("content-type", "")
        ext = _extension(content_type)
        sha = hashlib.sha256(response.content).hexdigest()
        previous = self.state.get(url)
        if previous and previous.get("sha256") == sha and self.has(url):
            return "unchanged", None
        folder = self._inside(self.out / _safe_host(response.url))
        path = self._inside(folder / f"{sha[:16]}.{ext}")
        sidecar = self._inside(folder / f"{sha[:16]}.meta.json")
        if path.exists() and _sha256_file(path) != sha:  # a 16-hex-digit collision: keep both, use the full hash
            path = self._inside(folder / f"{sha}.{ext}")
            sidecar = self._inside(folder / f"{sha}.meta.json")
        outcome = "held"
        folder.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            _write_atomic(path, response.content)
            outcome = "new"
        provenance = {
            "url": url,
            "final_url": response.url,
            "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "http_status": response.status,
            "content_type": content_type or None,
            "sha256": sha,
            "etag": response.headers.get("etag"),
            "last_modified": response.headers.get("last-modified"),
            "file": path.name,
        }
        if not sidecar.exists():  # the first provenance of these bytes stays as it was
            _write_atomic(sidecar, (json.dumps(provenance, indent=2, sort_keys=True) + "\n").encode())
        self.state[url] = {
            "file": path.relative_to(self.out).as_posix(), "sha256": sha, "final_url": response.url,
            "etag": provenance["etag"], "last_modified": provenance["last_modified"],
        }
        return outcome, path

    def save_state(self) -> None:
        data = json.dumps(self.state, indent=2, sort_keys=True) + "\n"
        _write_atomic(self._inside(self.state_path), data.encode())

    def _load_state(self) -> dict[str, dict]:
        """The state file, or (if it is gone or damaged) the same facts rebuilt from the sidecars."""
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
            if isinstance(state, dict):
                return state
        except (OSError, ValueError):
            pass
        return self._state_from_sidecars()

    def _state_from_sidecars(self) -> dict[str, dict]:
        state: dict[str, dict] = {}
        sidecars = sorted(self.out.glob("*/*.meta.json"))
        records = []
        for sidecar in sidecars:
            try:
                records.append((json.loads(sidecar.read_text(encoding="utf-8")), sidecar.parent))
            except (OSError, ValueError):
                continue
        for record, folder in sorted(records, key=lambda item: str(item[0].get("fetched_at", ""))):
            if isinstance(record, dict) and record.get("url") and record.get("file"):
                state[record["url"]] = {
                    "file": (folder / record["file"]).relative_to(self.out).as_posix(),
                    "sha256": record.get("sha256"), "final_url": record.get("final_url"),
                    "etag": record.get("etag"), "last_modified": record.get("last_modified"),
                }
        return state

    def _inside(self, path: Path) -> Path:
        """Refuse any path that resolves outside `out` (symlinks included)."""
        resolved = path.resolve()
        if not resolved.is_relative_to(self.out):
            raise _Failure(f"refused to write outside the output folder: {path}")
        return resolved


def _extension(content_type: str) -> str:
    media_type = content_type.split(";")[0].strip().lower()
    if media_type in _EXTENSIONS:
        return _EXTENSIONS[media_type]
    if media_type.endswith("+xml"):
        return "xml"
    if media_type.endswith("+json"):
        return "json"
    raise _Failure(f"unsupported content type {media_type or '(none)'}")


def _safe_host(url: str) -> str:
    """The host as a folder name: DNS-style labels only (no "..", slashes, percent signs or ports)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if not _SAFE_HOST.match(host):
        raise _Failure(f"unsafe host name {host!r}")
    return host


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename over: readers never see half a file."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
