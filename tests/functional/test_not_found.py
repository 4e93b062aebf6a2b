"""One answer for "not found": a domain NotFound becomes the 404 page or JSON; other domain errors do not."""

import pytest

from marketplace.domain.errors import DomainError, NotFound
from marketplace.domain.rounds import RoundError
from marketplace.services import rounds as round_service
from marketplace.services.allocations import AllocationNotFound
from marketplace.services.applications import ApplicationNotFound
from marketplace.services.institutions import InstitutionNotFound
from marketplace.services.orders import OrderNotFound
from marketplace.services.quota import MouNotFound
from marketplace.services.relief_certificates import CertificateNotFound
from marketplace.services.rounds import RoundNotFound


@pytest.mark.parametrize(
    "kind",
    [
        AllocationNotFound,
        ApplicationNotFound,
        InstitutionNotFound,
        OrderNotFound,
        MouNotFound,
        CertificateNotFound,
        RoundNotFound,
    ],
)
def test_every_not_found_of_the_services_is_the_one_domain_not_found(kind):
    assert issubclass(kind, NotFound) and issubclass(kind, DomainError)


def test_an_unknown_round_answers_the_404_page_in_the_users_language(client):
    korean = client.get("/rounds/NO-SUCH-ROUND", headers={"Accept-Language": "ko"})
    assert korean.status_code == 404
    assert "페이지를 찾을 수 없음" in korean.get_data(as_text=True)
    english = client.get("/rounds/NO-SUCH-ROUND?lang=en")
    assert english.status_code == 404 and "Page not found" in english.get_data(as_text=True)


def test_an_unknown_round_answers_json_to_a_client_that_asks_for_json(client):
    response = client.get("/rounds/NO-SUCH-ROUND?lang=en", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json() == {
        "error": "Page not found",
        "message": "The page you asked for does not exist or was moved.",
    }


def test_a_domain_error_that_is_not_a_not_found_is_not_turned_into_a_404(client, monkeypatch):
    def broken(code, **kw):
        raise RoundError("The round cannot do that now.")

    monkeypatch.setattr(round_service, "get_round", broken)
    assert client.get("/rounds/2018-H2").status_code == 500
