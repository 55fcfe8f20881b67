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
        LIAISON: frozenset({READ, CREATE, EDIT, EXPORT}),
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
    "quarter_target": {ADMIN: EVERYTHING, SUPERVISOR: EVERYTHING, LEADER: READ_ONLY, LIAISON: READ_ONLY},
    "notice": {ADMIN: READ_ONLY, SUPERVISOR: READ_ONLY, LEADER: READ_ONLY, LIAISON: READ_ONLY},
    "escalation": {ADMIN: READ_ONLY, SUPERVISOR: READ_ONLY, LEADER: READ_ONLY, LIAISON: READ_ONLY},
    "circular": {
        ADMIN: frozenset({READ, EDIT, DELETE, EXPORT, WORKFLOW}),
        SUPERVISOR: frozenset({READ, EDIT, EXPORT, WORKFLOW}),
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
    "imports": {ADMIN: READ_ONLY | {CREATE}, SUPERVISOR: READ_ONLY | {CREATE}, LEADER: NOTHING, LIAISON: NOTHING},
}


def allowed(endpoint: str, role: Role | None, operation: str) -> bool:
    """True when `role` may perform `operation` in the screen `endpoint`."""
    if role is None:
        return False
    return operation in PERMISSIONS.get(endpoint, {}).get(role, NOTHING)
