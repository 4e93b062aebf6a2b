"""Small documents render in a pool process of their own, except under the write lock or when the pool fails."""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool

import pytest

from marketplace.database import begin_write
from marketplace.extensions import db
from marketplace.reports import render

PAGE = "<html><body><h1>감사면책 확인서</h1><p>PP-2018-000001</p></body></html>"


@pytest.fixture
def rendered_here(monkeypatch):
    """Renders in this process are counted and return a marker instead of a PDF."""
    calls = []

    def here(html, stylesheet=render.PRINT_CSS):
        calls.append(html)
        return b"rendered here"

    monkeypatch.setattr(render, "render_in_process", here)
    return calls


@pytest.mark.slow
def test_a_small_document_renders_in_a_pool_process_at_a_lower_priority(app, monkeypatch):
    def not_here(*_args, **_kwargs):
        raise AssertionError("rendered in the web process")

    monkeypatch.setattr(render._Renderer, "pdf", not_here)  # this process only: the pool's has its own
    earlier = render._pools.pop("small", None)  # made by an earlier test from the suite's settings (not niced)
    if earlier is not None:
        earlier.kill()
    try:
        pdf = render.render_pdf(PAGE, {}, pooled=False, stylesheet=render.CERTIFICATE_CSS)
        assert pdf.startswith(b"%PDF") and render._pools["small"].nice == 10
    finally:
        render._pools.pop("small").kill()


def test_under_the_write_lock_a_small_document_renders_here(app, rendered_here, monkeypatch):
    monkeypatch.setattr(render, "_pool", lambda *_a: pytest.fail("the lock must not wait for the pool"))
    begin_write()
    try:
        assert render.render_pdf(PAGE, {}, pooled=False) == b"rendered here"
    finally:
        db.session.rollback()


@pytest.mark.parametrize("failure", [render.RenderTimeout("overran"), BrokenProcessPool("died")])
def test_a_failing_small_pool_falls_back_to_rendering_here(app, rendered_here, monkeypatch, failure):
    class Failing:
        def render(self, html, stylesheet):
            raise failure

    monkeypatch.setattr(render, "_pool", lambda *_a: Failing())
    assert render.render_pdf(PAGE, {}, pooled=False) == b"rendered here" and rendered_here == [PAGE]
