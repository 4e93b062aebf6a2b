"""Read a page's forms as a browser would: each form's fields with the values it would send, and labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Control:
    tag: str
    name: str
    id: str
    type: str = ""
    value: str = ""
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected) of a select

    def sent(self) -> str | None:
        """What submitting the form sends for this control (None: nothing)."""
        if self.tag == "select":
            chosen = [value for value, selected in self.options if selected] or [v for v, _ in self.options[:1]]
            return chosen[0] if chosen else None
        if self.type in ("checkbox", "radio", "submit", "button", "file"):
            return None
        return self.value


@dataclass
class PageForm:
    action: str
    method: str
    controls: list[Control] = field(default_factory=list)

    def values(self) -> dict[str, str]:
        return {c.name: c.sent() for c in self.controls if c.name and c.sent() is not None}


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self.ids: list[str] = []
        self.label_targets: list[str] = []
        self.labelled_by_wrapping: set[str] = set()
        self._select: Control | None = None
        self._option: tuple[str, bool] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "form":
            self.forms.append(PageForm(a.get("action", ""), (a.get("method") or "get").lower()))
        elif tag == "label" and a.get("for"):
            self.label_targets.append(a["for"])
        elif tag in ("input", "textarea") and self.forms:
            control = Control(tag, a.get("name", ""), a.get("id", ""), a.get("type", "text"), a.get("value", ""))
            self.forms[-1].controls.append(control)
        elif tag == "select" and self.forms:
            self._select = Control("select", a.get("name", ""), a.get("id", ""))
            self.forms[-1].controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


@dataclass
class Page:
    forms: list[PageForm]
    ids: list[str]
    label_targets: list[str]

    def form(self, action_ends_with: str) -> PageForm:
        found = [f for f in self.forms if f.action.split("?")[0].endswith(action_ends_with)]
        assert len(found) == 1, [f.action for f in self.forms]
        return found[0]

    def unlabelled(self, form: PageForm) -> list[str]:
        """Names of the visible controls of `form` that no <label for> points at."""
        return [
            c.name or c.id
            for c in form.controls
            if c.type not in ("hidden", "submit", "button") and c.id not in self.label_targets
        ]


def read_page(html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return Page(parser.forms, parser.ids, parser.label_targets)
