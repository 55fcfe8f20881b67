"""Races on the public forms and the review: parallel requests on one share leave one pending row, one review."""

import re
import threading
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import AuditEvent, Escalation, ExtensionRequest, ExtensionStatus, Feedback, ReviewStatus, Role
from tests.conftest import IsolatedClient
from tests.factories import login, make_user
from tests.office import assigned_item, at, build_office, report
from tests.web.test_unit_portal import feedback_form
from workflows import locking
from workflows.tokens import make_token

NOW = at(2026, 12, 1)
SUBMITTERS = 20
REVIEWERS = 12


@pytest.fixture
def share(app):
    """The forest farm's share of an item assigned on 1 December, committed (the threads read it)."""
    office = build_office()
    for number in range(REVIEWERS):
        make_user(f"sup{number}", Role.SUPERVISOR, display_name=f"督查员{number}")
    item = assigned_item(office, deadline=date(2026, 12, 15), now=NOW)
    db.session.commit()
    return item.assignments[0]


def in_parallel(app, count: int, request, *, prepare=None) -> list:
    """Run `request(client, i)` in `count` threads at once (each with its own client), returning the responses."""
    app.test_client_class = IsolatedClient  # each request in its own app context and session, as in production
    clients = []
    for number in range(count):
        client = app.test_client()
        if prepare:
            prepare(client, number)
        clients.append(client)
    barrier = threading.Barrier(count)
    responses: list = [None] * count

    def run(number: int) -> None:
        barrier.wait()
        try:
            responses[number] = request(clients[number], number)
        except Exception as error:  # a crash in the app is a failure of the test, reported below
            responses[number] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(not isinstance(r, Exception) for r in responses), [r for r in responses if isinstance(r, Exception)]
    return responses


def pages(responses) -> list[tuple[int, str]]:
    return [(r.status_code, r.get_data(as_text=True)) for r in responses]


def count(model, *conditions) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*conditions))


def submit_in_parallel(app, share):
    url = f"/unit/{make_token(share)}/feedback"
    return pages(
        in_parallel(
            app,
            SUBMITTERS,
            lambda client, n: client.post(url, data=feedback_form(**{"fb-progress": f"第{n}份进展"})),
        )
    )


def test_should_keep_one_pending_report_when_twenty_arrive_at_once(app, share):
    results = submit_in_parallel(app, share)
    assert count(Feedback, Feedback.review_status == ReviewStatus.PENDING) == 1
    assert sorted(status for status, _ in results) == [302] + [409] * (SUBMITTERS - 1)
    for status, page in results:
        if status == 409:
            assert "上一份反馈尚在审核中" in page
    (kept,) = [page for status, page in results if status == 409][:1]
    assert "联络员王林" in kept  # what the liaison typed is still in the form


def test_should_keep_one_pending_report_by_the_index_alone(app, share, monkeypatch):
    """The last line of defence: without the row lock the unique index refuses the others, in Chinese."""
    monkeypatch.setattr(locking, "lock_assignment", lambda session, assignment: None)
    results = submit_in_parallel(app, share)
    assert count(Feedback, Feedback.review_status == ReviewStatus.PENDING) == 1
    assert all(status in (302, 409) for status, _ in results)
    assert all("上一份反馈尚在审核中" in page for status, page in results if status == 409)


def test_should_keep_one_pending_extension_request_when_twenty_arrive_at_once(app, share):
    url = f"/unit/{make_token(share)}/extension"

    def ask(client, n):
        return client.post(
            url,
            data={
                "ext-requested_deadline": f"2026-12-{16 + n % 10}",
                "ext-reason": f"设备未到货（{n}）",
                "ext-requested_by": "王林",
            },
        )

    results = pages(in_parallel(app, SUBMITTERS, ask))
    assert count(ExtensionRequest, ExtensionRequest.status == ExtensionStatus.PENDING) == 1
    assert sorted(status for status, _ in results) == [302] + [409] * (SUBMITTERS - 1)
    refused = [page for status, page in results if status == 409]
    assert all("已有一份延期申请等待审批" in page for page in refused)
    assert all(re.search(r"设备未到货（\d+）", page) for page in refused)  # what was typed is kept


@pytest.mark.parametrize("verdict", ["accepted", "unsatisfactory"])
def test_should_review_a_report_once_when_twelve_supervisors_review_it_at_once(app, share, verdict):
    feedback = report(share)
    db.session.commit()
    url = f"/admin/feedback/review/?id={feedback.id}"
    results = pages(
        in_parallel(
            app,
            REVIEWERS,
            lambda client, n: client.post(url, data={"verdict": verdict, "comment": f"审核意见{n}"}),
            prepare=lambda client, n: login(client, f"sup{n}"),
        )
    )
    assert sorted(status for status, _ in results) == [200] * (REVIEWERS - 1) + [302]
    assert all("不能重复审核" in page for status, page in results if status == 200)
    reviews = count(AuditEvent, AuditEvent.action == "审核反馈", AuditEvent.entity_id == feedback.id)
    assert reviews == 1
    assert count(Escalation) == 0  # a review never climbs a rung: only a supervisor's verdict on a check does


def test_should_refuse_a_second_pending_report_in_the_database(app, share):
    report(share)
    db.session.commit()
    twin = Feedback(assignment_id=share.id, progress="重复", submitted_at=NOW, review_status=ReviewStatus.PENDING)
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_should_allow_one_pending_report_per_period_beside_the_final_one(app, share):
    for period in ("2026-11", "2026-12", None):
        db.session.add(
            Feedback(assignment_id=share.id, progress="进展", submitted_at=NOW, period=period, review_status="pending")
        )
    db.session.flush()
    db.session.add(
        Feedback(assignment_id=share.id, progress="重复", submitted_at=NOW, period="2026-12", review_status="pending")
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_should_refuse_a_second_pending_extension_request_in_the_database(app, share):
    for reason in ("设备未到货", "重复"):
        db.session.add(
            ExtensionRequest(
                assignment_id=share.id,
                current_deadline=share.deadline,
                requested_deadline=date(2026, 12, 31),
                reason=reason,
                requested_by_name="王林",
                requested_at=NOW,
                status=ExtensionStatus.PENDING,
            )
        )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_should_settle_duplicate_pending_rows_left_by_old_races_when_upgrading(app):
    """An office that already has duplicates upgrades: the newest stays pending, the older ones are closed."""
    from flask_migrate import downgrade, upgrade

    downgrade(revision="0003")
    stamp = "'2026-11-01 00:00:00'"
    statements = [
        "INSERT INTO unit (id, code, name, kind, active, created_at, updated_at) "
        f"VALUES (1, 'U1', '东方红林场', 'affiliated', true, {stamp}, {stamp})",
        "INSERT INTO item (id, number, year, seq, title, source, lead_unit_id, deadline, rhythm, status, "
        f"created_at, updated_at) VALUES (1, '督〔2026〕1号', 2026, 1, '旧事项', 'hotline', 1, '2026-12-01', "
        f"'one_off', 'in_progress', {stamp}, {stamp})",
        "INSERT INTO assignment (id, item_id, unit_id, role, deadline, status, escalation_level, created_at, "
        f"updated_at) VALUES (1, 1, 1, 'lead', '2026-12-01', 'submitted', 0, {stamp}, {stamp})",
        *(
            "INSERT INTO feedback (id, assignment_id, progress, percent_complete, submitted_at, review_status, "
            f"period, created_at, updated_at) VALUES ({n}, 1, '进展{n}', 50, {stamp}, 'pending', {period}, "
            f"{stamp}, {stamp})"
            for n, period in ((1, "NULL"), (2, "NULL"), (3, "NULL"), (4, "'2026-11'"), (5, "'2026-12'"))
        ),
        *(
            "INSERT INTO extension_request (id, assignment_id, current_deadline, requested_deadline, reason, "
            f"requested_by_name, requested_at, status) VALUES ({n}, 1, '2026-12-01', '2026-12-31', '理由{n}', "
            f"'王林', {stamp}, 'pending')"
            for n in (1, 2)
        ),
    ]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(db.text(statement))
    upgrade()
    with db.engine.connect() as connection:
        feedback = connection.execute(db.text("SELECT id, review_status FROM feedback ORDER BY id")).all()
        requests = connection.execute(db.text("SELECT id, status FROM extension_request ORDER BY id")).all()
    assert [tuple(row) for row in feedback] == [
        (1, "returned"),
        (2, "returned"),
        (3, "pending"),
        (4, "pending"),
        (5, "pending"),
    ]
    assert [tuple(row) for row in requests] == [(1, "refused"), (2, "pending")]
