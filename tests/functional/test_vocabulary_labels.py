"""Each option of a fixed list reads differently from the others, in Korean and in English."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from marketplace.domain import reference
from marketplace.i18n import gettext

CHOICE_LISTS = {
    "regions": reference.REGIONS,
    "size classes": reference.SIZE_CLASSES,
    "categories": reference.CATEGORIES,
    "institution kinds": reference.INSTITUTION_KIND_LABELS,
    "contract methods": reference.CONTRACT_METHODS,
}


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("name", sorted(CHOICE_LISTS))
def test_the_options_of_a_list_are_told_apart(app, language, name):
    with app.test_request_context(), force_locale(language):
        labels = [gettext(text) for text in CHOICE_LISTS[name].values()]
    assert len(set(labels)) == len(labels), labels


def test_size_classes_follow_the_korean_sme_act(app):
    """Framework Act on SMEs: 소상공인 (micro) within 소기업 (small), and 중기업 (medium)."""
    with app.test_request_context(), force_locale("ko"):
        assert [gettext(t) for t in reference.SIZE_CLASSES.values()] == ["소상공인", "소기업", "중기업"]
