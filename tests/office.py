"""A small office for workflow tests: three units with liaisons and heads, leaders, and China-time helpers."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from clock import CHINA
from extensions import db
from models import Item, OutboxMessage, Unit
from tests.factories import make_item, make_leader, make_liaison, make_unit
from workflows.feedback import FeedbackInput, submit_feedback
from workflows.lifecycle import assign_item
from workflows.sweep import run_sweep


def fail_next_check(assignment, *, now: datetime, grounds=("未按时报送",), actor=None):
    """A supervisor's 不合格 on the share's next check, its day treated as come (planned first when need be):
    returns the rung reached (its notice a draft)."""
    from models.check import CheckState, Verdict
    from workdays import WorkCalendar
    from workflows.checks import decide_check, plan_checks

    if not assignment.checks:
        plan_checks(db.session, assignment, WorkCalendar.load(db.session), now=now)
    check = next(c for c in assignment.checks if c.state in (CheckState.PLANNED, CheckState.DUE))
    check.state, check.opened_at = CheckState.DUE, now
    return decide_check(db.session, check, Verdict.FAIL, grounds=list(grounds), actor=actor, now=now)


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0, second: int = 0) -> datetime:
    """A moment in China time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=CHINA)


@dataclass
class Office:
    """Three units (each with a liaison and a head), their leaders in charge, and the bureau leadership."""

    forest: Unit
    school: Unit
    finance: Unit

    @property
    def units(self) -> list[Unit]:
        return [self.forest, self.school, self.finance]


def build_office() -> Office:
    """Create the office (flushed, not committed)."""
    chief = make_leader("赵局长", title="局长", email="chief@example.org", receives_escalations=True, sort_order=1)
    deputy = make_leader("钱副局长", title="副局长", email="deputy@example.org", sort_order=2)
    forest = make_unit("东方红林场", head_name="孙场长", head_email="head@forest.example.org", leader_in_charge=deputy)
    school = make_unit(
        "林业第一中学", head_name="周校长", head_email="head@school.example.org", leader_in_charge=deputy
    )
    finance = make_unit(
        "计财科", kind="department", head_name="吴科长", head_email="head@finance.example.org", leader_in_charge=chief
    )
    make_liaison(forest, "王林", email="wang@forest.example.org")
    make_liaison(school, "李校", email="li@school.example.org")
    make_liaison(finance, "张财", email="zhang@finance.example.org")
    return Office(forest, school, finance)


def assigned_item(office: Office, *, deadline: date, now: datetime, **fields) -> Item:
    """An item led by the forest farm with the school and finance as co-units, assigned at `now`."""
    item = make_item(office.forest, [office.school, office.finance], deadline=deadline, now=now, **fields)
    assign_item(db.session, item, actor=None, now=now)
    return item


def outbox(**filters) -> list[OutboxMessage]:
    """Queued messages, oldest first."""
    query = db.select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in filters.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    return db.session.scalars(query).all()


def subjects_to(address: str) -> list[str]:
    """Subjects of the queued messages to one address, in order."""
    return [m.subject for m in outbox(recipient_email=address)]


def report(assignment, percent=100, *, now=None, **fields):
    """A unit's feedback, as from its page, sent at `now` (default 1 December 2026, 09:00)."""
    now = now or at(2026, 12, 1)
    return submit_feedback(
        db.session,
        assignment,
        FeedbackInput(
            progress=fields.pop("progress", "已完成"),
            percent_complete=percent,
            contact_name="王林",
            contact_phone="0457-1234567",
            **fields,
        ),
        [],
        by_name="王林",
        now=now,
    )


def sweep(moment):
    """Run the sweep at `moment` and commit, as cron would."""
    report_ = run_sweep(db.session, now=moment)
    db.session.commit()
    return report_


def sweep_days(first: date, last: date, hour: int = 9):
    """Run the sweep once a day (every calendar day, as cron would)."""
    day = first
    while day <= last:
        sweep(at(day.year, day.month, day.day, hour))
        day += timedelta(days=1)
