"""The screens of each source's own steps: hotline calls (quick entry, 回访), instructions from above (上报),
proposals (答复, the representative's judgement). The items, shares and links stay the ordinary ones."""

from pathlib import Path

from flask import abort, current_app, flash, redirect, request
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, DateBetweenFilter, FilterEmpty, FilterEqual
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import String, case, select, type_coerce
from sqlalchemy.orm import joinedload, selectinload
from wtforms import (
    DateField,
    DateTimeLocalField,
    FileField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    validators,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from admin_views.base import QueryOptions, SecureModelView, bounded_id, enum_filters, item_named_in_request
from admin_views.formatters import item_link
from admin_views.lookups import item_loader, leader_loader
from admin_views.permissions import may
from admin_views.workflow_pages import StepPage, WorkflowPagesMixin
from clock import CHINA, china_date, utcnow
from extensions import db
from file_store import source_file_response
from formatting import file_size
from models.assignment import Assignment
from models.hotline import CallbackMethod, HotlineCall, HotlineCategory
from models.item import Item, ItemSource, Satisfaction
from models.proposal import JudgedVia, Proposal, ProposalJudgement
from models.reception import ReceptionVisit
from models.unit import Unit
from models.upward import HigherInstruction
from models.user import Role
from phone_numbers import PHONE_PATTERN
from workflows.feedback import Upload, upload_problem
from workflows.hotline import CallInput, earlier_calls, ensure_categories, record_callback, register_call
from workflows.lifecycle import TransitionError
from workflows.proposals import answer_proposal, check_proposal, judge, send_judgement_link
from workflows.upward import check_record, report_upward, store_source_file


def _units_choices():
    return [("", "（请选择）")] + [
        (str(i), n)
        for i, n in db.session.execute(select(Unit.id, Unit.name).where(Unit.active.is_(True)).order_by(Unit.code))
    ]


def _category_options():
    return [
        (str(c.id), c.name) for c in db.session.scalars(select(HotlineCategory).order_by(HotlineCategory.sort_order))
    ]


def _unit_options():
    return [(str(i), n) for i, n in db.session.execute(select(Unit.id, Unit.name).order_by(Unit.code))]


def _upload_of(field) -> Upload | None:
    """The file of a FileField, checked against the attachment rules (ValidationError in Chinese)."""
    storage = field.data
    if not getattr(storage, "filename", ""):
        return None
    upload = Upload(storage.filename, storage.mimetype or "", storage.read())
    config = current_app.config
    problem = upload_problem(
        upload, allowed_extensions=set(config["ATTACHMENT_EXTENSIONS"]), max_bytes=config["ATTACHMENT_MAX_BYTES"]
    )
    if problem:
        raise ValidationError(problem)
    return upload


def _item_of(view, context, model, name):
    return item_link(view, context, model, "item")


def _file_link(page: str):
    """A cell of the record's file (its `name` relation): its name linking to `page`, the download, and its size."""

    def cell(view, context, model, name):
        stored = getattr(model, name)
        if stored is None:
            return ""
        return Markup('<a href="{}">{}</a> <span class="text-muted small">{}</span>').format(
            view.get_url(page, record_id=model.id), stored.filename, file_size(stored.size)
        )

    return cell


def download_source_file(view, record_id: str, relation: str):
    """The download of a record's file (its `relation`), for whoever may read the record (the view's own query
    finds it); 404 for an unknown record, one without a file, or a file whose bytes are gone."""
    record = view.get_one(record_id)
    stored = getattr(record, relation) if record is not None else None
    response = source_file_response(db.engine, db.session, stored) if stored is not None else None
    if response is None:
        abort(404)
    return response


# ----- hotline -----------------------------------------------------------------------------------------------------


class QuickCallForm(FlaskForm):
    """来电登记: what a person fills while on the phone."""

    called_at = DateTimeLocalField("来电时间", format="%Y-%m-%dT%H:%M", validators=[InputRequired("请填写来电时间。")])
    caller = StringField(
        "来电人", validators=[DataRequired("请填写来电人。"), Length(max=50, message="来电人不能超过 50 个字。")]
    )
    phone = StringField(
        "来电号码",
        validators=[
            DataRequired("请填写来电号码。"),
            Regexp(PHONE_PATTERN, message="来电号码格式不正确，应为数字，可含区号和“-”。"),
        ],
    )
    category = SelectField("类别", validators=[InputRequired("请选择类别。")], validate_choice=False)
    said = TextAreaField(
        "来电内容",
        validators=[DataRequired("请填写来电内容。"), Length(max=5000, message="来电内容不能超过 5000 字。")],
        render_kw={"rows": 3},
    )
    unit = SelectField("承办单位", validators=[InputRequired("请选择承办单位。")], validate_choice=False)
    days = IntegerField(
        "办理时限（工作日）",
        default=5,
        validators=[InputRequired("请填写办理时限。"), NumberRange(1, 60, "办理时限应为 1 到 60 个工作日。")],
    )


class CallbackForm(FlaskForm):
    """回访."""

    on = DateField("回访日期", format="%Y-%m-%d", validators=[InputRequired("请填写回访日期（如 2026-12-01）。")])
    method = RadioField("回访方式", choices=CallbackMethod.choices(), default=CallbackMethod.PHONE.value)
    satisfaction = RadioField(
        "来电人满意度", choices=Satisfaction.choices(), validators=[InputRequired("请选择来电人满意度。")]
    )
    note = TextAreaField(
        "回访情况",
        validators=[DataRequired("请填写回访情况。"), Length(max=2000, message="回访情况不能超过 2000 字。")],
        description="告知来电人的办理结果和来电人的意见；登记后即为该来电的答复。",
    )


class UnitOfCallFilter(BaseSQLAFilter):
    """承办单位: calls whose item the unit handles."""

    def apply(self, query, value, alias=None):
        unit_id = bounded_id(value)
        return query.filter(
            HotlineCall.item_id.in_(select(Assignment.item_id).where(Assignment.unit_id == (unit_id or 0)))
        )

    def operation(self):
        return "为"


def _callback_of(call) -> bool:
    return call.callback_on is None and getattr(call.item.status, "value", "") not in ("registered", "cancelled")


class HotlineCallView(WorkflowPagesMixin, SecureModelView):
    """便民热线: the calls, their callers and call-backs."""

    endpoint_name = "hotline"
    details_template = "admin/hotline_details.html"
    column_list = ["called_at", "caller", "phone", "category", "item", "item.lead_unit", "satisfaction", "callback_on"]
    column_details_list = [
        "item",
        "called_at",
        "caller",
        "phone",
        "category",
        "said",
        "callback_on",
        "callback_method",
        "callback_note",
        "callback_by_name",
        "satisfaction",
    ]
    column_labels = {"item.lead_unit": "承办单位", "item": "督查事项"}
    column_default_sort = ("called_at", True)
    column_searchable_list = ["caller", "phone", "said"]
    search_hint = "来电人、号码或内容"
    column_formatters = {"item": _item_of}
    column_formatters_detail = {"item": _item_of}
    column_select_related_list = [HotlineCall.item, HotlineCall.category]
    column_filters = [
        FilterEqual(HotlineCall.category_id, "类别", options=QueryOptions(_category_options)),
        UnitOfCallFilter(HotlineCall.item_id, "承办单位", options=QueryOptions(_unit_options)),
        *enum_filters(HotlineCall.satisfaction, Satisfaction, "来电人满意度"),
        FilterEmpty(HotlineCall.callback_on, "回访日期"),
        DateBetweenFilter(HotlineCall.callback_on, "回访日期"),
    ]
    can_edit = False
    can_delete = False

    def scope_to_unit(self, query, unit_id):
        return query.filter(HotlineCall.item_id.in_(select(Assignment.item_id).where(Assignment.unit_id == unit_id)))

    def get_query(self):
        # the 承办单位 column: each call's item and its lead unit come with the page, not a query per row
        return super().get_query().options(joinedload(HotlineCall.item).joinedload(Item.lead_unit))

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        """来电登记 (quick entry): the item is registered and assigned in one step."""
        if not may(current_user, "hotline.create"):
            abort(403)
        categories = ensure_categories(db.session)
        form = QuickCallForm()
        form.category.choices = [(str(c.id), c.name) for c in categories]
        form.unit.choices = _units_choices()
        if request.method == "GET":
            form.called_at.data = utcnow().astimezone(CHINA).replace(second=0, microsecond=0, tzinfo=None)
        if form.validate_on_submit():
            now = utcnow()
            called = form.called_at.data.replace(tzinfo=CHINA)
            data = CallInput(
                called_at=min(called, now),
                caller=form.caller.data,
                phone=form.phone.data,
                category_id=bounded_id(form.category.data or ""),
                said=form.said.data,
                unit_id=bounded_id(form.unit.data or ""),
                days=form.days.data,
            )
            try:
                call = register_call(db.session, data, actor=self.actor(), now=now)
                message = (
                    f"来电已登记为{call.item.number}，督查通知单已进入发件箱，将发送给{call.item.lead_unit.name}。"
                )
                db.session.commit()
            except TransitionError as problem:
                db.session.rollback()
                flash(str(problem), "error")
            else:
                flash(message, "success")
                if request.form.get("another"):
                    return redirect(self.get_url(".create_view"))
                return redirect(self.get_url(".details_view", id=call.id))
        db.session.commit()  # the default categories, when this was the first call
        return self.render("admin/hotline_quick.html", form=form)

    def earlier(self, call):
        """The caller's earlier calls the user may read (a liaison: those of their own unit)."""
        unit_id = current_user.unit_id if current_user.role == Role.LIAISON else None
        return earlier_calls(db.session, call, unit_id=unit_id)

    step_pages = (
        StepPage(
            "callback",
            "hotline.callback",
            run=lambda s, call, form, **who: record_callback(
                s,
                call,
                on=form.on.data,
                method=form.method.data,
                satisfaction=form.satisfaction.data,
                note=form.note.data,
                **who,
            ),
            done="回访已登记。",
            title="登记回访",
            form=CallbackForm,
            submit="保存回访",
            prefill=lambda call: {"on": china_date(utcnow())},
            intro=lambda call: f"{call.caller}（{call.phone}）来电：{call.said}",
            doc="回访: the office calls the caller back and records their satisfaction.",
        ),
    )


class HotlineCategoryView(SecureModelView):
    """来电类别 (editable list)."""

    endpoint_name = "hotline_category"
    column_list = ["name", "sort_order", "active"]
    column_default_sort = "sort_order"
    form_columns = ["name", "sort_order", "active"]
    form_args = {
        "name": {
            "validators": [
                validators.InputRequired("请填写类别名称。"),
                validators.Length(max=30, message="类别名称不能超过 30 个字。"),
            ]
        }
    }


# ----- instructions from above --------------------------------------------------------------------------------------


class UpwardReportForm(FlaskForm):
    """上报: the result reported back upward."""

    on = DateField("上报日期", format="%Y-%m-%d", validators=[InputRequired("请填写上报日期（如 2026-12-01）。")])
    text = TextAreaField(
        "上报内容",
        validators=[DataRequired("请填写上报内容。"), Length(max=5000, message="上报内容不能超过 5000 字。")],
        render_kw={"rows": 6},
    )
    file = FileField("上报材料（可选）")

    def validate_file(self, field):
        """The file's type and size, as for feedback attachments."""
        self.upload = _upload_of(field)


def _report_due(view, context, model, name):
    today = china_date(utcnow())
    if model.is_late(today):
        return Markup('<span class="text-danger font-weight-bold">{} 逾期</span>').format(model.report_due)
    return str(model.report_due)


def _reported(view, context, model, name):
    if model.reported_on is None:
        return Markup('<span class="text-muted">未上报</span>')
    late = " （逾期上报）" if model.reported_late else ""
    return f"{model.reported_on}{late}"


class HigherInstructionView(WorkflowPagesMixin, SecureModelView):
    """上级批示件: issuing body, document, the upward deadline and the report."""

    endpoint_name = "higher_instruction"
    column_list = [
        "item",
        "issuing_body",
        "issuing_leader",
        "document_number",
        "received_on",
        "report_due",
        "reported_on",
    ]
    column_details_list = [
        "item",
        "issuing_body",
        "issuing_leader",
        "document_number",
        "received_on",
        "report_due",
        "reported_on",
        "report_text",
        "report_file",
        "reported_by_name",
        "reported_at",
    ]
    column_default_sort = ("report_due", False)
    column_formatters = {"item": _item_of, "report_due": _report_due, "reported_on": _reported}
    column_formatters_detail = {
        "item": _item_of,
        "report_due": _report_due,
        "reported_on": _reported,
        "report_file": _file_link(".report_file_view"),
    }
    column_select_related_list = [HigherInstruction.item]
    column_filters = [
        FilterEmpty(HigherInstruction.reported_on, "上报日期"),
        DateBetweenFilter(HigherInstruction.report_due, "上报时限"),
    ]
    form_columns = ["item", "issuing_body", "issuing_leader", "document_number", "received_on", "report_due"]
    form_ajax_refs = {"item": item_loader("item")}
    form_args = {
        "item": {"validators": [validators.InputRequired("请选择督查事项。")]},
        "issuing_body": {"validators": [validators.InputRequired("请填写来文单位。")]},
        "received_on": {"validators": [validators.InputRequired("请填写收文日期。")]},
        "report_due": {
            "description": "向上级报送办理结果的时限；到期前督查员会收到提醒，上报前事项不能办结。",
            "validators": [validators.InputRequired("请填写上报时限。")],
        },
    }

    def create_form(self, obj=None):
        form = super().create_form(obj)
        item = item_named_in_request()
        if item is not None:
            form.item.data = item
        return form

    def on_model_change(self, form, model, is_created):
        check_record(model)

    @expose("/report-file/<record_id>")
    def report_file_view(self, record_id):
        """Download the file of the upward report (上报材料), named by its record."""
        return download_source_file(self, record_id, "report_file")

    step_pages = (
        StepPage(
            "report",
            "higher_instruction.report",
            run=lambda s, record, form, **who: report_upward(
                s,
                record,
                on=form.on.data,
                text=form.text.data,
                upload=getattr(form, "upload", None),
                upload_dir=Path(current_app.config["UPLOAD_FOLDER"]),
                **who,
            ),
            done="上报已登记。",
            title="登记上报",
            form=UpwardReportForm,
            submit="保存上报",
            prefill=lambda record: {"on": china_date(utcnow())},
            intro=lambda record: (
                f"上报时限：{record.report_due}（{record.issuing_body}{record.document_number or ''}）"
            ),
            doc="上报: the result reported back upward (the item may then close).",
        ),
    )


class ReceptionVisitView(SecureModelView):
    """领导接访: who came to which leader's reception day, and what they asked (the item hands it to units)."""

    endpoint_name = "reception_visit"
    column_list = ["received_on", "leader", "visitors", "visitor_count", "request", "item"]
    column_default_sort = ("received_on", True)
    column_sortable_list = ["received_on"]
    column_searchable_list = ["visitors", "request"]
    search_hint = "来访人、来访诉求"
    column_formatters = {"item": _item_of}
    column_formatters_detail = {"item": _item_of}
    column_select_related_list = [ReceptionVisit.item, ReceptionVisit.leader]
    column_filters = [DateBetweenFilter(ReceptionVisit.received_on, "接访日期")]
    form_columns = ["item", "received_on", "leader", "visitors", "visitor_count", "request"]
    form_ajax_refs = {"item": item_loader("item"), "leader": leader_loader("leader")}
    form_args = {
        "item": {"validators": [InputRequired("请选择督查事项。")]},
        "received_on": {"validators": [InputRequired("请填写接访日期。")]},
        "leader": {"validators": [InputRequired("请选择接访领导。")]},
        "visitors": {
            "validators": [DataRequired("请填写来访人。"), Length(max=200, message="来访人不能超过 200 字。")]
        },
        "visitor_count": {"validators": [Optional(), NumberRange(min=1, max=999, message="来访人数应为 1—999。")]},
        "request": {
            "validators": [DataRequired("请填写来访诉求。"), Length(max=5000, message="来访诉求不能超过 5000 字。")]
        },
    }
    form_widget_args = {"request": {"rows": 5}}

    def create_form(self, obj=None):
        form = super().create_form(obj)
        item = item_named_in_request()
        if item is not None:
            form.item.data = item
            form.leader.data = form.leader.data or item.ordering_leader
            form.request.data = form.request.data or item.content
        return form

    def on_model_change(self, form, model, is_created):
        if model.item is not None and model.item.source != ItemSource.RECEPTION_VISIT:
            raise ValueError("只有“党政领导大接访”事项才登记来访信息。")


# ----- proposals ----------------------------------------------------------------------------------------------------


class ProposalAnswerForm(FlaskForm):
    """答复 of a proposal."""

    answer = TextAreaField(
        "答复内容",
        validators=[DataRequired("请填写答复内容。"), Length(max=5000, message="答复内容不能超过 5000 字。")],
        render_kw={"rows": 6},
    )
    file = FileField("答复文件（可选）")

    def validate_file(self, field):
        """The file's type and size, as for feedback attachments."""
        self.upload = _upload_of(field)


class JudgementForm(FlaskForm):
    """The representative's judgement, entered by a supervisor."""

    satisfaction = RadioField("提案人评价", choices=Satisfaction.choices(), validators=[InputRequired("请选择评价。")])
    comment = TextAreaField("提案人意见", validators=[Length(max=2000, message="意见不能超过 2000 字。")])
    second_deadline = DateField(
        "二次办理时限（不满意时）",
        format="%Y-%m-%d",
        validators=[Optional()],
        description="提案人不满意的，各承办单位二次办理；留空为 10 个工作日。",
    )


def _answer(session, proposal, form, *, actor, now):
    upload = getattr(form, "upload", None)
    stored = None
    if upload is not None:
        stored = store_source_file(session, upload, Path(current_app.config["UPLOAD_FOLDER"]))
    return answer_proposal(session, proposal, form.answer.data, file=stored, actor=actor, now=now)


def _judgement_cell(view, context, model, name):
    last = model.judgement_of(model.round)
    text = last.satisfaction.label if last else "未评价"
    return f"{text}（二次办理）" if model.round > 1 else text


class ProposalView(WorkflowPagesMixin, SecureModelView):
    """职工代表建议和提案: number, representatives, the answer and their judgement."""

    endpoint_name = "proposal"
    details_template = "admin/proposal_details.html"
    column_list = ["number", "item", "representatives", "delegation", "category", "judgement"]
    column_details_list = [
        "number",
        "item",
        "representatives",
        "delegation",
        "seconders",
        "category",
        "email",
        "round",
        "second_deadline",
        "answer_file",
        "link_sent_at",
    ]
    column_labels = {"judgement": "评价"}
    column_default_sort = ("id", True)
    column_searchable_list = ["number", "representatives", "delegation"]
    column_formatters = {"item": _item_of, "judgement": _judgement_cell}
    column_formatters_detail = {"item": _item_of, "answer_file": _file_link(".answer_file_view")}
    column_select_related_list = [Proposal.item]
    list_loader_options = (selectinload(Proposal.judgements),)  # 评价 of every row in one more statement
    column_filters = [FilterEqual(Proposal.round, "办理轮次", options=[("1", "第一轮"), ("2", "二次办理")])]

    def export_sql_columns(self) -> dict:
        """评价 in the export's one query, as `_judgement_cell` words it."""
        last = (
            select(type_coerce(ProposalJudgement.satisfaction, String))
            .where(ProposalJudgement.proposal_id == Proposal.id, ProposalJudgement.round == Proposal.round)
            .order_by(ProposalJudgement.id)
            .limit(1)
            .scalar_subquery()
        )
        text = case(*((last == choice.value, choice.label) for choice in Satisfaction), else_="未评价")
        return {"judgement": case((Proposal.round > 1, text + "（二次办理）"), else_=text)}

    form_columns = ["item", "number", "representatives", "delegation", "seconders", "category", "email"]
    form_ajax_refs = {"item": item_loader("item")}
    form_args = {
        "item": {"validators": [validators.InputRequired("请选择督查事项。")]},
        "number": {"validators": [validators.InputRequired("请填写提案号。")]},
        "representatives": {
            "description": "多名提案人用“、”分隔。",
            "validators": [validators.InputRequired("请填写提案人。")],
        },
        "email": {
            "description": "填写后，答复时自动向提案人发送评价链接；不填则由督查员代为登记评价。",
            "validators": [validators.Optional(), validators.Email("电子邮箱格式不正确。")],
        },
    }

    def create_form(self, obj=None):
        form = super().create_form(obj)
        item = item_named_in_request()
        if item is not None:
            form.item.data = item
        return form

    def on_model_change(self, form, model, is_created):
        check_proposal(model)

    @expose("/answer-file/<record_id>")
    def answer_file_view(self, record_id):
        """Download the file of the proposal's answer (答复文件), named by its record."""
        return download_source_file(self, record_id, "answer_file")

    PROPOSAL_BUTTONS = (
        ("proposal.answer", "登记答复", ".answer_view"),
        ("proposal.send_link", "发送评价链接", ".send_link_view"),
        ("proposal.judge", "登记评价", ".judge_view"),
    )

    def proposal_steps(self, proposal):
        """The buttons the proposal's state and the user's role allow: (label, url)."""
        return [
            (label, self.get_url(page, id=proposal.id))
            for step, label, page in self.PROPOSAL_BUTTONS
            if may(current_user, step, proposal)
        ]

    step_pages = (
        StepPage(
            "answer",
            "proposal.answer",
            run=_answer,
            done="答复已登记；提案人有邮箱的，评价链接已进入发件箱。",
            title="登记答复",
            form=ProposalAnswerForm,
            submit="保存答复",
            doc="答复 a proposal (with its file); the representative gets the link to judge it.",
        ),
        StepPage(
            "send_link",
            "proposal.send_link",
            run=lambda s, proposal, form, **who: send_judgement_link(s, proposal, now=who["now"]),
            done="评价链接已进入发件箱。",
            title="发送评价链接",
            intro=lambda proposal: (
                f"将向 {proposal.email or '（无邮箱）'} 发送评价链接（{30} 天内有效，只能使用一次）。"
            ),
            doc="Send (again) the representative's link.",
        ),
        StepPage(
            "judge",
            "proposal.judge",
            run=lambda s, proposal, form, **who: judge(
                s,
                proposal,
                form.satisfaction.data,
                form.comment.data or "",
                via=JudgedVia.OFFICE,
                by_name=str(who["actor"]),
                second_deadline=form.second_deadline.data,
                **who,
            ),
            done="评价已登记。",
            title="登记提案人评价",
            form=JudgementForm,
            submit="保存评价",
            intro=lambda proposal: f"答复：{proposal.item.answer or '（尚未答复）'}",
            doc="The representative's judgement entered by a supervisor (不满意 reopens for a second handling).",
        ),
    )


def source_record(item) -> tuple[str, str] | None:
    """The item's source record page (or where to create it): (label, url), for the item's page."""
    from flask import url_for

    back = url_for("item.details_view", id=item.id)
    if item.source == ItemSource.HOTLINE:
        call = db.session.scalar(select(HotlineCall).where(HotlineCall.item_id == item.id))
        if call is not None and may(current_user, "hotline.read"):
            return "来电与回访", url_for("hotline.details_view", id=call.id)
    elif item.source == ItemSource.HIGHER_INSTRUCTION and may(current_user, "higher_instruction.read"):
        record = db.session.scalar(select(HigherInstruction).where(HigherInstruction.item_id == item.id))
        if record is not None:
            return "来文与上报", url_for("higher_instruction.details_view", id=record.id)
        if may(current_user, "higher_instruction.create"):
            return "登记来文与上报时限", url_for("higher_instruction.create_view", item_id=item.id, url=back)
    elif item.source == ItemSource.RECEPTION_VISIT and may(current_user, "reception_visit.read"):
        visit = db.session.scalar(select(ReceptionVisit).where(ReceptionVisit.item_id == item.id))
        if visit is not None:
            return "来访登记", url_for("reception_visit.details_view", id=visit.id)
        if may(current_user, "reception_visit.create"):
            return "登记来访人和诉求", url_for("reception_visit.create_view", item_id=item.id, url=back)
    elif item.source == ItemSource.STAFF_PROPOSAL and may(current_user, "proposal.read"):
        proposal = db.session.scalar(select(Proposal).where(Proposal.item_id == item.id))
        if proposal is not None:
            return "提案与评价", url_for("proposal.details_view", id=proposal.id)
        if may(current_user, "proposal.create"):
            return "登记提案信息", url_for("proposal.create_view", item_id=item.id, url=back)
    return None
