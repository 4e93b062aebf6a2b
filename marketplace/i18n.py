"""Language choice, display filters (won, Seoul time) and the Babel catalogue build."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlencode

from flask import current_app, request, session
from flask.globals import _cv_app
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

from .domain.brn import format_brn
from .domain.clock import SEOUL

TRANSLATIONS = Path(__file__).parent / "translations"
LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}  # each language named in itself, as on the switcher


def select_locale() -> str:
    """?lang= (remembered in the session), then the session, then the browser, then Korean."""
    languages = current_app.config["LANGUAGES"]
    if request.blueprint == "api":  # the API has no session: Accept-Language alone decides
        return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    wanted = request.args.get("lang")
    if wanted is not None and wanted in languages:
        session["lang"] = wanted
        return wanted
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def language_url(language: str) -> str:
    """This page in another language: ?lang= is remembered by select_locale().

    A plain link rather than a form, so anonymous pages carry no CSRF token and set no cookie
    until someone actually switches language.
    """
    args = request.args.to_dict(flat=False)
    args["lang"] = [language]
    return request.path + "?" + urlencode(args, doseq=True)


def _babel_state():
    """Flask-Babel's per-context namespace (g._flask_babel), or None outside an app context."""
    app_context = _cv_app.get(None)
    return None if app_context is None else app_context.g.__dict__.get("_flask_babel")


def _per_locale(name: str, compute):
    """compute(), kept in Flask-Babel's per-context namespace until the locale changes.

    force_locale() swaps the Locale object, so the cached value is keyed by the object's identity.
    Flask-Babel resolves the domain, the context and the locale on every call (~15 us); a catalogue
    page makes dozens of lookups, so templates and these helpers use the cached value instead.
    """
    state = _babel_state()
    if state is not None:
        cached = state.__dict__.get(name)
        if cached is not None and cached[0] is state.__dict__.get("babel_locale"):
            return cached[1]
    value = compute()  # sets babel_locale on the state (creating the state if needed)
    state = _babel_state()
    if state is not None:
        setattr(state, name, (state.__dict__.get("babel_locale"), value))
    return value


def current_language() -> str:
    """'ko' or 'en': the locale Flask-Babel chose for this request (or force_locale set)."""
    return _per_locale("mp_language", lambda: str(get_locale() or "ko"))


def _translations():
    """The catalogue of the current locale."""
    return _per_locale("mp_translations", get_translations)


def gettext(string: str, /, **variables) -> str:
    """flask_babel.gettext on the cached catalogue (same result: %-formatted only when given variables)."""
    text = _translations().ugettext(string)
    return text % variables if variables else text


@pass_context
def template_gettext(context, string: str, /, **variables) -> str:
    """Jinja's new-style gettext (escaping and %-formatting as jinja2.ext does) on the cached catalogue."""
    text = _translations().ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - as jinja2.ext does: our catalogue; Markup % escapes the values
    return text % variables


@pass_context
def template_ngettext(context, singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("num", num)
    text = _translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - as jinja2.ext does: our catalogue; Markup % escapes the values
    return text % variables


def krw(amount: int | None, unit: bool = True) -> str:
    """1234567 -> '1,234,567원' (ko) or 'KRW 1,234,567' (en)."""
    if amount is None:
        return "-"
    figure = f"{amount:,}"
    if not unit:
        return figure
    return f"{figure}원" if current_language() == "ko" else f"KRW {figure}"


def kst(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M", zone: bool = True) -> str:
    """A UTC timestamp shown in Seoul time with the zone, e.g. '2018-09-14 18:00 KST' (zone=False where a
    column heading names the zone)."""
    if moment is None:
        return "-"
    return moment.astimezone(SEOUL).strftime(fmt) + (" KST" if zone else "")


def at_kst(iso: str | None) -> str:
    """An ISO timestamp from the facts, shown in Seoul time with the zone."""
    return kst(datetime.fromisoformat(iso)) if iso else "-"


def isodate(day: date | None) -> str:
    return day.isoformat() if day else "-"


def both_names(ko: str, en: str | None, code: str | None = None) -> str:
    """A name as documents print it: the Korean name as written and, in English, the English name after it
    ('한국전력공사 / Korea Electric Power Corporation (KEPCO)'); then the code in brackets, unless a name
    already shows it as a word (so no name or code is printed twice)."""
    text = ko
    if en and en != ko and current_language() == "en":
        text = f"{ko} / {en}"
    if code and not re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text):
        text = f"{text} ({code})"
    return text


def brn(digits: str | None) -> str:
    """A business registration number as printed: 123-45-67891."""
    return format_brn(digits) if digits else "-"


def localized(obj, field: str = "name") -> str:
    """obj.name_en in English when it is filled in, else obj.name_ko (Korean names always exist)."""
    if current_language() == "en":
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, f"{field}_ko")


def label(vocabulary: dict[str, str], code: str | None) -> str:
    """Translate a code of one of the fixed vocabularies in marketplace.domain.reference."""
    return gettext(vocabulary[code]) if code in vocabulary else (code or "-")


def domain_message(error) -> str:
    """A DomainError's message in the user's language."""
    message = getattr(error, "message", str(error))
    return gettext(message, **getattr(error, "params", {}))


def init_app(app) -> None:
    app.jinja_env.filters.update(krw=krw, kst=kst, isodate=isodate, localized=localized, brn=brn)
    app.jinja_env.globals.update(both_names=both_names, LANGUAGE_NAMES=LANGUAGE_NAMES)
    app.jinja_env.globals.update(label=label, current_language=current_language, language_url=language_url)
    # after Flask-Babel installed its callables: same behaviour, one cached catalogue lookup per call
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)
