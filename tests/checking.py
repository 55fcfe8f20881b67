"""Test helpers of the three checks: bring a share's check to its day (as the sweep would) and give a verdict."""

from clock import china_date
from extensions import db
from models.check import CheckState, SupervisionCheck, Verdict
from workdays import WorkCalendar
from workflows.checks import decide_check, due_check_steps, plan_checks


def due_check(assignment, round_: int = 1, *, now) -> SupervisionCheck:
    """Put the share's item under the checks (planning them if needed), move check `round_` and any earlier one
    still planned to today, and open them as the sweep does on the check day; returns check `round_`."""
    calendar = WorkCalendar.load(db.session)
    assignment.item.three_checks = True
    plan_checks(db.session, assignment, calendar, now=now)
    today = china_date(now)
    for check in assignment.checks:
        if check.round <= round_ and check.state == CheckState.PLANNED:
            check.planned_on = min(check.planned_on, today)
    due_check_steps(db.session, assignment, calendar, today=today, now=now)
    db.session.flush()
    return next(c for c in assignment.checks if c.round == round_)


def failed_check(assignment, *, now, actor=None, grounds=("未按时报送",), comment: str = "", **fields):
    """Open the share's next check and judge it 不合格; returns the rung reached (its notice a draft)."""
    done = [c.round for c in assignment.checks if c.state == CheckState.DECIDED]
    check = due_check(assignment, (max(done) if done else 0) + 1, now=now)
    return decide_check(
        db.session, check, Verdict.FAIL, grounds=list(grounds), comment=comment, actor=actor, now=now, **fields
    )
