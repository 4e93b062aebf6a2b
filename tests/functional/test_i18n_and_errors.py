"""Korean and English everywhere; error pages in both languages."""

import re
from pathlib import Path

import pytest

from marketplace.translations_build import missing

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Words that stay as they are in every language: the language names in the switcher, units, zones.
UNTRANSLATED_OK = {"English", "한국어", "KST", "KRW", "원", "PDF", "JSON", "SHA-256", "QR", "MOU", "ID"}


def literal_text(source: str) -> list[str]:
    """Human-readable text in a template that is not produced by an expression or a tag."""
    source = re.sub(r"{#.*?#}", " ", source, flags=re.S)
    source = re.sub(r"{%.*?%}", " ", source, flags=re.S)
    source = re.sub(r"{{.*?}}", " ", source, flags=re.S)
    source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    found = []
    for attr in re.findall(r'\b(?:title|alt|placeholder|aria-label)="([^"]*)"', source):
        found.append(attr)
    source = re.sub(r"<[^>]*>", " ", source)
    found.extend(re.split(r"\n|\s{2,}", source))
    words = []
    for chunk in found:
        chunk = re.sub(r"&[a-z]+;|&#\d+;", " ", chunk).strip()
        if re.search(r"[A-Za-z\uac00-\ud7a3]{2,}", chunk) and chunk not in UNTRANSLATED_OK:
            words.append(chunk)
    return words


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_no_text_outside_translation_calls(path):
    assert literal_text(path.read_text(encoding="utf-8")) == []


def test_the_checker_finds_a_bare_string():
    assert literal_text("<p>Hello {{ _('World') }}</p><a title=\"Open\">x</a>") == ["Open", "Hello"]


def test_every_message_has_a_korean_translation():
    untranslated = missing("ko")
    assert untranslated == [], f"{len(untranslated)} msgids lack Korean: {untranslated[:20]}"


def test_the_language_follows_the_browser(client):
    assert "제품".encode() in client.get("/", headers={"Accept-Language": "ko-KR,ko;q=0.9"}).data
    assert b"Technology product pilot purchases" in client.get("/", headers={"Accept-Language": "en-US"}).data


def test_the_language_switcher_sticks(client):
    client.post("/language", data={"lang": "en", "next": "/"})
    response = client.get("/", headers={"Accept-Language": "ko"})
    assert b'<html lang="en">' in response.data


@pytest.mark.parametrize("language,text", [("en", b"Page not found"), ("ko", "찾을 수 없".encode())])
def test_a_missing_page_is_a_404_in_the_users_language(client, language, text):
    response = client.get("/no-such-page", headers={"Accept-Language": language})
    assert response.status_code == 404
    assert text in response.data


def test_an_unexpected_error_shows_a_500_page_without_details(fresh_app):
    app, client = fresh_app, fresh_app.test_client()
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom", endpoint="boom")
    def boom():
        raise RuntimeError("secret internals")

    from marketplace.access import ACCESS, ANYONE

    ACCESS["boom"] = ANYONE
    try:
        response = client.get("/boom", headers={"Accept-Language": "en"})
    finally:
        del ACCESS["boom"]
    assert response.status_code == 500
    assert b"Something went wrong" in response.data and b"secret internals" not in response.data


def test_the_language_link_keeps_the_page_and_its_query_and_sticks(client):
    page = client.get("/products?q=%EC%84%BC%EC%84%9C", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert 'href="/products?q=%EC%84%BC%EC%84%9C&amp;lang=en"' in page
    client.get("/products?q=%EC%84%BC%EC%84%9C&lang=en")
    assert b'<html lang="en">' in client.get("/", headers={"Accept-Language": "ko"}).data


def test_an_anonymous_page_sets_no_cookie(app):
    response = app.test_client(use_cookies=False).get("/products")
    assert "Set-Cookie" not in response.headers


def test_template_gettext_follows_force_locale_and_escapes_values(app):
    """The cached catalogue lookup in templates (marketplace.i18n) switches with force_locale and back."""
    from flask import render_template_string
    from flask_babel import force_locale

    source = "{{ _('Sign in') }}|{{ ngettext('%(num)s product', '%(num)s products', 3) }}|{{ _('%(x)s', x=v) }}"
    with app.test_request_context("/", headers={"Accept-Language": "ko"}):
        assert render_template_string(source, v="<b>") == "로그인|제품 3개|&lt;b&gt;"
        with force_locale("en"):
            assert render_template_string(source, v="a").startswith("Sign in|3 products|")
        assert render_template_string(source, v="a").startswith("로그인|")
