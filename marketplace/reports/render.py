"""HTML to PDF with WeasyPrint: a fetcher confined to static/, one font configuration per process, a pool.

This module is the only one that imports WeasyPrint (lazily, so the web process pays its 0.5 s import
only when it renders in-process). Rendering runs in a small process pool by default: WeasyPrint does
not give its peak memory back to the OS, so a process that rendered a 5,000-line report stays large;
pool processes are recycled after REPORTS_TASKS_PER_CHILD renders (max_tasks_per_child) and a render
that runs past REPORTS_RENDER_TIMEOUT (90 s) is abandoned and its process killed, before gunicorn's
--timeout (120 s) would kill the whole worker. Certificates are small and render in-process.
The measured trade-off is in benchmarks/bench_pdf.py.
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


def _lower_priority(nice: int) -> None:
    """Pool process start: yield the CPU to the web processes (os.nice), so long renders cannot starve
    the requests that hold the database's write lock; idle CPU still goes to rendering."""
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
                    max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                    max_tasks_per_child=self.tasks_per_child, initializer=_lower_priority, initargs=(self.nice,))
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


_pool: RenderPool | None = None


def render_pdf(html: str, config: dict | None = None, *, pooled: bool = True,
               stylesheet: Path = PRINT_CSS) -> bytes:
    """Render a complete HTML document to PDF.

    pooled=True (reports: up to a minute, ~300 MB resident) renders in the pool, whose timeout answers
    before gunicorn's and whose recycling bounds memory; pooled=False (certificates: ~0.1 s, small)
    renders here: the pool's hand-off was within the noise of a 0.1 s render in one run and doubled it
    in another (benchmarks/results/pdf.json), and a certificate needs no timeout.
    REPORTS_RENDER_IN_PROCESS=True renders everything here (tests, single-process tools).
    `stylesheet` is the print CSS (report.css, or certificate.css for the one-page certificate).
    """
    global _pool
    config = config or {}
    if not pooled or config.get("REPORTS_RENDER_IN_PROCESS", False):
        return render_in_process(html, stylesheet)
    if _pool is None:
        _pool = RenderPool(workers=int(config.get("REPORTS_RENDER_WORKERS", 1)),
                           tasks_per_child=int(config.get("REPORTS_TASKS_PER_CHILD", 20)),
                           timeout=float(config.get("REPORTS_RENDER_TIMEOUT", 90)),
                           nice=int(config.get("REPORTS_RENDER_NICE", 10)))
    return _pool.render(html, stylesheet)
