"""One term per concept: the glossary, its rendered document, and the texts that must follow it."""

from __future__ import annotations

import pytest

from marketplace import glossary


def test_every_concept_has_one_english_and_one_korean_term_and_none_forbids_its_own_term():
    concepts = glossary.load()
    assert {"quota", "first-timer", "round", "allocation", "buyer"} <= {c.name for c in concepts}
    for concept in concepts:
        assert concept.en and concept.ko
        assert not any(term in concept.ko for term in concept.forbidden_ko), concept.name
        assert concept.en.lower() not in {term.lower() for term in concept.forbidden_en}, concept.name


def test_the_quota_and_the_first_timer_have_one_korean_term_each():
    by_name = {c.name: c for c in glossary.load()}
    assert by_name["quota"].ko == "구매 한도"
    assert {"구매약정", "할당액"} <= set(by_name["quota"].forbidden_ko)
    assert by_name["first-timer"].ko == "공공조달 첫 진입 기업"
    assert {"첫걸음", "최초 진입"} <= set(by_name["first-timer"].forbidden_ko)


def test_no_catalogue_template_or_msgid_uses_a_forbidden_synonym():
    found = glossary.violations()
    assert found == [], "\n".join(map(str, found))


def test_the_check_finds_a_forbidden_synonym_in_korean_and_in_english():
    concepts = glossary.load()
    assert [v.found for v in glossary.find("잔여 할당액", concepts, "x")] == ["할당액", "할당"]
    assert [v.found for v in glossary.find("공공조달 첫걸음 기업", concepts, "x")] == ["첫걸음"]
    assert [v.found for v in glossary.find("A Purchasing officer signs", concepts, "x")] == ["purchasing officer"]
    assert glossary.find("the buyer of a first-timer's product", concepts, "x") == []


def test_the_glossary_document_is_rendered_from_the_toml():
    expected = glossary.render_markdown(glossary.load())
    assert glossary.DOCUMENT.read_text(encoding="utf-8") == expected, (
        "run `flask --app marketplace translations glossary`"
    )


@pytest.mark.parametrize(
    "text",
    [
        "선정: %(institution)s이(가) 구매할 수 있습니다.",
        "초안 회차 %(code)s을(를) 저장했습니다.",
        "배정을 %(institution)s(으)로 이관했습니다.",
        "올린 파일은 %(serial)s로 발급된 PDF입니다.",
        "신청 %(receipt)s(%(product)s)이(가) 배정됩니다.",
        "{{ company }}은(는) 승인되었습니다.",
    ],
)
def test_a_particle_right_after_a_placeholder_is_caught(text):
    assert glossary.PLACEHOLDER_PARTICLE.search(text)


@pytest.mark.parametrize(
    "text",
    [
        "선정: 사업에 따라 %(institution)s에서 최대 %(amount)s까지 구매할 수 있습니다.",
        "신청 금액(%(amount)s)이 큽니다.",
        "%(count)s건이 있습니다.",
        "계약일이 %(days)s일 전입니다.",
        "주문을 등록한 구매 담당자 %(name)s 님이 확인했습니다.",
    ],
)
def test_a_particle_after_a_fixed_word_is_allowed(text):
    assert not glossary.PLACEHOLDER_PARTICLE.search(text)


def test_no_korean_message_or_template_puts_a_particle_right_after_a_name_or_number():
    """ "한국전력공사이(가)": the particle's form depends on the value, so no message puts one after it."""
    assert glossary.particles_after_placeholders() == []
