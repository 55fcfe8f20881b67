"""结果 / 目标考核: the ranked table of a year or quarter, a unit's deductions (each linking to its record), the .xlsx
annex, the printable page, freezing (定稿) and unfreezing; and the screen of each year's scoring rules."""

from datetime import datetime

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from wtforms import validators

from admin_views.base import RoleGuardMixin, SecureModelView, bounded_id
from admin_views.exporting import MIMETYPES, content_disposition
from admin_views.permissions import READ, WORKFLOW, may
from audit import act_as
from clock import CHINA, china_date, utcnow
from extensions import db
from importing.spreadsheets import AnnexSheet, annex_xlsx_bytes
from models.assessment import RULE_DEFAULTS, AssessmentFreeze, RuleKind
from workflows.assessment import (
    MEASURES,
    Period,
    PeriodError,
    check_rules_editable,
    create_rules,
    freeze,
    parse_period,
    shown_result,
    unfreeze,
    unit_row,
)
from workflows.lifecycle import TransitionError

# Where each kind of record behind a deduction or credit is shown.
RECORD_PAGES = {
    "assignment": "assignment.details_view",
    "feedback": "feedback.details_view",
    "notice": "notice.details_view",
    "escalation": "escalation.details_view",
    "check": "check.details_view",
    "item": "item.details_view",
    "research": "research.details_view",
}
# The annex's columns: rank, unit, then every measure.
ANNEX_WIDTHS = (6, 22, *([9] * len(MEASURES)))


def record_url(entry: dict) -> str | None:
    """The page of the record a deduction or credit names."""
    endpoint = RECORD_PAGES.get(entry.get("type"))
    return url_for(endpoint, id=entry["id"]) if endpoint else None


def shown_measure(measure, value) -> str:
    """A measure as the table shows it: 95.0%, 1.5, 98.5, or — when there is nothing to measure."""
    if value is None:
        return "—"
    if measure.kind == "rate":
        return f"{value * 100:.1f}%"
    if measure.kind in ("days", "score"):
        return f"{value:g}"
    return str(value)


def cell_value(measure, value):
    """A measure as a spreadsheet cell: rates as percentages (numbers), nothing as blank."""
    if value is None:
        return ""
    if measure.kind == "rate":
        return round(value * 100, 1)
    return value


def _year_choices(today_year: int) -> list[int]:
    return list(range(today_year + 1, today_year - 6, -1))


class AssessmentView(RoleGuardMixin, BaseView):
    """目标考核."""

    endpoint_name = "assessment"

    def __init__(self, **kwargs):
        super().__init__(endpoint=self.endpoint_name, url="/admin/assessment", **kwargs)

    def _period(self) -> Period:
        text = request.values.get("period") or str(china_date(utcnow()).year)
        try:
            return parse_period(text)
        except PeriodError as problem:
            flash(str(problem), "error")
            return parse_period(str(china_date(utcnow()).year))

    def _result(self, period: Period, records=None):
        """(result, freeze) or (None, None) when the year has no rules yet."""
        try:
            return shown_result(db.session, period, now=utcnow(), records=records)
        except TransitionError:
            return None, None

    @expose("/")
    def index(self):
        """The ranked table of a period, frozen or computed now."""
        period = self._period()
        result, frozen = self._result(period)
        return self.render(
            "admin/assessment.html",
            period=period,
            result=result,
            frozen=frozen,
            measures=MEASURES,
            shown=shown_measure,
            years=_year_choices(china_date(utcnow()).year),
            can_act=self._may(WORKFLOW),
            can_rules=self._may_rules(),
            history=self._history(period),
        )

    def _may_rules(self) -> bool:
        return may(current_user, "assessment_rule.edit")

    def _history(self, period: Period) -> list[AssessmentFreeze]:
        return list(
            db.session.scalars(
                db.select(AssessmentFreeze)
                .where(AssessmentFreeze.period == period.key, AssessmentFreeze.unfrozen_at.is_not(None))
                .order_by(AssessmentFreeze.id.desc())
            )
        )

    @expose("/unit/")
    def unit_view(self):
        """One unit's measures, its points rule by rule, and each deduction or credit linking to its record."""
        period = self._period()
        unit_id = bounded_id(request.args.get("unit", ""))
        result, frozen = self._result(period, records=unit_id) if unit_id else (None, None)
        found = unit_row(result, unit_id) if result else None
        if found is None:
            abort(404)
        group, row = found
        return self.render(
            "admin/assessment_unit.html",
            period=period,
            result=result,
            frozen=frozen,
            group=group,
            row=row,
            measures=MEASURES,
            shown=shown_measure,
            record_url=record_url,
        )

    @expose("/print/")
    def print_view(self):
        """The table on A4 landscape, as frozen (with who and when) or as computed now."""
        period = self._period()
        result, frozen = self._result(period)
        if result is None:
            abort(404)
        return render_template(
            "assessment/print.html",
            period=period,
            result=result,
            frozen=frozen,
            measures=MEASURES,
            shown=shown_measure,
            computed_at=datetime.fromisoformat(result["computed_at"]).astimezone(CHINA),
        )

    @expose("/export/")
    def export_view(self):
        """The table as an .xlsx annex: per kind of unit, a title row, the units in rank order, one column a measure."""
        period = self._period()
        result, frozen = self._result(period)
        if result is None:
            abort(404)
        computed = datetime.fromisoformat(result["computed_at"]).astimezone(CHINA)
        if frozen is not None:
            status = f"定稿：{frozen.frozen_by_name}，{frozen.frozen_at.astimezone(CHINA):%Y-%m-%d %H:%M}"
        else:
            status = f"未定稿，按 {computed:%Y-%m-%d %H:%M} 的数据计算"
        headers = ["名次", "单位", *(m.label + ("（%）" if m.kind == "rate" else "") for m in MEASURES)]
        sheets = [
            AnnexSheet(
                name=group["label"],
                title=f"{period.label}督查工作目标考核结果（{group['label']}）",
                headers=headers,
                rows=[
                    [row["rank"], row["name"], *(cell_value(m, row["measures"].get(m.key)) for m in MEASURES)]
                    for row in group["units"]
                ],
                notes=[status, "得分 = 基础分 + 加分 − 扣分；评分规则见“评分规则”页。"],
                widths=ANNEX_WIDTHS,
            )
            for group in result["groups"]
        ]
        body = annex_xlsx_bytes(sheets)
        response = Response(body, mimetype=MIMETYPES["xlsx"])
        response.headers["Content-Disposition"] = content_disposition(
            f"{period.label}目标考核.xlsx", f"assessment_{period.key}.xlsx"
        )
        return response

    def _post_guard(self) -> Period:
        if not self._may(WORKFLOW):
            abort(403)
        return self._period()

    @expose("/freeze/", methods=("POST",))
    def freeze_view(self):
        """定稿 the period."""
        period = self._post_guard()
        now = utcnow()
        act_as(db.session, current_user._get_current_object(), now=now)
        try:
            freeze(db.session, period, actor=current_user._get_current_object(), now=now)
            db.session.commit()
            flash(f"{period.label}的考核结果已定稿，此后按定稿时的结果显示和打印。", "success")
        except TransitionError as problem:
            db.session.rollback()
            flash(str(problem), "error")
        return redirect(url_for(".index", period=period.key))

    @expose("/unfreeze/", methods=("POST",))
    def unfreeze_view(self):
        """撤销定稿, with a reason (kept in the trail)."""
        period = self._post_guard()
        now = utcnow()
        act_as(db.session, current_user._get_current_object(), now=now)
        try:
            unfreeze(
                db.session, period, request.form.get("reason", ""), actor=current_user._get_current_object(), now=now
            )
            db.session.commit()
            flash(f"已撤销{period.label}的定稿，原定稿结果留存在记录中。", "success")
        except TransitionError as problem:
            db.session.rollback()
            flash(str(problem), "error")
        return redirect(url_for(".index", period=period.key))

    @expose("/rules/", methods=("POST",))
    def create_rules_view(self):
        """Give the period's year its rules (a copy of the last year's, or the defaults)."""
        if not self._may_rules():
            abort(403)
        period = self._period()
        now = utcnow()
        act_as(db.session, current_user._get_current_object(), now=now)
        create_rules(db.session, period.year, now=now)
        db.session.commit()
        flash(f"已建立{period.year}年评分规则，可在“评分规则”中修改。", "success")
        return redirect(url_for(".index", period=period.key))

    def is_visible(self) -> bool:
        return self._may(READ)


def _rule_label(view, context, model, name):
    return RuleKind(model.kind).label


def _rule_kind(view, context, model, name):
    sign = RULE_DEFAULTS[RuleKind(model.kind)].sign
    return {1: "加分", -1: "扣分", 0: "基础分"}[sign]


def _points(view, context, model, name):
    per = RULE_DEFAULTS[RuleKind(model.kind)].per
    return f"{model.points:g}" if per == "分" else f"{model.points:g} 分/{per}"


class AssessmentRuleView(SecureModelView):
    """评分规则: each year's rules; a year with a frozen period cannot be changed."""

    endpoint_name = "assessment_rule"
    can_view_details = False
    column_list = ["year", "kind", "direction", "points", "cap", "active", "note"]
    column_labels = {"direction": "加/扣分"}
    column_default_sort = [("year", True), ("id", False)]
    column_sortable_list = ["year"]
    column_formatters = {"kind": _rule_label, "direction": _rule_kind, "points": _points}
    column_formatters_export = {"kind": _rule_label, "direction": _rule_kind}
    column_filters = ["year"]
    form_columns = ["points", "cap", "active", "note"]
    form_args = {
        "points": {
            "description": "每项（份、篇……）的分值，填正数；基础分填总分。加分还是扣分由规则决定。",
            "validators": [
                validators.InputRequired("请填写分值。"),
                validators.NumberRange(0, 1000, "分值应在 0 到 1000 之间。"),
            ],
        },
        "cap": {
            "description": "本条规则在一个考核期内最多加（扣）的分数，留空为不设上限。",
            "validators": [validators.Optional(), validators.NumberRange(0, 1000, "上限应在 0 到 1000 之间。")],
        },
    }

    @property
    def can_create(self) -> bool:
        return False  # a year's rules are created together, from the assessment page

    def on_model_change(self, form, model, is_created):
        try:
            check_rules_editable(db.session, model.year)
        except TransitionError as problem:
            raise ValueError(str(problem)) from problem

    def on_model_delete(self, model):
        try:
            check_rules_editable(db.session, model.year)
        except TransitionError as problem:
            raise ValueError(str(problem)) from problem
