"""Sample URL arguments for the access matrix, one function per area so areas do not collide."""


def values(world, make) -> dict:
    out: dict = {}
    for extend in (_rounds, _orders, _reports):
        out.update(extend(world, make))
    return out


def _rounds(world, make) -> dict:
    return {}


def _orders(world, make) -> dict:
    return {}


def _reports(world, make) -> dict:
    return {}
