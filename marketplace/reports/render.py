"""HTML to PDF with WeasyPrint: a fetcher confined to static/, one font configuration per process, a pool.

This module is the only one that imports WeasyPrint (lazily, so the web process pays its 0.5 s import
only when it renders in-process). Rendering runs in small process pools by default (see render_pdf):
WeasyPrint holds the web process's interpreter while it works, and does not give its peak memory back
to the OS, so a process that rendered a 5,000-line report stays large. Pool processes run at a lower
CPU priority (REPORTS_RENDER_NICE, 10), are recycled after REPORTS_TASKS_PER_CHILD renders
(max_tasks_per_child), and a render that runs past REPORTS_RENDER_TIMEOUT (90 s) is abandoned and its
process killed, before gunicorn's --timeout (120 s) would kill the whole worker. Certificates have a
pool of their own (REPORTS_SMALL_*). The measured trade-offs are in benchmarks/bench_pdf.py and
benchmarks/bench_mixed.py.
"""

from __future__ import annotations

import logging
import mimetypes
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..config import ROOT

log = logging.getLogger(__name__)

STATIC = (ROOT / "static").resolve()
PRINT_CSS = STATIC / "css" / "report.css"
CERTIFICATE_CSS = STATIC / "css" / "certificate.css"  # one page, few rules: see the file's header
FONT_FAMILY = '"NanumGothic", "Noto Sans CJK KR", sans-serif'


class RenderTimeout(Exception):
    """The PDF took longer than the configured limit; the request is refused rather than left to hang."""


class RefusedURL(ValueError):
    """A document asked for a resource outside the app's static files."""


def static_path_for(url: str) -> Path:
    """The file under static/ a file:// URL names; RefusedURL for any other scheme or place."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise RefusedURL(f"refused to fetch {url[:100]!r}: only the app's static files are served")
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(STATIC) or not path.is_file():
        raise RefusedURL(f"refused to fetch {url[:100]!r}: not a file under static/")
    return path


def _fetcher():
    """A WeasyPrint URL fetcher that serves files under static/ and data: URIs, and nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_path_for(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    return StaticOnlyFetcher(allowed_protocols=("file", "data"), allow_redirects=False)


class _Renderer:
    """Per-process WeasyPrint state: one font configuration, the fetcher and each print CSS parsed once."""

    def __init__(self):
        from weasyprint.text.fonts import FontConfiguration

        self.font_config = FontConfiguration()
        self.fetcher = _fetcher()
        self._css: dict[Path, object] = {}

    def stylesheet(self, path: Path):
        if path not in self._css:
            from weasyprint import CSS

            self._css[path] = CSS(filename=str(path), url_fetcher=self.fetcher, font_config=self.font_config)
        return self._css[path]

    def pdf(self, html: str, stylesheet: Path = PRINT_CSS) -> bytes:
        from weasyprint import HTML

        document = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=self.fetcher)
        return document.write_pdf(stylesheets=[self.stylesheet(stylesheet)], font_config=self.font_config)


_local: _Renderer | None = None


def render_in_process(html: str, stylesheet: Path = PRINT_CSS) -> bytes:
    """Render `html` to PDF bytes in this process, reusing the process's renderer and parsed CSS."""
    global _local
    if _local is None:
        _local = _Renderer()
    return _local.pdf(html, stylesheet)


def _start_renderer(nice: int) -> None:
    """Pool process start: load WeasyPrint and the fonts (at the web processes' priority, so that the first
    render does not wait long), then yield the CPU to the web processes (os.nice), so renders cannot
    starve the requests that hold the database's write lock; idle CPU still goes to rendering."""
    global _local
    if _local is None:
        _local = _Renderer()
    if nice > 0:
        os.nice(nice)


class RenderPool:
    """A lazily started process pool, one per web process, recycled and restarted as needed."""

    def __init__(self, workers: int, tasks_per_child: int, timeout: float, nice: int = 0):
        self.workers, self.tasks_per_child, self.timeout, self.nice = workers, tasks_per_child, timeout, nice
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _get(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                # spawn: never fork a threaded gunicorn worker holding database connections
                self._executor = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    max_tasks_per_child=self.tasks_per_child,
                    initializer=_start_renderer,
                    initargs=(self.nice,),
                )
            return self._executor

    def render(self, html: str, stylesheet: Path = PRINT_CSS) -> bytes:
        future = self._get().submit(render_in_process, html, stylesheet)
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout as error:
            self.kill()
            raise RenderTimeout(f"rendering took more than {self.timeout:.0f} s") from error
        except BrokenProcessPool:
            self.kill()
            raise

    def kill(self) -> None:
        """Stop the pool now (a render that overran keeps its process busy); the next call starts one."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is None:
            return
        for process in list(getattr(executor, "_processes", {}).values()):
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)


_pools: dict[str, RenderPool] = {}
_pools_lock = threading.Lock()
# (workers, renders before a process is replaced, timeout in s) by default: reports, and small documents
_POOL_DEFAULTS = {"reports": (1, 20, 90), "small": (1, 200, 30)}


def _pool(kind: str, config: dict) -> RenderPool:
    """The process's pool for `kind` ('reports' or 'small'), made on first use from REPORTS_* settings."""
    with _pools_lock:
        if kind not in _pools:
            workers, tasks, timeout = _POOL_DEFAULTS[kind]
            prefix = "REPORTS_" if kind == "reports" else "REPORTS_SMALL_"
            _pools[kind] = RenderPool(
                workers=int(config.get(prefix + "RENDER_WORKERS", workers)),
                tasks_per_child=int(config.get(prefix + "TASKS_PER_CHILD", tasks)),
                timeout=float(config.get(prefix + "RENDER_TIMEOUT", timeout)),
                nice=int(config.get("REPORTS_RENDER_NICE", 10)),
            )
        return _pools[kind]


def render_pdf(html: str, config: dict | None = None, *, pooled: bool = True, stylesheet: Path = PRINT_CSS) -> bytes:
    """Render a complete HTML document to PDF, in a pool process at a lower CPU priority.

    A web process runs Python one thread at a time: a render there (~0.1 s for a certificate, up to a
    minute for a report) slows every other request of that process, those holding the write lock too.
    pooled=True (reports: ~300 MB resident) uses the report pool, whose timeout answers before
    gunicorn's and whose recycling bounds memory. pooled=False (certificates: one page, small) uses a
    pool of its own, so a long report never queues it; it renders here instead when the caller holds
    the write lock (the lock must not wait for a hand-off to a low-priority process) or when its pool
    fails or overruns (a certificate is never refused for that). On the mixed-load bench the small pool
    raised the writes per second by about half (benchmarks/bench_mixed.py).
    REPORTS_RENDER_IN_PROCESS=True renders everything here (tests, single-process tools).
    `stylesheet` is the print CSS (report.css, or certificate.css for the one-page certificate).
    """
    from ..database import in_write_transaction

    config = config or {}
    if config.get("REPORTS_RENDER_IN_PROCESS", False) or (not pooled and in_write_transaction()):
        return render_in_process(html, stylesheet)
    if pooled:
        return _pool("reports", config).render(html, stylesheet)
    try:
        return _pool("small", config).render(html, stylesheet)
    except (RenderTimeout, BrokenProcessPool) as error:
        log.warning("small document rendered in the web process: the render pool %s", error)
        return render_in_process(html, stylesheet)
