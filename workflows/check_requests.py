"""Before a check: the unit is asked to report for it (【第一次督查】督〔2026〕12号 …), one e-mail per unit and sweep,
each check with its question and the share's personal link; sent once per check (the de-duplication key)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from clock import china_date
from outbox.mail import MailRequest, queue_mails
from workflows.recipients import units_contacts
from workflows.tokens import assignment_link


@dataclass
class CheckRequestBatch:
    """The check requests one sweep collects, per unit, to send as one e-mail each."""

    by_unit: dict = field(default_factory=lambda: defaultdict(list))

    def add(self, check) -> None:
        """Ask the check's unit to report for it."""
        self.by_unit[check.assignment.unit_id].append(check)

    def send(self, session: Session, *, now: datetime) -> int:
        """Queue one e-mail per unit listing its checks (the subject names the check when there is one), every unit's
        contacts read at once and the mails written together."""
        if not self.by_unit:
            return 0
        units = [checks[0].assignment.unit for checks in self.by_unit.values()]
        contacts = units_contacts(session, units, on=china_date(now))
        mails = []
        for checks in self.by_unit.values():
            checks.sort(key=lambda c: (c.planned_on, c.assignment_id, c.round))
            unit = checks[0].assignment.unit
            lines = [{"check": c, "item": c.assignment.item, "link": assignment_link(c.assignment)} for c in checks]
            first = checks[0]
            mails.append(
                MailRequest(
                    kind="check_request",
                    template="check_request",
                    context={"unit": unit, "lines": lines, "first": lines[0]},
                    recipients=contacts[unit.id],
                    dedupe_key="check-request:" + ",".join(str(c.id) for c in checks),
                    item_id=first.assignment.item_id if len(checks) == 1 else None,
                    assignment_id=first.assignment_id if len(checks) == 1 else None,
                )
            )
        return sum(len(messages) for messages in queue_mails(session, mails, now=now))
