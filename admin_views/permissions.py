"""Who may do what in each admin screen: the role matrix as data, read by every view and by the tests."""

from models.user import Role

READ, CREATE, EDIT, DELETE, EXPORT = "read", "create", "edit", "delete", "export"
WORKFLOW = "workflow"  # the office's steps: 交办, 审核, 审批, 停止督办, 发送月通报 …
EVERYTHING = frozenset({READ, CREATE, EDIT, DELETE, EXPORT})
READ_ONLY = frozenset({READ, EXPORT})
NOTHING = frozenset()

ADMIN, SUPERVISOR, LEADER, LIAISON = Role.ADMIN, Role.SUPERVISOR, Role.LEADER, Role.LIAISON

# endpoint -> role -> operations. A liaison's rows are always limited to their own unit (see SecureModelView).
PERMISSIONS: dict[str, dict[Role, frozenset]] = {
    "item": {
        ADMIN: EVERYTHING | {WORKFLOW},
        SUPERVISOR: EVERYTHING | {WORKFLOW},
        LEADER: READ_ONLY,
        LIAISON: READ_ONLY,
    },
    "assignment": {
        ADMIN: READ_ONLY | {WORKFLOW},
        SUPERVISOR: READ_ONLY | {WORKFLOW},
        LEADER: READ_ONLY,
        LIAISON: READ_ONLY,
    },
    "feedback": {
        ADMIN: EVERYTHING | {WORKFLOW},
        SUPERVISOR: frozenset({READ, CREATE, EXPORT, WORKFLOW}),
        LEADER: READ_ONLY,
        LIAISON: READ_ONLY,  # a liaison reports through the unit page (签收, 反馈, 延期申请), the same as the link
    },
    "extension": {
        ADMIN: READ_ONLY | {WORKFLOW},
        SUPERVISOR: READ_ONLY | {WORKFLOW},
        LEADER: READ_ONLY,
        LIAISON: READ_ONLY,
    },
    "instruction": {
        ADMIN: EVERYTHING,
        SUPERVISOR: frozenset({READ, CREATE, EXPORT}),
        LEADER: frozenset({READ, CREATE, EXPORT}),
        LIAISON: NOTHING,
    },
    # 领导督查: the office records a leader's visit (a leader may record their own); units do not read it here
    "leader_inspection": {
        ADMIN: EVERYTHING | {WORKFLOW},
        SUPERVISOR: frozenset({READ, CREATE, EDIT, EXPORT, WORKFLOW}),
        LEADER: frozenset({READ, CREATE, EXPORT}),
        LIAISON: NOTHING,
    },
    "quarter_target": {ADMIN: EVERYTHING, SUPERVISOR: EVERYTHING, LEADER: READ_ONLY, LIAISON: READ_ONLY},
    # The three checks: the records (督查记录) read by everyone (a liaison: their unit's); the verdict queue
    # (待裁定督查) and the verdicts are the office's; the list of grounds (不合格情形) is kept by the office.
    "check": {
        ADMIN: READ_ONLY | {WORKFLOW},
        SUPERVISOR: READ_ONLY | {WORKFLOW},
        LEADER: READ_ONLY,
        LIAISON: READ_ONLY,
    },
    # the office drafts, edits and issues (签发) notices; drafts are the office's alone (leaders read issued ones)
    "notice": {
        ADMIN: READ_ONLY | {WORKFLOW},
        SUPERVISOR: READ_ONLY | {WORKFLOW},
        LEADER: READ_ONLY,
        LIAISON: READ_ONLY,
    },
    "check_queue": {
        ADMIN: frozenset({READ, WORKFLOW}),
        SUPERVISOR: frozenset({READ, WORKFLOW}),
        LEADER: NOTHING,
        LIAISON: NOTHING,
    },
    "check_ground": {ADMIN: EVERYTHING, SUPERVISOR: EVERYTHING, LEADER: NOTHING, LIAISON: NOTHING},
    # the leadership decides a 提请追责 (同意追责 / 不予追责); supervisors read the decisions
    "escalation": {
        ADMIN: READ_ONLY | {WORKFLOW},
        SUPERVISOR: READ_ONLY,
        LEADER: READ_ONLY | {WORKFLOW},
        LIAISON: READ_ONLY,
    },
    "circular": {
        ADMIN: frozenset({READ, CREATE, EDIT, DELETE, EXPORT, WORKFLOW}),
        SUPERVISOR: frozenset({READ, CREATE, EDIT, EXPORT, WORKFLOW}),
        LEADER: READ_ONLY,
        LIAISON: NOTHING,
    },
    "unit": {ADMIN: EVERYTHING, SUPERVISOR: EVERYTHING, LEADER: READ_ONLY, LIAISON: NOTHING},
    "liaison": {ADMIN: EVERYTHING, SUPERVISOR: EVERYTHING, LEADER: READ_ONLY, LIAISON: NOTHING},
    "leader": {ADMIN: EVERYTHING, SUPERVISOR: EVERYTHING, LEADER: READ_ONLY, LIAISON: NOTHING},
    "stand_in": {ADMIN: EVERYTHING, SUPERVISOR: EVERYTHING, LEADER: READ_ONLY, LIAISON: NOTHING},
    "confirmation": {
        ADMIN: READ_ONLY | {WORKFLOW},
        SUPERVISOR: READ_ONLY | {WORKFLOW},
        LEADER: NOTHING,
        LIAISON: NOTHING,
    },
    "directory_health": {
        ADMIN: frozenset({READ, WORKFLOW}),
        SUPERVISOR: frozenset({READ, WORKFLOW}),
        LEADER: NOTHING,
        LIAISON: NOTHING,
    },
    "calendar": {ADMIN: EVERYTHING, SUPERVISOR: READ_ONLY, LEADER: NOTHING, LIAISON: NOTHING},
    "user": {ADMIN: frozenset({READ, CREATE, EDIT, DELETE}), SUPERVISOR: NOTHING, LEADER: NOTHING, LIAISON: NOTHING},
    "audit": {ADMIN: READ_ONLY, SUPERVISOR: READ_ONLY, LEADER: NOTHING, LIAISON: NOTHING},
    "outbox": {ADMIN: READ_ONLY, SUPERVISOR: READ_ONLY, LEADER: NOTHING, LIAISON: NOTHING},
    # 年度统计: the year in numbers, for the office and the leaders
    "year_numbers": {ADMIN: READ_ONLY, SUPERVISOR: READ_ONLY, LEADER: READ_ONLY, LIAISON: NOTHING},
    # 结果: the 督查调研 register (a liaison reads the articles concerning their unit), 目标考核 (the office freezes a
    # period; leaders read), and each year's scoring rules (kept by the office; leaders read them)
    "research": {ADMIN: EVERYTHING, SUPERVISOR: EVERYTHING, LEADER: READ_ONLY, LIAISON: READ_ONLY},
    "assessment": {
        ADMIN: READ_ONLY | {WORKFLOW},
        SUPERVISOR: READ_ONLY | {WORKFLOW},
        LEADER: READ_ONLY,
        LIAISON: NOTHING,
    },
    "assessment_rule": {
        ADMIN: frozenset({READ, EDIT, DELETE, EXPORT}),
        SUPERVISOR: frozenset({READ, EDIT, EXPORT}),
        LEADER: READ_ONLY,
        LIAISON: NOTHING,
    },
    "imports": {ADMIN: READ_ONLY | {CREATE}, SUPERVISOR: READ_ONLY | {CREATE}, LEADER: NOTHING, LIAISON: NOTHING},
    # Each source's own steps (issue 12). Hotline calls: the office registers (来电登记) and calls back (回访);
    # a liaison reads only the calls their unit handles (so never another unit's caller's number); leaders read
    # everything.
    "hotline": {
        ADMIN: frozenset({READ, CREATE, EXPORT, WORKFLOW}),
        SUPERVISOR: frozenset({READ, CREATE, EXPORT, WORKFLOW}),
        LEADER: READ_ONLY,
        LIAISON: READ_ONLY,
    },
    "hotline_category": {ADMIN: EVERYTHING, SUPERVISOR: EVERYTHING, LEADER: NOTHING, LIAISON: NOTHING},
    # Instructions from above: the upward report is the office's; units answer through their shares as usual.
    # Reception visits: the office registers who came to which leader; leaders read; a unit reads its item only.
    "reception_visit": {
        ADMIN: frozenset({READ, CREATE, EDIT, EXPORT}),
        SUPERVISOR: frozenset({READ, CREATE, EDIT, EXPORT}),
        LEADER: READ_ONLY,
        LIAISON: NOTHING,
    },
    "higher_instruction": {
        ADMIN: frozenset({READ, CREATE, EDIT, EXPORT, WORKFLOW}),
        SUPERVISOR: frozenset({READ, CREATE, EDIT, EXPORT, WORKFLOW}),
        LEADER: READ_ONLY,
        LIAISON: NOTHING,
    },
    # Proposals: the office answers and records judgements (the representative judges from their own link).
    "proposal": {
        ADMIN: frozenset({READ, CREATE, EDIT, EXPORT, WORKFLOW}),
        SUPERVISOR: frozenset({READ, CREATE, EDIT, EXPORT, WORKFLOW}),
        LEADER: READ_ONLY,
        LIAISON: NOTHING,
    },
}


def allowed(endpoint: str, role: Role | None, operation: str) -> bool:
    """True when `role` may perform `operation` in the screen `endpoint`."""
    if role is None:
        return False
    return operation in PERMISSIONS.get(endpoint, {}).get(role, NOTHING)


def _state(record, attribute: str, *values) -> bool:
    value = getattr(record, attribute, None)
    return value in values or getattr(value, "value", None) in values


def _item_assignable(item) -> bool:
    return _state(item, "status", "registered", "assigned", "in_progress", "under_review") and any(
        _state(a, "status", "pending") for a in item.assignments
    )


def _item_open(item) -> bool:
    return _state(item, "status", "registered", "assigned", "in_progress", "under_review")


def _item_answerable(item) -> bool:
    return bool(item.needs_answer) and not _state(item, "status", "registered", "cancelled")


def _assignment_working(assignment) -> bool:
    return _state(assignment, "status", "assigned", "in_progress", "submitted")


def _checks_to_plan(assignment) -> bool:
    """A working share with a check still planned: its dates may move (调整督查日期)."""
    return _assignment_working(assignment) and any(_state(c, "state", "planned") for c in assignment.checks)


def _item_checks_to_plan(item) -> bool:
    """An item under the checks with at least one such share."""
    return bool(item.three_checks) and any(_checks_to_plan(a) for a in item.assignments)


def _call_to_call_back(call) -> bool:
    item = getattr(call, "item", None)
    return getattr(call, "callback_on", None) is None and not _state(item, "status", "registered", "cancelled")


def _upward_to_report(record) -> bool:
    item = getattr(record, "item", None)
    return getattr(record, "reported_on", None) is None and not _state(item, "status", "registered", "cancelled")


def _proposal_answerable(proposal) -> bool:
    item = getattr(proposal, "item", None)
    return not _state(item, "status", "registered", "cancelled", "closed") and not getattr(item, "answer", None)


def _proposal_to_judge(proposal) -> bool:
    item = getattr(proposal, "item", None)
    answered = bool(getattr(item, "answer", None)) and not _state(item, "status", "registered", "cancelled")
    return answered and proposal.judgement_of(proposal.round) is None


def _notice_draft(notice) -> bool:
    return _state(notice, "status", "draft") and _state(
        notice, "kind", "rectification", "yellow_card", "accountability"
    )


def _awaiting_decision(escalation) -> bool:
    notice = getattr(escalation, "notice", None)
    return (
        getattr(escalation, "level", None) == 3
        and notice is not None
        and _state(notice, "status", "issued")
        and getattr(escalation, "decision", None) is None
    )


# A step a screen offers: (screen, operation the role needs, what the record's state must allow). The state checks
# mirror workflows/ (which refuse the step anyway); here they only decide whether a button is shown. The step pages
# (admin_views/workflow_pages.StepPage) are guarded by the same names, on the role alone: a page opened on a record
# whose state moved on gets the workflow's Chinese refusal, not a 403.
STEPS: dict[str, tuple[str, str, object]] = {
    "item.assign": ("item", WORKFLOW, _item_assignable),
    "item.suspend": ("item", WORKFLOW, _item_open),
    "item.resume": ("item", WORKFLOW, lambda i: _state(i, "status", "suspended")),
    "item.cancel": ("item", WORKFLOW, lambda i: not _state(i, "status", "closed", "cancelled")),
    "item.answer": ("item", WORKFLOW, _item_answerable),
    "item.check_dates": ("item", WORKFLOW, _item_checks_to_plan),
    "check.decide": ("check", WORKFLOW, lambda c: _state(c, "state", "due")),
    "feedback.review": ("feedback", WORKFLOW, lambda f: _state(f, "review_status", "pending")),
    "feedback.edit": ("feedback", EDIT, lambda f: _state(f, "review_status", "pending")),
    "extension.decide": ("extension", WORKFLOW, lambda e: _state(e, "status", "pending")),
    "circular.send": ("circular", WORKFLOW, lambda c: _state(c, "status", "draft")),
    "circular.edit": ("circular", EDIT, lambda c: _state(c, "status", "draft")),
    "circular.delete": ("circular", DELETE, lambda c: _state(c, "status", "draft")),
    "confirmation.decide": ("confirmation", WORKFLOW, lambda c: _state(c, "correction_status", "pending")),
    "notice.edit_draft": ("notice", WORKFLOW, _notice_draft),
    "notice.issue": ("notice", WORKFLOW, _notice_draft),
    "escalation.decide": ("escalation", WORKFLOW, _awaiting_decision),
    "hotline.callback": ("hotline", WORKFLOW, _call_to_call_back),
    "higher_instruction.report": ("higher_instruction", WORKFLOW, _upward_to_report),
    "proposal.answer": ("proposal", WORKFLOW, _proposal_answerable),
    "proposal.send_link": ("proposal", WORKFLOW, lambda p: _proposal_to_judge(p) and bool(getattr(p, "email", None))),
    "proposal.judge": ("proposal", WORKFLOW, _proposal_to_judge),
    "assignment.act": ("assignment", WORKFLOW, _assignment_working),
    "assignment.notify": ("assignment", WORKFLOW, _assignment_working),
    "assignment.urge": ("assignment", WORKFLOW, _assignment_working),
    "assignment.deadline": ("assignment", WORKFLOW, _assignment_working),
    "assignment.resend": ("assignment", WORKFLOW, _assignment_working),
    "assignment.revoke": ("assignment", WORKFLOW, _assignment_working),
    "assignment.check_dates": ("assignment", WORKFLOW, _checks_to_plan),
    "leader_inspection.follow_up": ("leader_inspection", WORKFLOW, lambda i: True),
    "assignment.in_charge": (
        "assignment",
        WORKFLOW,
        lambda a: _state(a, "status", "pending", "assigned", "in_progress", "submitted"),
    ),
    "assignment.stop": (
        "assignment",
        WORKFLOW,
        lambda a: _assignment_working(a) and getattr(a, "escalation_stopped_at", None) is None,
    ),
}


def depends_on_record(step: str) -> bool:
    """Does `may(user, step, record)` read the record (its state or unit), or only the role?"""
    return step in STEPS or step == "assignment.handle"


def may(user, step: str, record=None) -> bool:
    """May `user` take `step` (on `record`, when given)? The one answer every guard, button and link reads.

    A step is either a named step of STEPS ("feedback.review", "extension.decide" …) or "<screen>.<operation>"
    ("calendar.edit", "item.workflow"); the role matrix above decides, then the record's state. A liaison's own
    portal step "assignment.handle" (签收, 反馈, 延期申请 through the unit page) needs their unit to own the share.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    role = user.role
    if step == "assignment.handle":
        return role == LIAISON and (record is None or (user.unit_id is not None and record.unit_id == user.unit_id))
    if step in STEPS:
        endpoint, operation, state = STEPS[step]
        return allowed(endpoint, role, operation) and (record is None or bool(state(record)))
    endpoint, _, operation = step.partition(".")
    return allowed(endpoint, role, operation)
