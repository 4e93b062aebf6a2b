"""A small browser for the benchmarks: cookies, and forms sent back the way a browser sends them.

A form is always posted from the page that shows it: the client GETs the page, reads the form (every
hidden input, such as the CSRF token or a one-time form key, and the current value of every other
field) and sends it back with its own fields in place. So whatever hidden fields the forms carry, and
a one-time key that must be fresh for each submission, are honoured without the benchmark knowing them.
"""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CONNECTION_FAILED = 599  # the status recorded when no HTTP answer came back


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def values(self, own: dict | None = None) -> list[tuple[str, str]]:
        """The fields a browser would send, with `own` replacing (or adding) the named ones."""
        own = own or {}
        pairs = [(name, value) for name, value in self.fields if name not in own]
        for name, value in own.items():
            for one in value if isinstance(value, list | tuple) else [value]:
                pairs.append((name, str(one)))
        return pairs


class FormParser(HTMLParser):
    """Collect each <form> with the values its successful controls would submit."""

    SKIPPED_INPUTS = {"submit", "button", "image", "reset", "file"}

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page, self.forms = page, []
        self._form: Form | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            action = a.get("action") or self.page
            self._form = Form(urlsplit(action).path or self.page, a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None or "disabled" in a or not a.get("name") and tag != "option":
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in self.SKIPPED_INPUTS or kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.fields.append((a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select":
            self._select = {"name": a["name"], "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": []}
            self._select["options"].append(self._option)
        elif tag == "textarea":
            self._textarea = [a["name"]]

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"].append(data)
        if self._textarea is not None:
            self._textarea.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option":
            self._option = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea[0], "".join(self._textarea[1:]).removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            options = self._select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and options and not self._select["multiple"]:
                chosen = options[:1]
            for option in chosen:
                value = option["value"] if option["value"] is not None else "".join(option["text"]).strip()
                self._form.fields.append((self._select["name"], value))
            self._select = None


def forms_of(page: str, html: str) -> list[Form]:
    parser = FormParser(page)
    parser.feed(html)
    parser.close()
    return parser.forms


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("location", "")).path


class Browser:
    """One person's browser: a cookie jar, a client address of its own, and the pages it asks for.

    `address` is the local address connections come from (127.0.0.x): each simulated person is a
    distinct client for the server's per-client limits, as people on different machines would be.
    """

    def __init__(self, port: int, address: str = "127.0.0.1", language: str = "en"):
        self.port, self.address, self.language = port, address, language
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: list | dict | None = None) -> Response:
        headers = {"Accept-Language": self.language}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        # A new connection per request: gunicorn closes idle keep-alive connections after 2 s, and a
        # request sent on a connection the server just closed would count as a failure it is not.
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120, source_address=(self.address, 0))
        began = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (ConnectionError, http.client.HTTPException, OSError):  # timeouts are OSErrors
            return Response(CONNECTION_FAILED, {}, b"", time.perf_counter() - began)
        finally:
            conn.close()
        seconds = time.perf_counter() - began
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(response.status, {k.lower(): v for k, v in response.headers.items()}, data, seconds)

    def form(self, page: str, action: str | None = None) -> tuple[Response, Form | None]:
        """GET `page` and return it with its form posting to `action` (the page itself by default)."""
        response = self.request("GET", page)
        if response.status != 200:
            return response, None
        target = action or urlsplit(page).path
        found = [f for f in forms_of(urlsplit(page).path, response.text) if f.action == target]
        return response, (found[0] if found else None)
