"""The people of the mixed-load benchmark: what each kind of client does over and over, and the tally."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import Counter, defaultdict
from urllib.parse import urlencode

from browser import CONNECTION_FAILED, Browser, Response
from mixed_data import PASSWORD, UNIT_PRICE

KINDS = ("order", "product_edit", "certificate", "report", "sign_in")
ORDER_PATH = re.compile(r"^/buyer/orders/(\d+)$")
ALERT = re.compile(r'role="alert"[^>]*>(.*?)</(?:div|section|p)>', re.S)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
TAGS = re.compile(r"<[^>]+>")
SETUP_SECONDS = 300
# Sign-ins before the clock starts run one at a time: they are not what is measured.
SETUP_LOCK = threading.Lock()


def gist(response: Response) -> str:
    """What a person would read on an error page: the alert, or the page title."""
    text = response.text
    match = ALERT.search(text) or TITLE.search(text)
    return " ".join(TAGS.sub(" ", match.group(1)).split())[:200] if match else text[:120]


class Stats:
    """Counts shared by all client threads (one lock; the requests take far longer than it is held)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.writes: Counter = Counter()
        self.samples: list[str] = []
        self.order_ids: set[int] = set()
        self.certificates: dict[int, str] = {}
        self.resent_orders = self.unknown_orders = self.pool_exhausted = self.crashed = 0

    def record(self, kind: str, response: Response, write: bool = False) -> None:
        with self.lock:
            self.statuses[kind][response.status] += 1
            if response.status not in (CONNECTION_FAILED, 429):
                self.latencies[kind].append(response.seconds)
            if write:
                self.writes[kind] += 1
            elif response.status >= 400 and response.status != 429 and len(self.samples) < 50:
                self.samples.append(f"{kind} {response.status} {gist(response) if response.body else ''}")

    def note(self, sample: str) -> None:
        with self.lock:
            if len(self.samples) < 50:
                self.samples.append(sample)

    def add(self, name: str, amount: int = 1) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + amount)


def retry_after(response: Response) -> float:
    try:
        return max(1.0, float(response.headers.get("retry-after", 5)))
    except ValueError:
        return 5.0


def pause(response: Response, deadline: float) -> None:
    """Wait after a refusal (429: as long as the server asks; 503 or no answer: a moment) but not past the end."""
    seconds = retry_after(response) if response.status == 429 else 0.5
    time.sleep(max(0.0, min(seconds, deadline - time.monotonic())))


def sign_in(browser: Browser, email: str, deadline: float, stats: Stats | None = None) -> Response | None:
    """Sign in through the login form; the 302 to the person's home page, or None by the deadline."""
    while time.monotonic() < deadline:
        page, form = browser.form("/login")
        if stats:
            stats.record("form_page", page)
        if page.status == 302:
            return page  # still signed in (a sign-out failed): the page sends the person home
        if form is None:
            pause(page, deadline)
            continue
        response = browser.request("POST", "/login", form.values({"email": email, "password": PASSWORD}))
        if stats:
            stats.record("sign_in", response, write=response.status == 302)
        if response.status == 302:
            return response
        pause(response, deadline)
    return None


def _post_form(browser: Browser, stats: Stats, kind: str, page: str, own: dict, deadline: float):
    """GET the page, post its form back with `own`; the answer, or None when no form came."""
    shown, form = browser.form(page)
    stats.record("form_page", shown)
    if form is None:
        if shown.status == 200:
            stats.note(f"{kind}: no form on {page}: {gist(shown)}")
        pause(shown, deadline)
        return None, None
    return form.values(own), browser.request("POST", page, form.values(own))


def place_orders(browser: Browser, n: int, ids: dict, stats: Stats, deadline: float) -> None:
    path, i = f"/buyer/purchase/{ids['allocation_id']}", 0
    while time.monotonic() < deadline:
        i += 1
        own = {"mou_id": ids["mou_ids"][0], "quantity": 1 + (n + i) % 5, "unit_price": UNIT_PRICE,
               "contract_method": "private_contract", "no_private_interest": "y"}
        body, response = _post_form(browser, stats, "order", path, own, deadline)
        if response is None:
            continue
        if response.status in (CONNECTION_FAILED, 503):  # no answer, or nothing saved: send it again once
            stats.record("order", response)
            stats.add("resent_orders")
            response = browser.request("POST", path, body)
        match = ORDER_PATH.match(response.location) if response.status == 302 else None
        stats.record("order", response, write=match is not None)
        if match:
            with stats.lock:
                stats.order_ids.add(int(match.group(1)))
        elif response.status == CONNECTION_FAILED:
            stats.add("unknown_orders")
        if response.status >= 500:
            pause(response, deadline)


def edit_products(browser: Browser, n: int, ids: dict, stats: Stats, deadline: float) -> None:
    path, i = f"/supplier/products/{ids['products'][n]}/edit", 0
    while time.monotonic() < deadline:
        i += 1
        own = {"description": f"벤치 편집 {n}-{i}", "specification": f"IP67 rev {i}",
               "unit_price_krw": str(UNIT_PRICE + i % 2 * 100)}
        _body, response = _post_form(browser, stats, "product_edit", path, own, deadline)
        if response is not None:
            stats.record("product_edit", response, write=response.status == 302)
            if response.status >= 500:
                pause(response, deadline)


def issue_certificates(browser: Browser, n: int, ids: dict, stats: Stats, deadline: float) -> None:
    """Press the order page's issue button, then download the PDF, for each order of the pool."""
    for order_id in ids["certificate_pools"][n]:
        if time.monotonic() >= deadline:
            return
        target = f"/buyer/orders/{order_id}/certificate"
        shown, form = browser.form(f"/buyer/orders/{order_id}", target)
        stats.record("form_page", shown)
        if form is None:
            pause(shown, deadline)
            continue
        response = browser.request("POST", target, form.values())
        issued = response.status == 302
        stats.record("certificate", response, write=issued)
        if issued:
            pdf = browser.request("GET", f"{target}.pdf")
            if pdf.status == 200 and pdf.headers.get("content-type", "").startswith("application/pdf"):
                with stats.lock:
                    stats.certificates[order_id] = hashlib.sha256(pdf.body).hexdigest()
        elif response.status >= 500:
            pause(response, deadline)
    stats.add("pool_exhausted")


def download_reports(browser: Browser, n: int, ids: dict, stats: Stats, deadline: float) -> None:
    target = "/buyer/reports/purchase-report.pdf"
    page, form = browser.form("/buyer/reports", target)  # a GET form: read once, sent many times
    stats.record("form_page", page)
    if form is None:
        raise RuntimeError(f"no purchase report form for report{n} (status {page.status})")
    query = urlencode(form.values({"round": "", "start": ids["report_start"], "end": ids["report_end"],
                                   "language": "en"}), doseq=True)
    while time.monotonic() < deadline:
        response = browser.request("GET", f"{target}?{query}")
        ok = response.status == 200 and response.headers.get("content-type", "").startswith("application/pdf")
        stats.record("report", response, write=ok)
        if response.status >= 500:
            pause(response, deadline)


def sign_in_and_out(browser: Browser, n: int, ids: dict, stats: Stats, deadline: float) -> None:
    email = ids["signers"][n]
    while time.monotonic() < deadline:
        signed_in = sign_in(browser, email, deadline, stats)
        if signed_in is None:
            return
        home = signed_in.location or "/"
        page, form = browser.form(home, "/logout")
        stats.record("form_page", page)
        if form is None:
            browser.cookies.clear()  # cannot find the button: forget the session as a closed browser would
            continue
        response = browser.request("POST", "/logout", form.values())
        stats.record("sign_out", response, write=response.status == 302)


LOOPS = {"order": place_orders, "product_edit": edit_products, "certificate": issue_certificates,
         "report": download_reports, "sign_in": sign_in_and_out}
ACCOUNTS = {"order": "orderers", "product_edit": "suppliers", "certificate": "certifiers", "report": "reporters"}


def run_client(kind: str, n: int, port: int, address: str, ids: dict, stats: Stats,
               barrier: threading.Barrier, box: list) -> None:
    """Sign in (except the sign-in kind), wait for the others, then do `kind` until the deadline."""
    browser = Browser(port, address)
    try:
        if kind in ACCOUNTS:
            with SETUP_LOCK:
                if sign_in(browser, ids[ACCOUNTS[kind]][n], time.monotonic() + SETUP_SECONDS) is None:
                    raise RuntimeError(f"{kind} client {n} could not sign in")
    except Exception:
        barrier.abort()
        raise
    barrier.wait()
    try:
        LOOPS[kind](browser, n, ids, stats, box[0])
    except Exception as error:  # noqa: BLE001 - counted and reported; the other clients go on
        stats.add("crashed")
        stats.note(f"{kind} client {n} stopped: {error!r}")
