"""The API's blueprint and its SpecTree: the routes of public.py, institution.py and docs.py go on `bp`."""

from __future__ import annotations

from typing import TypeVar

from flask import Blueprint, request
from pydantic import BaseModel, ValidationError
from spectree import SecurityScheme, SecuritySchemeData, SpecTree
from spectree.models import SecureType

from .field_errors import field_error
from .problems import ApiProblem
from .schemas import Problem

T = TypeVar("T", bound=BaseModel)
bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _refuse_invalid(_request, _response, error, _instance, _adapter) -> None:
    """A query, header or body that does not fit its model: a 400 problem naming every fault."""
    if error is None:
        return
    from flask_babel import gettext as _

    faults = [field_error(fault) for fault in error.errors()]
    raise ApiProblem(400, detail=_("The request is not valid. Check the parameters and the body."), errors=faults)


def validated_query(model: type[T]) -> T:
    """The query string read into `model` by hand, for an operation whose answer SpecTree does not check
    (skip_validation): a query that does not fit is the same 400 problem."""
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as error:
        _refuse_invalid(None, None, error, None, None)
        raise  # not reached: _refuse_invalid raised


spec = SpecTree(
    "flask",
    mode="strict",
    path="api/v1/spectree",  # SpecTree's own pages are never registered: docs.py serves the document
    title="Pilot-purchase marketplace API",
    version="1.0.0",
    description=(
        "Public catalogue, rounds, results and certificate verification; with an API token, an institution's "
        "MOUs, allocations and orders. Errors are RFC 9457 problems in the language of Accept-Language."
    ),
    security_schemes=[SecurityScheme(name="bearer", data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer"))],
    validation_error_status=400,
    validation_error_model=Problem,
    before=_refuse_invalid,
    naming_strategy=lambda model: model.__name__,  # readable schema names; the API's model names are unique
    nested_naming_strategy=lambda _parent, child: child,
)
