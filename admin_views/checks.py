"""The screens of the three checks (三次督查): the verdict queue (待裁定督查), the check records (督查记录) with the
verdict page, the dates of a share's or an item's checks (调整督查日期), and the list of grounds (不合格情形).

The system proposes, a supervisor decides: the queue shows each due check with the proposal as it stands now
(workflows.checks.propose), the reports since the previous check and the share's rung; a verdict calls
workflows.checks.decide_check, whose 不合格 drafts the rung's notice for a person to issue.
"""

from flask import abort, flash, render_template, request, url_for
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import FilterEqual, FilterLike
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import DateField, RadioField, SelectMultipleField, TextAreaField, validators, widgets
from wtforms.validators import InputRequired, Length, Optional

from admin_views.base import (
    QueryOptions,
    SecureModelView,
    bounded_id,
    enum_filters,
    exporting_rows,
    row_url,
    safe_return_url,
)
from admin_views.figure_filter import FigureFilter
from admin_views.formatters import escalation_badge, item_link
from admin_views.in_charge import InChargeListMixin
from admin_views.permissions import READ, WORKFLOW, allowed, may
from admin_views.workflow_pages import StepPage, WorkflowPagesMixin
from clock import utcnow
from extensions import db
from models.assignment import Assignment
from models.check import CHECK_STAGES, DEFAULT_GROUNDS, STAGES, CheckGround, CheckState, SupervisionCheck, Verdict
from models.escalation import RUNGS, TOP_RUNG, Escalation, rung_name
from models.item import Item
from models.periodic import Circular, CircularEntry
from models.unit import Unit
from models.user import Role
from workflows.checks import decide_check, propose, reports_for, set_check_dates
from workflows.in_charge import shares_in_charge_of
from workflows.lifecycle import WORKING, TransitionError
from workflows.rules import rules
from workflows.visibility import of_unit

ROUND_OPTIONS = [(str(stage.number), stage.name) for stage in CHECK_STAGES]
VERDICT_CSS = {Verdict.PASS: "badge-success", Verdict.FAIL: "badge-danger", Verdict.PENDING: "badge-warning"}
STATE_CSS = {
    CheckState.PLANNED: "badge-light",
    CheckState.DUE: "badge-warning",
    CheckState.DECIDED: "badge-secondary",
    CheckState.MOOT: "badge-light",
}
# What a unit reads of a check's state (its page and the liaison's screens): the office's verdict, never a proposal.
UNIT_STATE = {CheckState.PLANNED: "待督查", CheckState.DUE: "督查中", CheckState.MOOT: "不再督查"}


def unit_options():
    """(id, name) of every unit, for the list filters (as on the other screens)."""
    return [(str(i), n) for i, n in db.session.execute(select(Unit.id, Unit.name).order_by(Unit.code))]


# --- the grounds -------------------------------------------------------------------------------------------------


def ground_choices() -> list[tuple[str, str]]:
    """The active grounds in their order; the report's own list while the office has not written any."""
    rows = db.session.scalars(
        select(CheckGround.name).where(CheckGround.active.is_(True)).order_by(CheckGround.sort_order, CheckGround.id)
    ).all()
    if not rows and not db.session.scalar(select(func.count()).select_from(CheckGround)):
        rows = list(DEFAULT_GROUNDS)
    return [(name, name) for name in rows]


class CheckGroundView(SecureModelView):
    """不合格情形: the grounds a supervisor picks when a check fails, in the office's words.

    Edited row by row (Flask-Admin's in-list editor, x-editable, evaluates strings as code, which the
    Content-Security-Policy refuses)."""

    endpoint_name = "check_ground"
    column_list = ["name", "sort_order", "active"]
    column_default_sort = ("sort_order", False)
    column_sortable_list = ["name", "sort_order"]
    form_columns = ["name", "sort_order", "active"]
    column_descriptions = {"active": "停用后裁定页面不再列出；已作出的裁定保持不变。"}
    form_args = {
        "name": {
            "validators": [
                validators.InputRequired("请填写不合格情形。"),
                validators.Length(max=60, message="不合格情形不能超过 60 字。"),
            ]
        },
        "sort_order": {
            "default": 0,
            "validators": [
                validators.InputRequired("请填写排序（整数，小的在前）。"),
                validators.NumberRange(0, 999, "排序应为 0 到 999 之间的整数。"),
            ],
        },
    }

    def on_model_change(self, form, model, is_created):
        model.name = (model.name or "").strip()
        if not model.name:
            raise ValueError("请填写不合格情形。")


# --- the verdict ---------------------------------------------------------------------------------------------------


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of check boxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CheckDateField(DateField):
    """A date typed as 2026-12-10, with the office's message when it is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("日期格式不正确，应形如 2026-12-10。") from None


class VerdictForm(FlaskForm):
    """A supervisor's verdict on a due check (裁定)."""

    verdict = RadioField(
        "督查结论",
        choices=[(Verdict.PASS.value, Verdict.PASS.label), (Verdict.FAIL.value, Verdict.FAIL.label)],
        validators=[InputRequired("请选择督查结论：合格或不合格。")],
    )
    grounds = MultiCheckboxField(
        "不合格情形（判定不合格时选择，可多选）",
        validators=[Optional()],
        description="判定不合格须选择不合格情形或填写督查意见；判定合格时不记录不合格情形。",
    )
    comment = TextAreaField("督查意见", validators=[Length(max=2000, message="督查意见不能超过 2000 字。")])
    in_person_on = CheckDateField(
        "现场督查日期", validators=[Optional()], description="如到现场督查过，填写日期和情况，作为裁定依据。"
    )
    in_person_note = TextAreaField(
        "现场督查情况", validators=[Length(max=2000, message="现场督查情况不能超过 2000 字。")]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.grounds.choices = ground_choices()


def _decide(session, check, form, *, actor, now) -> Escalation | None:
    """Run decide_check with what the form says (the grounds only count for 不合格)."""
    verdict = Verdict(form.verdict.data)
    return decide_check(
        session,
        check,
        verdict,
        grounds=form.grounds.data if verdict == Verdict.FAIL else [],
        comment=form.comment.data or "",
        in_person_on=form.in_person_on.data,
        in_person_note=form.in_person_note.data or "",
        actor=actor,
        now=now,
    )


def _proposal_prefill(check) -> dict:
    """The verdict form as the system proposes it (a 待定 proposal leaves the choice to the supervisor)."""
    proposal = propose(check, utcnow())
    if proposal.verdict == Verdict.PENDING:
        return {}
    grounds = [proposal.ground] if proposal.ground in dict(ground_choices()) else []
    return {"verdict": proposal.verdict.value, "grounds": grounds if proposal.verdict == Verdict.FAIL else []}


def drafted_message(escalation: Escalation | None) -> Markup | None:
    """After a 不合格 verdict: which notice was drafted (with its link) and, on the first rung, the 通报批评 draft."""
    if escalation is None:
        return None
    notice = escalation.notice
    message = Markup('已起草《{}》（待签发）：<a href="{}">{}</a>。').format(
        notice.kind.label, url_for("notice.details_view", id=notice.id), notice.title
    )
    circular = criticism_of(escalation)
    if circular is not None:
        message += Markup('该单位已列入通报批评草稿：<a href="{}">{}</a>。').format(
            url_for("circular.details_view", id=circular.id), circular.title
        )
    return message


def criticism_of(escalation: Escalation) -> Circular | None:
    """The 通报批评 (draft or sent) naming the unit of a first-rung failure."""
    return db.session.scalar(
        select(Circular)
        .join(CircularEntry, CircularEntry.circular_id == Circular.id)
        .where(CircularEntry.escalation_id == escalation.id)
    )


# --- list filters and columns ------------------------------------------------------------------------------------


class SubqueryFilter:
    """A filter that reaches another table through a subquery of its own: the list joins nothing for it."""


class CheckUnitFilter(SubqueryFilter, FilterEqual):
    """承办单位 of the check's share."""

    def apply(self, query, value, alias=None):
        return query.filter(
            SupervisionCheck.assignment_id.in_(select(Assignment.id).where(Assignment.unit_id == value))
        )


class CheckItemFilter(SubqueryFilter, FilterLike):
    """督查事项: its number or title contains the text."""

    def apply(self, query, value, alias=None):
        pattern = f"%{value.strip()}%"
        items = select(Item.id).where(or_(Item.number.like(pattern), Item.title.like(pattern)))
        return query.filter(
            SupervisionCheck.assignment_id.in_(select(Assignment.id).where(Assignment.item_id.in_(items)))
        )


class LiveProposalFilter(FilterEqual):
    """建议结论 as the system proposes it now (not as it proposed on the check day): computed for the due checks."""

    def apply(self, query, value, alias=None):
        now, wanted = utcnow(), Verdict(value)
        due = db.session.scalars(
            select(SupervisionCheck)
            .where(SupervisionCheck.state == CheckState.DUE)
            .options(
                selectinload(SupervisionCheck.assignment).selectinload(Assignment.feedbacks),
                selectinload(SupervisionCheck.assignment).selectinload(Assignment.checks),
            )
        ).all()
        return query.filter(SupervisionCheck.id.in_([c.id for c in due if propose(c, now).verdict == wanted]))


def _item(view, context, model, name):
    return item_link(view, context, model.assignment, name)


def _unit(view, context, model, name):
    return model.assignment.unit.name


def _check_name(view, context, model, name):
    return Markup('{}<div class="small text-muted">{}</div>').format(model.name, model.stage.question)


def _planned_on(view, context, model, name):
    by_hand = Markup(' <span class="badge badge-light" title="督查人员调整过日期">调整</span>')
    return Markup("{}{}").format(model.planned_on.isoformat(), by_hand if model.planned_by_hand else "")


def _state(view, context, model, name):
    return Markup('<span class="badge {}">{}</span>').format(STATE_CSS[model.state], model.state.label)


def _verdict(view, context, model, name):
    if model.verdict is None:
        return ""
    return Markup('<span class="badge {}">{}</span>').format(VERDICT_CSS[model.verdict], model.verdict.label)


def proposal_badge(check, now) -> Markup:
    """The live proposal, as a badge with its ground."""
    proposal = propose(check, now)
    ground = Markup('<div class="small text-muted">{}</div>').format(proposal.ground) if proposal.ground else ""
    return Markup('<span class="badge {}">{}</span>{}').format(
        VERDICT_CSS[proposal.verdict], proposal.verdict.label, ground
    )


def _proposal(view, context, model, name):
    return proposal_badge(model, utcnow())


def reports_summary(check, now) -> str:
    """'2 份，最近完成 60%' or '无'."""
    reports = reports_for(check, now)
    if not reports:
        return "无"
    latest = max(reports, key=lambda f: (f.submitted_at, f.id))
    return f"{len(reports)} 份，最近完成 {latest.percent_complete}%"


def _reports(view, context, model, name):
    return reports_summary(model, utcnow())


def _rung(view, context, model, name):
    return escalation_badge(view, context, model.assignment, name)


def _decide_button(view, context, model, name):
    if not may(current_user, "check.decide", model):
        return ""
    url = row_url("check.decide_view", model.id, url=request.full_path.rstrip("?"))
    return Markup('<a class="btn btn-sm btn-primary text-nowrap" href="{}">裁定</a>').format(url)


CHECK_LABELS = {
    "item": "督查事项",
    "unit": "承办单位",
    "round": "督查",
    "proposal": "系统建议",
    "reports": "上次督查以来的反馈",
    "rung": "督查等级",
    "decide": "操作",
}
CHECK_FORMATTERS = {
    "item": _item,
    "unit": _unit,
    "round": _check_name,
    "planned_on": _planned_on,
    "state": _state,
    "verdict": _verdict,
    "proposal": _proposal,
    "reports": _reports,
    "rung": _rung,
    "decide": _decide_button,
}


class CheckScreen(SecureModelView):
    """What the two check screens share: the record's share loaded with it, a liaison's scope, the details page."""

    details_template = "admin/check_details.html"
    column_labels = CHECK_LABELS
    column_formatters = CHECK_FORMATTERS
    column_formatters_detail = {**CHECK_FORMATTERS, "round": lambda v, c, m, n: m.name}
    column_formatters_export = {
        "item": lambda v, c, m, n: str(m.assignment.item),
        "unit": lambda v, c, m, n: m.assignment.unit.name,
        "round": lambda v, c, m, n: m.name,
    }
    column_auto_select_related = False
    column_details_list = [
        "item",
        "unit",
        "round",
        "planned_on",
        "state",
        "proposed",
        "proposed_ground",
        "verdict",
        "grounds",
        "comment",
        "in_person_on",
        "in_person_note",
        "decided_by_name",
        "decided_at",
        "opened_at",
        "moot_reason",
    ]
    office_only_columns = ("proposed", "proposed_ground", "opened_at")  # the system's proposal on the check day

    @property
    def _details_columns(self):
        columns = super()._details_columns
        if current_user.is_authenticated and current_user.role == Role.LIAISON:
            return [(name, label) for name, label in columns if name not in self.office_only_columns]
        return columns

    @_details_columns.setter
    def _details_columns(self, columns):
        SecureModelView._details_columns.fset(self, columns)

    def get_query(self):
        if exporting_rows():  # the export reads only the share's item and unit, joined (see export_loader_options)
            return super().get_query()
        return (
            super()
            .get_query()
            .options(
                selectinload(SupervisionCheck.assignment).options(
                    joinedload(Assignment.item),
                    joinedload(Assignment.unit),
                    selectinload(Assignment.feedbacks),
                    selectinload(Assignment.checks),
                )
            )
        )

    export_loader_options = (
        joinedload(SupervisionCheck.assignment).options(joinedload(Assignment.item), joinedload(Assignment.unit)),
    )

    def scope_to_unit(self, query, unit_id):
        return query.filter(of_unit(SupervisionCheck, unit_id))

    def only_in_charge(self, query, user_id):
        """我分包的: the checks of the shares in this supervisor's charge."""
        return query.filter(
            SupervisionCheck.assignment_id.in_(select(Assignment.id).where(shares_in_charge_of(user_id)))
        )

    def handle_filter(self, filter):
        filter = super().handle_filter(filter)
        if isinstance(filter, SubqueryFilter):
            self._filter_joins.pop(filter.key_name or filter.column, None)
        return filter

    def check_extras(self, check) -> dict:
        """The details page: the share's checks, the reports since the previous check, the rung, what was drafted."""
        now = utcnow()
        assignment = check.assignment
        escalation = db.session.scalar(select(Escalation).where(Escalation.check_id == check.id))
        office = current_user.role in (Role.ADMIN, Role.SUPERVISOR)
        if escalation is not None and not office and not _shown_outside_the_office(escalation):
            escalation = None  # a draft is the office's; a 提请追责 is the leadership's until decided
        criticism = criticism_of(escalation) if escalation is not None else None
        if criticism is not None and not allowed("circular", current_user.role, READ):
            criticism = None
        return {
            "context": check_context(check, now, office=office),
            "escalation": escalation,
            "criticism": criticism,
            "can_decide": may(current_user, "check.decide", check),
            "can_move": may(current_user, "assignment.check_dates", assignment),
            "assignment": assignment,
        }


def _shown_outside_the_office(escalation: Escalation) -> bool:
    """A rung is shown to leaders and liaisons once its notice is issued (a 提请追责 to a liaison once decided)."""
    notice = escalation.notice
    if notice is None or notice.is_draft:
        return False
    return escalation.level < 3 or current_user.role != Role.LIAISON or escalation.decision is not None


def check_context(check, now, *, office: bool) -> Markup:
    """What a supervisor reads before a verdict: the question, the reports since the previous check, the rung,
    the share's other checks and (for the office) the system's proposal."""
    assignment = check.assignment
    level = assignment.escalation_level or 0
    return Markup(  # nosec B704 — the output of an autoescaping template
        render_template(
            "admin/_check_context.html",
            check=check,
            assignment=assignment,
            reports=sorted(reports_for(check, now), key=lambda f: (f.submitted_at, f.id)),
            proposal=propose(check, now) if office and check.state == CheckState.DUE else None,
            rung=rung_name(level),
            next_rung=RUNGS[level + 1].name if level < TOP_RUNG else None,
            first_rung=level == 0,
            request_days=rules().check_request_days_before,
            office=office,
        )
    )


class CheckView(InChargeListMixin, WorkflowPagesMixin, CheckScreen):
    """督查记录: every check of every share (planned, due, decided, set aside), with the verdict page."""

    endpoint_name = "check"
    count_cap = 2000
    column_list = ["item", "unit", "round", "planned_on", "state", "verdict", "grounds", "decided_by_name"]
    column_export_list = [
        "item",
        "unit",
        "round",
        "planned_on",
        "state",
        "verdict",
        "grounds",
        "comment",
        "in_person_on",
        "decided_by_name",
        "decided_at",
    ]
    column_default_sort = ("planned_on", True)
    column_sortable_list = ["planned_on", "round", "state", "verdict"]
    column_filters = [
        CheckUnitFilter(Assignment.unit_id, "承办单位", options=QueryOptions(unit_options)),
        CheckItemFilter(Item.title, "督查事项（编号或名称）"),
        FilterEqual(SupervisionCheck.round, "督查轮次", options=ROUND_OPTIONS),
        *enum_filters(SupervisionCheck.state, CheckState),
        FilterEqual(
            SupervisionCheck.verdict,
            "督查结论",
            options=[(Verdict.PASS.value, Verdict.PASS.label), (Verdict.FAIL.value, Verdict.FAIL.label)],
        ),
        FigureFilter(SupervisionCheck),
    ]

    step_pages = (
        StepPage(
            "decide",
            "check.decide",
            run=_decide,
            done=lambda form: f"已裁定：{Verdict(form.verdict.data).label}。",
            outcome=lambda view, check, escalation: drafted_message(escalation),
            title="督查裁定",
            form=VerdictForm,
            submit="提交裁定",
            intro=lambda c: f"{c.assignment.item.number} {c.assignment.item.title} · {c.assignment.unit.name}\n"
            f"{c.name}（{c.stage.question}），督查日期 {c.planned_on}",
            prefill=_proposal_prefill,
            extra=lambda view, check: check_context(check, utcnow(), office=True),
            back=lambda view, check: safe_return_url(view.get_url(".details_view", id=check.id)),
            doc="裁定: the supervisor's 合格 / 不合格 on a due check; 不合格 drafts the rung's notice.",
        ),
    )


class CheckQueueView(InChargeListMixin, CheckScreen):
    """待裁定督查: the checks whose day has come, each with the system's proposal as it stands now."""

    endpoint_name = "check_queue"
    column_list = ["item", "unit", "round", "planned_on", "proposal", "reports", "rung", "decide"]
    column_default_sort = ("planned_on", False)
    column_sortable_list = ["planned_on", "round"]
    column_filters = [
        CheckUnitFilter(Assignment.unit_id, "承办单位", options=QueryOptions(unit_options)),
        CheckItemFilter(Item.title, "督查事项（编号或名称）"),
        FilterEqual(SupervisionCheck.round, "督查轮次", options=ROUND_OPTIONS),
        LiveProposalFilter(SupervisionCheck.proposed, "系统建议", options=[(v.value, v.label) for v in Verdict]),
    ]

    def get_query(self):
        return super().get_query().filter(SupervisionCheck.state == CheckState.DUE)

    def get_count_query(self):
        return super().get_count_query().filter(SupervisionCheck.state == CheckState.DUE)

    def is_action_allowed(self, name: str) -> bool:
        if name == "follow":
            return self._may(WORKFLOW)
        return super().is_action_allowed(name)

    @action(
        "follow",
        "按建议裁定",
        "确定按系统建议裁定所选督查吗？建议为“待定”的不会裁定；建议不合格的将起草整改通知书等文书（待签发）。",
    )
    def action_follow(self, ids):
        """按建议裁定: decide the selected checks as the system proposes now; a 待定 proposal is skipped."""
        if not self._may(WORKFLOW):
            abort(403)
        now, actor = utcnow(), current_user._get_current_object()
        wanted = [key for key in map(bounded_id, ids) if key is not None]
        checks = self.get_query().filter(SupervisionCheck.id.in_(wanted)).all()
        checks.sort(key=lambda c: (c.assignment_id, c.round))  # a share's earlier check first
        decided, skipped, drafted = {Verdict.PASS: 0, Verdict.FAIL: 0}, [], []
        for check in checks:
            label = f"{check.assignment.item.number} {check.assignment.unit.name} {check.name}"
            proposal = propose(check, now)
            if proposal.verdict == Verdict.PENDING:
                skipped.append(f"{label}：系统建议“待定”（{proposal.ground}），请审核反馈后逐项裁定")
                continue
            try:
                with db.session.begin_nested():
                    escalation = decide_check(
                        db.session,
                        check,
                        proposal.verdict,
                        grounds=[proposal.ground] if proposal.ground else [],
                        actor=actor,
                        now=now,
                    )
            except TransitionError as problem:
                skipped.append(f"{label}：{problem}")
                continue
            decided[proposal.verdict] += 1
            if escalation is not None:
                drafted.append(escalation.id)
        db.session.commit()
        gone = len(set(wanted)) - len(checks)
        total = sum(decided.values())
        flash(
            f"已按建议裁定 {total} 项（合格 {decided[Verdict.PASS]} 项，不合格 {decided[Verdict.FAIL]} 项）。",
            "success" if total else "warning",
        )
        for escalation_id in drafted:
            message = drafted_message(db.session.get(Escalation, escalation_id))
            if message:
                flash(message, "info")
        if skipped:
            flash(f"未裁定 {len(skipped)} 项：" + "；".join(skipped) + "。", "warning")
        if gone > 0:
            flash(f"另有 {gone} 项已不在待裁定之列（可能已由他人裁定），未作处理。", "warning")


# --- the dates ------------------------------------------------------------------------------------------------------


class CheckDatesForm(FlaskForm):
    """调整督查日期: the three dates; a date left as it is (or blank) is not changed."""

    first = CheckDateField(f"{STAGES[1].name}（{STAGES[1].question}）", validators=[Optional()])
    second = CheckDateField(f"{STAGES[2].name}（{STAGES[2].question}）", validators=[Optional()])
    third = CheckDateField(f"{STAGES[3].name}（{STAGES[3].question}）", validators=[Optional()])

    def dates(self) -> dict:
        """{round: date or None}."""
        return {1: self.first.data, 2: self.second.data, 3: self.third.data}


FIELDS = {1: "first", 2: "second", 3: "third"}
DATES_RULE = "只能调整尚未进行的督查；日期不早于今天，并按第一次、第二次、第三次的顺序排列；留空或不改的不调整。"


def share_dates_intro(assignment) -> str:
    """The share's checks as they stand, and the rule."""
    lines = [f"{c.name}：{c.planned_on}（{c.state.label}）" for c in assignment.checks]
    lines.append(DATES_RULE)
    lines.append(f"调整后，单位将在新的督查日期前 {rules().check_request_days_before} 个工作日收到报送提醒。")
    return "\n".join(lines)


def share_dates_prefill(assignment) -> dict:
    """The share's current dates."""
    return {FIELDS[c.round]: c.planned_on for c in assignment.checks}


def changed_message(changed) -> str:
    """'已调整：第一次督查 2026-12-10' or '督查日期没有变化。'"""
    if not changed:
        return "督查日期没有变化。"
    return "已调整：" + "；".join(f"{c.name} {c.planned_on}" for c in changed) + "。"


def open_shares_under_checks(item) -> list:
    """The item's working shares that have checks."""
    return [a for a in item.assignments if a.status in WORKING and a.checks]


def item_dates_prefill(item) -> dict:
    """For each check, the date its open shares share (a date differing between units is left blank)."""
    filled = {}
    for number, name in FIELDS.items():
        dates = {
            c.planned_on
            for a in open_shares_under_checks(item)
            for c in a.checks
            if c.round == number and c.state == CheckState.PLANNED
        }
        if len(dates) == 1:
            filled[name] = dates.pop()
    return filled


def item_dates_intro(item) -> str:
    """Each open share's dates, and the rule."""
    lines = [
        f"{a.unit.name}：" + "，".join(f"{c.name} {c.planned_on}（{c.state.label}）" for c in a.checks)
        for a in open_shares_under_checks(item)
    ]
    lines.append("填写的日期适用于本事项所有承办单位中尚未进行的该次督查。" + DATES_RULE)
    return "\n".join(lines)


def set_item_check_dates(session, item, dates: dict, *, actor, now) -> dict:
    """调整督查日期 for a whole item: each open share's checks still planned take the dates given (through
    set_check_dates, audited per share); returns {unit name: checks changed}. A share's refusal names its unit."""
    changed = {}
    for assignment in open_shares_under_checks(item):
        planned = {c.round for c in assignment.checks if c.state == CheckState.PLANNED}
        wanted = {number: day for number, day in dates.items() if day is not None and number in planned}
        if not wanted:
            continue
        try:
            done = set_check_dates(session, assignment, wanted, actor=actor, now=now)
        except TransitionError as problem:
            raise TransitionError(f"{assignment.unit.name}：{problem}") from problem
        if done:
            changed[assignment.unit.name] = done
    return changed


def item_changed_message(changed: dict) -> str:
    """Which units' dates moved."""
    if not changed:
        return "督查日期没有变化（已进行的督查不调整）。"
    return (
        "已调整："
        + "；".join(
            f"{unit} " + "、".join(f"{c.name} {c.planned_on}" for c in checks) for unit, checks in changed.items()
        )
        + "。"
    )


SHARE_DATES_PAGE = StepPage(
    "check_dates",
    "assignment.check_dates",
    run=lambda s, a, form, **who: set_check_dates(s, a, form.dates(), **who),
    done="督查日期已保存。",
    outcome=lambda view, a, changed: changed_message(changed),
    title="调整督查日期",
    form=CheckDatesForm,
    submit="保存",
    intro=share_dates_intro,
    prefill=share_dates_prefill,
    doc="调整督查日期: move this share's checks still to come (in order, not before today).",
)

ITEM_DATES_PAGE = StepPage(
    "check_dates",
    "item.check_dates",
    run=lambda s, item, form, **who: set_item_check_dates(s, item, form.dates(), **who),
    done="督查日期已保存。",
    outcome=lambda view, item, changed: item_changed_message(changed),
    title="调整督查日期（本事项所有承办单位）",
    form=CheckDatesForm,
    submit="保存",
    intro=item_dates_intro,
    prefill=item_dates_prefill,
    doc="调整督查日期 of every open share of the item at once (checks still planned only).",
)


# --- the plan on other pages ---------------------------------------------------------------------------------------


def unit_check_state(check) -> str:
    """A check's state as the unit reads it: 待督查, 督查中, 合格/不合格, 不再督查."""
    if check.state == CheckState.DECIDED and check.verdict is not None:
        return check.verdict.label
    return UNIT_STATE.get(check.state, check.state.label)


def check_cell(check, url: str | None = None) -> Markup:
    """One check in the plan table: its date (linking to the record), state and (decided) verdict with grounds."""
    day = check.planned_on.isoformat()
    parts = [Markup('<a href="{}">{}</a>').format(url, day) if url else Markup("{}").format(day)]
    if check.state == CheckState.DECIDED and check.verdict is not None:
        parts.append(_verdict(None, None, check, "verdict"))
        if check.grounds:
            parts.append(Markup('<div class="small text-muted">{}</div>').format(check.grounds))
    else:
        parts.append(Markup('<span class="badge {}">{}</span>').format(STATE_CSS[check.state], check.state.label))
    return Markup(" ").join(parts)
