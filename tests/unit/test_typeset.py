"""Print line breaking: Korean words and amounts are made unbreakable in the HTML given to WeasyPrint."""

from __future__ import annotations

from marketplace.reports.typeset import NO_BREAK_SPACE, WORD_JOINER, keep_words


def test_korean_words_are_joined_inside_but_not_across_spaces():
    assert keep_words("<td>구매 기관</td>") == f"<td>구{WORD_JOINER}매 기{WORD_JOINER}관</td>"


def test_a_figure_and_its_won_stay_together_and_krw_takes_a_no_break_space():
    assert keep_words("1,000원") == f"1,000{WORD_JOINER}원"
    assert keep_words("KRW 1,000 and KRW -5") == f"KRW{NO_BREAK_SPACE}1,000 and KRW{NO_BREAK_SPACE}-5"


def test_markup_and_latin_text_are_left_alone():
    html = '<p class="a">Hello world &amp; <b>KRWX</b></p>'
    assert keep_words(html) == html
