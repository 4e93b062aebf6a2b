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
        # what finished inside the measured slices (rates); a request still running at a slice's end is
        # answered before the next slice starts, counted in statuses and latencies but not in the rates
        self.in_window: Counter = Counter()
        self.writes_in_window: Counter = Counter()
        self.deadline = float("inf")
        self.measuring = True  # False while warming up: statuses still count (a 5xx is a 5xx), rates do not

    def record(self, kind: str, response: Response, write: bool = False) -> None:
        in_window = time.monotonic() <= self.deadline
        with self.lock:
            self.statuses[kind][response.status] += 1
            self.in_window[kind] += in_window
            if response.status not in (CONNECTION_FAILED, 429) and self.measuring:
                self.latencies[kind].append(response.seconds)
            if write:
                self.writes[kind] += 1
                self.writes_in_window[kind] += in_window
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


class Client:
    """One person: a browser, a number within their kind, a counter of what they did, their own orders."""

    def __init__(self, kind: str, n: int, port: int, address: str, ids: dict):
        self.kind, self.n, self.ids, self.i = kind, n, ids, 0
        self.browser = Browser(port, address)
        self.pool = list(ids["certificate_pools"][n]) if kind == "certificate" else []
        self.reports_seen: set[str] = set()

    def next(self) -> int:
        self.i += 1
        return self.i


def place_orders(client: Client, stats: Stats, deadline: float) -> None:
    browser, n, ids = client.browser, client.n, client.ids
    path = f"/buyer/purchase/{ids['allocation_id']}"
    while time.monotonic() < deadline:
        i = client.next()
        own = {
            "mou_id": ids["mou_ids"][0],
            "quantity": 1 + (n + i) % 5,
            "unit_price": UNIT_PRICE,
            "contract_method": "private_contract",
            "no_private_interest": "y",
        }
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


def edit_products(client: Client, stats: Stats, deadline: float) -> None:
    n, path = client.n, f"/supplier/products/{client.ids['products'][client.n]}/edit"
    while time.monotonic() < deadline:
        i = client.next()
        own = {
            "description": f"벤치 편집 {n}-{i}",
            "specification": f"IP67 rev {i}",
            "unit_price_krw": str(UNIT_PRICE + i % 2 * 100),
        }
        _body, response = _post_form(client.browser, stats, "product_edit", path, own, deadline)
        if response is not None:
            stats.record("product_edit", response, write=response.status == 302)
            if response.status >= 500:
                pause(response, deadline)


def issue_certificates(client: Client, stats: Stats, deadline: float) -> None:
    """Press the order page's issue button, then download the PDF, for each order of the client's pool."""
    browser = client.browser
    while client.pool:
        if time.monotonic() >= deadline:
            return
        order_id = client.pool.pop(0)
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


def download_reports(client: Client, stats: Stats, deadline: float) -> None:
    """The same report again and again: a write when the server made (and stored) a new document, told by
    its ETag (the PDF's SHA-256); one served again unchanged, because nothing it covers changed, is a read
    (each server process keeps the documents it served: a client may get one from each)."""
    target = "/buyer/reports/purchase-report.pdf"
    page, form = client.browser.form("/buyer/reports", target)
    stats.record("form_page", page)
    if form is None:
        raise RuntimeError(f"no purchase report form for report{client.n} (status {page.status})")
    query = urlencode(
        form.values(
            {
                "purchase-round": "",
                "purchase-start": client.ids["report_start"],
                "purchase-end": client.ids["report_end"],
                "purchase-language": "en",
            }
        ),
        doseq=True,
    )
    while time.monotonic() < deadline:
        response = client.browser.request("GET", f"{target}?{query}")
        ok = response.status == 200 and response.headers.get("content-type", "").startswith("application/pdf")
        etag = response.headers.get("etag") or hashlib.sha256(response.body).hexdigest()
        stats.record("report", response, write=ok and etag not in client.reports_seen)
        if ok:
            client.reports_seen.add(etag)
        if response.status >= 500:
            pause(response, deadline)


def sign_in_and_out(client: Client, stats: Stats, deadline: float) -> None:
    browser, email = client.browser, client.ids["signers"][client.n]
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


LOOPS = {
    "order": place_orders,
    "product_edit": edit_products,
    "certificate": issue_certificates,
    "report": download_reports,
    "sign_in": sign_in_and_out,
}
ACCOUNTS = {"order": "orderers", "product_edit": "suppliers", "certificate": "certifiers", "report": "reporters"}


class Slices:
    """Runs one side's clients slice by slice: each slice starts them together and ends when all are back.

    start() opens a slice until `deadline` (None: the clients stop for good); finish() waits for the
    slice's last answers. A client that cannot sign in aborts the barriers, so start() raises.
    """

    def __init__(self, clients: int, stats: Stats):
        self.stats, self.deadline = stats, None
        self.begin = threading.Barrier(clients + 1, timeout=900)
        self.end = threading.Barrier(clients + 1, timeout=900)

    def start(self, deadline: float | None, measuring: bool = True) -> None:
        self.deadline = deadline
        self.stats.deadline = (deadline or float("inf")) if measuring else float("-inf")
        self.stats.measuring = measuring
        self.begin.wait()

    def finish(self) -> None:
        self.end.wait()


def run_client(kind: str, n: int, port: int, address: str, ids: dict, stats: Stats, slices: Slices) -> None:
    """Sign in (except the sign-in kind), then do `kind` in every slice until told to stop."""
    client = Client(kind, n, port, address, ids)
    try:
        if kind in ACCOUNTS:
            with SETUP_LOCK:
                if sign_in(client.browser, ids[ACCOUNTS[kind]][n], time.monotonic() + SETUP_SECONDS) is None:
                    raise RuntimeError(f"{kind} client {n} could not sign in")
    except Exception:
        slices.begin.abort()
        raise
    crashed = False
    while True:
        slices.begin.wait()
        if slices.deadline is None:
            return
        try:
            if not crashed:
                LOOPS[kind](client, stats, slices.deadline)
        except Exception as error:  # noqa: BLE001 - counted and reported; the other clients go on
            crashed = True
            stats.add("crashed")
            stats.note(f"{kind} client {n} stopped: {error!r}")
        slices.end.wait()
