"""Sample URL arguments for the access matrix, one function per area so areas do not collide."""


def values(world, make) -> dict:
    out: dict = {"fmt": "csv"}
    for extend in (
        _rounds,
        _orders,
        _reports,
        _jobs,
        _after_pilot,
        _notifications,
        _api_tokens,
        _questions,
        _committee,
        _objections,
        _needs,
    ):
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


def _notifications(world, make) -> dict:
    from marketplace.database import begin_write
    from marketplace.extensions import db
    from marketplace.models import Notification
    from marketplace.services.notifications import notify

    begin_write()
    notify(world.supplier, "company_decided", "access-sample", {"variant": "approved"}, "/supplier/")
    db.session.commit()
    return {"notification_id": db.session.query(Notification.id).filter_by(event_key="access-sample").scalar()}


def _jobs(world, make) -> dict:
    from marketplace.domain.states import JobKind
    from marketplace.extensions import db
    from marketplace.services.jobs import create_job

    job = create_job(JobKind.PURCHASE_REPORT, {"institution_id": world.buyer.institution_id}, world.buyer)
    db.session.commit()
    return {"job_id": job.id}


def _after_pilot(world, make) -> dict:
    """A completed pilot order of the supplier's product, a follow-on purchase of it and a corrective action."""
    from marketplace.domain.states import CorrectiveActionCause
    from marketplace.extensions import db
    from marketplace.models import CorrectiveAction, FollowOnPurchase
    from tests.builders_reports import ReportBuilders

    order = ReportBuilders(make).purchase(
        world.buyer, product=world.product, status="inspected", inspection_result="accepted"
    )
    follow_on = FollowOnPurchase(
        order_id=order.id,
        institution_id=order.institution_id,
        product_id=order.product_id,
        buyer_id=world.buyer.id,
        contracted_on=order.ordered_on,
        quantity=1,
        amount_krw=1_000_000,
        contract_method="private_contract",
        reference="FO-1",
    )
    action = CorrectiveAction(
        order_id=order.id,
        company_id=world.product.company_id,
        product_id=order.product_id,
        institution_id=order.institution_id,
        cause=CorrectiveActionCause.REJECTED_INSPECTION,
        finding="scratched",
    )
    db.session.add_all([follow_on, action])
    db.session.commit()
    return {"follow_on_id": follow_on.id, "action_id": action.id}


def _api_tokens(world, make) -> dict:
    from marketplace.services.api_tokens import create_token

    return {"token_id": create_token(world.buyer, "ERP", "read", 30).token.id}


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


def _committee(world, make) -> dict:
    """The evaluator named to round 2018-H2's committee and assigned its sample application."""
    from marketplace.extensions import db
    from marketplace.models import Application, CommitteeAssignment, CommitteeMember, Round

    round_ = db.session.scalar(db.select(Round).where(Round.code == "2018-H2"))
    application = db.session.scalar(db.select(Application).where(Application.round_id == round_.id))
    member = CommitteeMember(round_id=round_.id, user_id=world.evaluator.id, named_by_id=world.ministry.id)
    db.session.add(member)
    db.session.flush()
    assignment = CommitteeAssignment(
        round_id=round_.id, application_id=application.id, member_id=member.id, user_id=world.evaluator.id
    )
    db.session.add(assignment)
    db.session.commit()
    return {"member_id": member.id, "assignment_id": assignment.id}


def _objections(world, make) -> dict:
    from datetime import date

    from marketplace.extensions import db
    from marketplace.models import Application, Objection, Round, StoredFile

    round_ = db.session.scalar(db.select(Round).where(Round.code == "2018-H2"))
    application = db.session.scalar(db.select(Application).where(Application.round_id == round_.id))
    document = StoredFile(
        storage_name="objection-sample",
        original_name="근거.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
        data=b"%PDF-1.4",
    )
    objection = Objection(
        round_id=round_.id,
        application_id=application.id,
        company_id=application.company_id,
        filed_by_id=world.supplier.id,
        number=1,
        reasons="점수 산정 오류",
        due_on=date(2018, 10, 6),
        documents=[document],
    )
    db.session.add(objection)
    db.session.commit()
    return {"objection_id": objection.id, "file_id": document.id, "version": 1, "number": 1}


def _needs(world, make) -> dict:
    """A need of the buyer's institution in the sample product's category, and the supplier's proposal."""
    from marketplace.services import needs
    from tests.builders_needs import need_input

    need = needs.post_need(world.buyer, need_input(category=world.product.category))
    proposal = needs.propose(world.supplier, need.id, world.product.id, "센서 제안")
    return {"need_id": need.id, "proposal_id": proposal.id}
