"""Hostile values for the fuzz tests, and a valid submission of every POST endpoint to start from.

A fuzz example replaces one field (or all of them) of the valid submission with a hostile value, so
the other fields still pass and the hostile one reaches the deepest code that reads it.
"""

from __future__ import annotations

from hypothesis import strategies as st

ODD_VALUES = [
    "--5", "+-5", "-+5", "+5", "-0", "0", "-1", "1.5", "1e9", "1_000", "５", "٥", "NaN", "Infinity",
    "9" * 5000, "-" + "9" * 5000, "1" + "0" * 4400, "가" * 5000, "\r\nSet-Cookie: x=1", "\x00", "a\x00b",
    "\\\\evil.example", "//evil.example", "https://evil.example/", "javascript:alert(1)", "/\r\n/x",
    "' OR 1=1 --", "<script>alert(1)</script>", "../../etc/passwd", "%00", "%0d%0a",
    "0000-00-00", "2018-02-30", "9999-12-31", "0001-01-01", "99999-01-01", "2018-07-01T00:00",
    str(2**63), str(2**63 - 1), str(2**64), str(-(2**63) - 1), "1" * 25, "1,000,000,000,000,000,000",
    " ", "\t", "\u2028", "\ufeff", "\U0001F600",
]

HOSTILE = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=60),  # any code point but surrogates: NUL, CR/LF, RTL marks, Hangul ...
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(lambda n: f"{n:,}"),
    st.lists(st.sampled_from(["9", "-", "+", ",", "0", "원"]), min_size=1, max_size=30).map("".join),
)

ODD_IDS = st.one_of(
    st.sampled_from([str(2**63), str(2**63 - 1), str(2**64), "9" * 5000, "0", "-1", "٥", "1e3", "00001",
                     "1" * 19, "1" * 20, "%00", "%0d%0a", "..", "가"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(min_size=1, max_size=30),
)

# Query-string arguments that GET pages read (filters, pages, report forms); every GET page gets them all.
QUERY_ARGS = ("page", "status", "action", "company", "q", "category", "cert_type", "region", "sort",
              "startup", "first_timer", "serial", "institution", "start", "end", "round", "language",
              "lang", "next")


def baseline(values: dict) -> dict[str, dict[str, object]]:
    """A submission of each POST endpoint's form that passes its validation (in the access world)."""
    date = values["ordered_on"]
    round_form = {
        "code": "2019-H1", "title_ko": "2019년 상반기", "title_en": "2019 first half", "opens_on": "2019-01-02",
        "opens_time": "09:00", "closes_on": "2019-01-31", "closes_time": "18:00", "cap": "50,000,000",
        "pass_mark": "70", "weight_first_timer": "3", "weight_startup": "2", "weight_general": "1",
        "small_record": "500,000,000", "budgets": f"{values['institution_code']} 1,000,000,000",
        "seed_event_ko": "로또 6/45 제838회 추첨", "seed_event_en": "Lotto 6/45 draw no. 838",
        "seed_event_on": "2019-02-02", "seed_event_time": "20:45",
    }
    company = {
        "name_ko": "가나다", "name_en": "Ganada", "representative": "홍길동", "region": "seoul",
        "founded_on": "2015-03-01", "size_class": "small", "public_supply_krw": "0", "public_supply_count": "0",
        "public_supply_as_of": "2018-01-01",
    }
    institution = {"code": "NEWINST", "name_ko": "새 기관", "name_en": "New body", "kind": "public_enterprise",
                   "region": "seoul"}
    password = {"current": "correct horse battery", "new": "another long passphrase 42",
                "confirm": "another long passphrase 42"}
    return {
        "auth.login": {"email": "nobody@example.com", "password": "wrong password"},
        "auth.logout": {},
        "auth.second_factor": {"code": "123456"},
        "auth.enrol_two_factor": {"code": "123456"},
        "auth.change_password": dict(password, current="not the password"),
        "auth.register": dict(company, brn="1234567891", user_name="홍길동", email="new@example.com",
                              password="a long passphrase 42", confirm="a long passphrase 42"),
        "auth.set_password": {"name": "김민지", "new": "a long passphrase 42", "confirm": "a long passphrase 42"},
        "public.set_language": {"lang": "en", "next": "/products"},
        "public.join_institution": dict(institution, code="", contact_name="김민지",
                                        contact_email="contact@example.com"),
        "public.verify_upload": {"serial": "ARC-2018-000001", "pdf": ""},
        "supplier.company": dict(company),
        "supplier.new_certificate": {"type_id": "1", "number": "NEP-2018-0001", "issuer": "KATS",
                                     "issued_on": "2018-01-02", "expires_on": "2021-01-01", "scan": ""},
        "supplier.new_product": {"name_ko": "제품", "name_en": "Product", "model": "M-1", "description": "d",
                                 "specification": "s", "category": "other", "unit_price_krw": "100,000",
                                 "unit": "EA", "certificate_ids": str(values["certificate_id"])},
        "supplier.edit_product": {"name_ko": "제품", "name_en": "Product", "model": "M-1", "description": "d",
                                  "specification": "s", "category": "other", "unit_price_krw": "100,000",
                                  "unit": "EA", "certificate_ids": str(values["certificate_id"])},
        "supplier.product_status": {"action": "delist"},
        "supplier.apply": {"product_id": str(values["product_id"]), "amount": "10,000,000",
                           "statement": "우리 제품"},
        "supplier.edit_application": {"amount": "10,000,000", "statement": "우리 제품"},
        "supplier.withdraw_application": {},
        "ministry.decide_company": {"action": "approve", "reason": "ok"},
        "ministry.confirm_supply_record": {},
        "ministry.decide_certificate": {"action": "verify", "reason": "ok"},
        "ministry.new_round": dict(round_form),
        "ministry.edit_round": dict(round_form, code=values["round_code"]),
        "ministry.open_round": {},
        "ministry.close_round": {},
        "ministry.score_application": {"innovation": "30", "capability": "20", "need": "20"},
        "ministry.freeze_pool": {},
        "ministry.run_draw": {"seed": "seed"},
        "ministry.announce_seed_event": {
            "seed_event_ko": "로또 6/45 제900회 추첨", "seed_event_en": "Lotto 6/45 no. 900",
            "seed_event_on": "2030-01-05", "seed_event_time": "20:45", "reason": "the pool was not frozen in time"},
        "ministry.publish_round": {},
        "ministry.move_allocation": {"institution_id": str(values.get("institution_id", 1)), "reason": "budget moved"},
        "ministry.refill_allocation": {"reason": "nobody fitted at the withdrawal"},
        "ministry.new_institution": dict(institution),
        "ministry.edit_institution": dict(institution),
        "ministry.invite_buyer": {"name": "김민지", "email": "buyer2@example.com"},
        "ministry.new_mou": {"number": "MOU-2018-999", "signed_on": "2018-01-02", "starts_on": "2018-01-02",
                             "ends_on": "2019-12-31", "committed": "1,000,000,000"},
        "ministry.amend_mou": {"delta": "+1,000", "reason": "more budget"},
        "ministry.approve_join": {"code": "JOINED"},
        "ministry.decline_join": {"reason": "not eligible"},
        "buyer.record_purchase": {"mou_id": str(values["mou_id"]), "quantity": "1", "unit_price": "100,000",
                                  "amount": "", "contract_method": "negotiated", "ordered_on": date,
                                  "no_private_interest": "y", "late_reason": ""},
        "buyer.deliver_order": {"delivered_on": date},
        "buyer.inspect_order": {"result": "accepted", "note": "", "inspected_on": date},
        "buyer.cancel_order": {"reason": "changed our mind"},
        "buyer.issue_certificate": {},
        "buyer.evaluate_order": {"conformance": "5", "quality": "4", "delivery": "4", "support": "3",
                                 "overall": "4", "would_buy_again": "yes", "comment": "good"},
    }
