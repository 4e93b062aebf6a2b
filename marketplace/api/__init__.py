"""The JSON API, /api/v1: public reads, and with an API token an institution's MOUs, allocations and orders.

SpecTree (pydantic v2) validates each operation's query, body and headers against its models and writes the
OpenAPI 3.1 document from the same models and the routes (docs.py serves it). Every answer but a success is
an RFC 9457 problem (errors.problem_response). Authentication is by Bearer token only, never the session.
"""

from . import auth, docs, institution, public  # noqa: F401 - they put their routes on bp
from .blueprint import bp, spec

bp.before_request(auth.authenticate)
auth.init_limits(bp)

__all__ = ["bp", "spec"]
