"""Sample URL arguments for the access matrix, one function per area so areas do not collide."""


def values(world, make) -> dict:
    out: dict = {"fmt": "csv"}
    for extend in (_rounds, _orders, _reports, _jobs, _questions):
        out.update(extend(world, make))
    out["key"] = "no-such-mail"  # a kept development mail (dev.mail)
    out["ocid"], out["year"] = "ocds-pp0000-NONE", 2026  # open data: an unknown process, a year's bulk file
    return out


def _rounds(world, make) -> dict:
    from tests.builders_rounds import RoundBuilders

    rounds = RoundBuilders(make)
    round_ = rounds.round(code="2018-H2")
    application = rounds.application(round_, world.product)
    return {"round_code": round_.code, "application_id": application.id}


def _orders(world, make) -> dict:
    from marketplace.services.institutions import invite_buyer
    from tests.builders_orders import OrderBuilders

    builders = OrderBuilders(make)
    mou = builders.mou(world.buyer.institution, actor=world.ministry)
    allocation = builders.allocation(world.buyer.institution, world.product)
    order = builders.order(world.buyer, allocation, mou)
    _, token = invite_buyer(world.ministry, world.buyer.institution_id, "invitee@example.com", "Invitee")
    return {"mou_id": mou.id, "allocation_id": allocation.id, "order_id": order.id, "token": token}


def _reports(world, make) -> dict:
    from tests.builders_reports import ReportBuilders

    order = ReportBuilders(make).purchase(world.buyer, product=world.product)
    certificate = ReportBuilders(make).relief_certificate(order)
    return {"order_id": order.id, "serial": certificate.serial}


def _jobs(world, make) -> dict:
    from marketplace.domain.states import JobKind
    from marketplace.extensions import db
    from marketplace.services.jobs import create_job

    job = create_job(JobKind.PURCHASE_REPORT, {"institution_id": world.buyer.institution_id}, world.buyer)
    db.session.commit()
    return {"job_id": job.id}


def _questions(world, make) -> dict:
    from marketplace.extensions import db
    from marketplace.models import Round, RoundQuestion

    round_ = db.session.scalar(db.select(Round).where(Round.code == "2018-H2"))
    question = RoundQuestion(
        round_id=round_.id, asked_by_id=world.supplier.id, company_id=world.supplier.company_id, question="질문"
    )
    db.session.add(question)
    db.session.commit()
    return {"question_id": question.id}
