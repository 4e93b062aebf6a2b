"""Two web hosts and one worker on one PostgreSQL and one Redis, as the README tells production to run.

Two gunicorn processes serve the same app on two loopback ports, sharing the database, the job queue
(Redis) and the rate-limit counters (Redis); one huey_consumer runs the jobs. A browser-like client keeps
one cookie jar, as behind a load balancer that sends each request to either host:

- a report asked for on either host is one job, run once by the worker, and its file is served by both;
- a rate limit counts the requests made to both hosts together;
- a catalogue page cached by both hosts shows a change made through one of them at the next request.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.domain.states import JobState
from marketplace.extensions import db
from marketplace.models import Job, ReportDocument
from tests.builders_catalogue import searchable_product
from tests.builders_reports import ReportBuilders
from tests.builders_supplier import product_form
from tests.factories import DEFAULT_PASSWORD
from tests.page_forms import read_page

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
WAIT = 60

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  (the test's own loopback hosts)
            return response.status == 200
    except OSError:
        return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


class Browser:
    """One person's browser: one cookie jar for both hosts (cookies do not depend on the port)."""

    def __init__(self, language: str = "en"):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        self.language = language

    def request(self, url: str, data: dict | None = None) -> Answer:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"Accept-Language": self.language})  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read())

    def submit(self, page_url: str, action: str, values: dict) -> Answer:
        """Post a form of the page at page_url as the browser would: with the page's CSRF token and form key."""
        page = self.request(page_url)
        assert page.status == 200, (page_url, page.status)
        path = urllib.parse.urlsplit(page_url).path
        forms = [f for f in read_page(page.text).forms if (f.action.split("?")[0] or path).endswith(action)]
        assert len(forms) == 1, [f.action for f in read_page(page.text).forms]
        hidden = {k: v for k, v in forms[0].values().items() if k in ("csrf_token", "form_key")}
        return self.request(urllib.parse.urljoin(page_url, forms[0].action), {**hidden, **values})


class Hosts:
    """The processes: two web hosts and a worker, sharing the test's PostgreSQL database and Redis."""

    def __init__(self, tmp_path: Path, database_url: str):
        name = f"test-{uuid.uuid4().hex[:12]}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "two-hosts-test-key",  # the same on every host: a session works on both
            "JOBS_URL": REDIS_URL,
            "JOBS_NAME": name,
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "RATELIMIT_KEY_PREFIX": name,
            "RATELIMIT_EXPORTS": "3 per minute",
            "REPORTS_JOB_ORDERS": "1",  # a report of two order lines is a job
            "MAIL_DIR": str(tmp_path / "mail"),
            "PYTHONPATH": str(ROOT),
        }
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen] = []
        self.urls: list[str] = []

    def _spawn(self, command: list[str]) -> None:
        log = (self.tmp_path / f"process-{len(self.processes)}.log").open("w")
        self.processes.append(subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log))

    def start(self) -> Hosts:
        for _ in range(2):
            port = _free_port()
            command = [str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}", "--no-control-socket"]
            self._spawn([*command, "marketplace:create_app()"])
            self.urls.append(f"http://127.0.0.1:{port}")
        self._spawn([str(BIN / "huey_consumer"), "marketplace.worker.huey", "-k", "thread", "-w", "1", "-d", "0.05"])
        deadline = time.monotonic() + WAIT
        for url in self.urls:
            while not _answers(f"{url}/healthz"):
                if time.monotonic() > deadline:
                    raise AssertionError(f"{url} did not start: {self.logs()}")
                time.sleep(0.1)
        return self

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.tmp_path.glob("process-*.log")))

    def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown; huey's graceful one (nothing runs)
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def running(postgres_session_db, tmp_path_factory):
    """The processes, started once for this module on the worker's PostgreSQL test database (each test's
    `app` empties it first)."""
    if not _redis_up():
        pytest.skip(f"no Redis at {REDIS_URL}")
    started = Hosts(tmp_path_factory.mktemp("hosts"), postgres_session_db)
    try:
        yield started.start()
    finally:
        started.stop()
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"*{started.env['JOBS_NAME']}*"):
            client.delete(key)


@pytest.fixture
def hosts(app, running):
    assert db.engine.url.render_as_string(hide_password=False) == running.env["DATABASE_URL"]
    return running


def _sign_in(browser: Browser, host: str, email: str) -> None:
    answer = browser.submit(f"{host}/login", "/login", {"email": email, "password": DEFAULT_PASSWORD})
    assert answer.status == 302, answer.text[:500]


def _job(job_id: int) -> Job:
    db.session.commit()  # a fresh snapshot: the hosts and the worker commit in other processes
    return db.session.get(Job, job_id, populate_existing=True)


def test_a_report_asked_for_on_either_host_is_one_job_run_once_and_served_by_both(app, make, hosts):
    reports = ReportBuilders(make)
    first = reports.purchase()
    reports.purchase(first.buyer, mou=first.mou, round_=first.allocation.round)
    buyer_email, institution_id = first.buyer.email, first.buyer.institution_id
    a, b = hosts.urls
    browser = Browser()
    _sign_in(browser, a, buyer_email)

    query = urllib.parse.urlencode(
        {
            "purchase-institution": institution_id,
            "purchase-start": "2018-01-01",
            "purchase-end": "2018-12-31",
            "purchase-round": "",
            "purchase-language": "en",
        }
    )
    on_a = browser.request(f"{a}/buyer/reports/purchase-report.pdf?{query}")
    on_b = browser.request(f"{b}/buyer/reports/purchase-report.pdf?{query}")  # the same report, the other host
    assert on_a.status == on_b.status == 303, hosts.logs()
    assert on_a.headers["Location"] == on_b.headers["Location"]
    korean = browser.request(f"{b}/buyer/reports/purchase-report.pdf?{query.replace('language=en', 'language=ko')}")
    assert korean.status == 303 and korean.headers["Location"] != on_a.headers["Location"]
    job_ids = [int(re.findall(r"/jobs/(\d+)", x.headers["Location"])[0]) for x in (on_a, korean)]

    deadline = time.monotonic() + WAIT
    while not all(_job(i).state == JobState.DONE for i in job_ids):
        assert time.monotonic() < deadline, (([_job(i).state for i in job_ids]), hosts.logs())
        time.sleep(0.1)
    assert [(_job(i).attempts, _job(i).error) for i in job_ids] == [(1, ""), (1, "")]
    assert db.session.scalar(select(db.func.count()).select_from(Job)) == 2
    assert db.session.scalar(select(db.func.count()).select_from(ReportDocument)) == 2

    files = [browser.request(f"{host}/buyer/reports/jobs/{job_ids[0]}/file") for host in (a, b)]
    assert [f.status for f in files] == [200, 200] and files[0].body == files[1].body
    assert files[0].body.startswith(b"%PDF")
    time.sleep(0.5)  # the worker would have run a duplicate by now
    assert [_job(i).attempts for i in job_ids] == [1, 1]


def test_a_rate_limit_counts_the_requests_to_both_hosts_together(app, hosts):
    a, b = hosts.urls
    browser = Browser()
    statuses = [browser.request(f"{host}/products/export.csv").status for host in (a, b, a, b)]
    assert statuses == [200, 200, 200, 429], hosts.logs()  # RATELIMIT_EXPORTS: 3 per minute, for both
    refused = browser.request(f"{a}/products/export.csv")
    assert refused.status == 429 and "Retry-After" in refused.headers


def test_a_catalogue_change_made_on_one_host_shows_on_both_at_the_next_request(app, make, hosts):
    product = searchable_product(make, name_ko="무선 온도센서", name_en="Wireless temperature sensor")
    supplier = make.user("supplier", company=product.company)
    certificate_ids = [c.id for c in product.certificates]
    product_id, email = product.id, supplier.email
    price = f"{product.unit_price_krw:,}"
    a, b = hosts.urls
    visitor = Browser(language="ko")
    search = "/products?q=%EC%98%A8%EB%8F%84%EC%84%BC%EC%84%9C"  # 온도센서
    for host in (a, b):  # each host caches the page for anonymous visitors
        for _ in range(2):
            assert f"{price}원" in visitor.request(f"{host}{search}").text

    seller = Browser()
    _sign_in(seller, a, email)
    edit = f"{a}/supplier/products/{product_id}/edit"
    values = product_form(
        certificate_ids, name_ko="무선 온도센서", name_en="Wireless temperature sensor", unit_price_krw="2,345,000"
    )
    answer = seller.submit(edit, f"/supplier/products/{product_id}/edit", values)
    assert answer.status == 302, answer.text[:2000]

    for host in (b, a):
        page = visitor.request(f"{host}{search}").text
        assert "2,345,000원" in page and f"{price}원" not in page
