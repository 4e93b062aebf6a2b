"""Check boxes, radio buttons and group titles render the KRDS way, so that people can see them.

KRDS hides every native checkbox/radio input and every <legend> and <caption> (common.css): the control
is drawn on the <label> that follows the input inside .krds-form-check, and titles must be shown again.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField

from marketplace.forms import choices

STATIC = Path(__file__).resolve().parents[2] / "static"


class _Form(FlaskForm):
    agree = BooleanField("I agree")
    score = RadioField("Score", choices=choices([("5", "5"), ("1", "1")]))


def _rendered(app) -> str:
    with app.test_request_context("/"):
        form = _Form(meta={"csrf": False})
        return render_template_string(
            '{% from "macros/forms.html" import choices, field %}{{ field(form.agree) }}{{ choices(form.score) }}',
            form=form,
        )


def test_a_boolean_field_is_an_input_followed_by_its_label_inside_krds_form_check(app):
    html = _rendered(app)
    assert re.search(r'<div class="krds-form-check">\s*<input[^>]*id="agree"[^>]*>\s*<label for="agree">I agree', html)


def test_each_radio_option_has_its_own_label_after_the_input_and_the_group_a_visible_title(app):
    html = _rendered(app)
    for option in ("score-0", "score-1"):
        assert re.search(rf'<div class="krds-form-check"><input[^>]*id="{option}"[^>]*><label for="{option}">', html)
    assert '<legend class="form-tit">Score</legend>' in html
    css = (STATIC / "css" / "app.css").read_text()
    assert re.search(r"legend\.form-tit[^{]*\{[^}]*position: static !important", css)


def test_the_catalogue_filters_use_krds_check_boxes(client):
    html = client.get("/products").get_data(as_text=True)
    for name in ("startup", "first_timer"):
        assert re.search(
            rf'<div class="krds-form-check"><input type="checkbox" id="{name}"[^>]*><label for="{name}">', html
        )


def test_an_institution_finds_the_join_form_from_the_home_and_sign_in_pages(client):
    for path in ("/", "/login"):
        assert 'href="/join-institution"' in client.get(path).get_data(as_text=True)
