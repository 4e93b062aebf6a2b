"""Builders for the supplier area's tests: upload bytes, form data, and a signed-in supplier."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from tests import clock
from tests.factories import valid_brn

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40 + b"\xff\xd9"
UPLOADS = {"pdf": (PDF, "application/pdf"), "png": (PNG, "image/png"), "jpeg": (JPEG, "image/jpeg")}


def registration_form(**overrides) -> dict:
    values = {
        "brn": valid_brn(220812345),
        "name_ko": "주식회사 새싹테크",
        "name_en": "Saessak Tech Co., Ltd.",
        "representative": "김새싹",
        "region": "daejeon",
        "founded_on": "2021-03-02",
        "size_class": "small",
        "public_supply_krw": "0",
        "public_supply_count": "0",
        "public_supply_as_of": "2024-06-30",
        "user_name": "김새싹",
        "email": "owner@saessak.example",
        "password": "a-long-enough-phrase",
        "confirm": "a-long-enough-phrase",
        "agree_terms": "y",
        "agree_privacy": "y",
    }
    values.update(overrides)
    return values


def certificate_form(type_id: int, content: bytes = PDF, filename: str = "epc.pdf", **overrides) -> dict:
    values = {
        "type_id": str(type_id),
        "number": "EPC-2024-0001",
        "issuer": "중소벤처기업부",
        "issued_on": (clock.today() - timedelta(days=30)).isoformat(),
        "expires_on": (clock.today() + timedelta(days=700)).isoformat(),
        "scan": (BytesIO(content), filename),
    }
    values.update(overrides)
    return values


def product_form(certificate_ids=(), **overrides) -> dict:
    values = {
        "name_ko": "스마트 누수 감지기",
        "name_en": "Smart leak detector",
        "model": "SLD-100",
        "description": "상수도관 누수를 감지합니다",
        "specification": "IP68, LoRa",
        "category": "water",
        "unit_price_krw": "1,200,000",
        "unit": "EA",
        "certificate_ids": [str(i) for i in certificate_ids],
    }
    values.update(overrides)
    return values


def sign_in(client, user, language: str = "en"):
    """Sign in (the `auth` fixture's way) with the session language set, so messages can be checked in it."""
    from marketplace.services import sign_in as service
    from tests.conftest import AuthActions

    response = AuthActions(client, service.now).login(user, language=language)  # service.now: the frozen clock
    assert response.status_code == 302, response.status_code
    return response
