"""Sample URL arguments for the access matrix, one function per area so areas do not collide."""


def values(world, make) -> dict:
    out: dict = {}
    for extend in (_rounds, _orders, _reports):
        out.update(extend(world, make))
    return out


def _rounds(world, make) -> dict:
    from tests.builders_rounds import RoundBuilders

    rounds = RoundBuilders(make)
    round_ = rounds.round(code="2018-H2")
    application = rounds.application(round_, world.product)
    return {"round_code": round_.code, "application_id": application.id}


def _orders(world, make) -> dict:
    return {}


def _reports(world, make) -> dict:
    from tests.builders_reports import ReportBuilders

    order = ReportBuilders(make).purchase(world.buyer, product=world.product)
    certificate = ReportBuilders(make).relief_certificate(order)
    return {"order_id": order.id, "serial": certificate.serial}
