"""Circulars (通报): the monthly one (月通报), a check day's 通报批评, and those a supervisor writes (写通报: 通报批评,
进展通报, 通报表扬); each a draft edited here, then numbered and sent to every unit (and the bureau leaders)."""

from flask import flash, request
from flask_admin import expose
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectField, StringField, TextAreaField, validators

from admin_views.base import SecureModelView, enum_filters
from admin_views.formatters import period_column, text_block
from admin_views.lookups import DetachedAjaxMultipleField, item_loader, unit_loader
from admin_views.notices import PrintedDocument, print_page
from admin_views.permissions import may
from admin_views.workflow_pages import ConfirmForm, StepPage, WorkflowPagesMixin
from clock import utcnow
from extensions import db
from models.periodic import Circular, CircularKind, CircularStatus
from workflows.circulars import circular_addressee, edit_circular, send_circular, write_circular
from workflows.lifecycle import TransitionError

WRITTEN_KINDS = (CircularKind.CRITICISM, CircularKind.PROGRESS, CircularKind.PRAISE)  # 月通报 is the sweep's


def _entries(view, context, model, name):
    """The units a circular names, each with its item and ground."""
    rows = [
        Markup("<li>{}{}{}</li>").format(
            entry.unit.name if entry.unit else "",
            f"：{entry.item.number} {entry.item.title}" if entry.item else "",
            f"（{entry.ground}）" if entry.ground else "",
        )
        for entry in model.entries
    ]
    return Markup("<ul class='mb-0'>{}</ul>").format(Markup("").join(rows)) if rows else "（无）"


def _sent(circular) -> str:
    """What the office is told once a circular went out."""
    to = "各单位" if circular.kind == CircularKind.MONTHLY else "各单位和局领导"
    number = circular.notice.number if circular.notice else ""
    return f"{circular.kind.label}已编号（{number}）并发送给{to}（进入发件箱，工作时间内发出）。"


def printed_circular(circular: Circular) -> PrintedDocument:
    """A circular on A4: as sent (its notice), or its draft marked 草稿."""
    if circular.notice is not None:
        return PrintedDocument.of_notice(circular.notice)
    return PrintedDocument(
        kind_label=circular.kind.label,
        number=None,
        title=circular.title,
        addressee=circular_addressee(circular),
        body=circular.body,
        date=None,
        draft=True,
    )


class CircularView(WorkflowPagesMixin, SecureModelView):
    """通报: drafts (the sweep's 月通报, a check day's 通报批评, those written here) edited, sent, printed."""

    endpoint_name = "circular"
    details_template = "admin/circular_details.html"
    create_template = "admin/circular_write.html"
    column_list = ["kind", "title", "period", "check_day", "status", "sent_at", "updated_at"]
    column_details_list = [
        "kind",
        "title",
        "period",
        "check_day",
        "status",
        "entries",
        "body",
        "notice",
        "sent_at",
        "edited_at",
        "created_at",
    ]
    column_export_list = ["kind", "title", "period", "check_day", "status", "sent_at"]
    column_labels = {"entries": "通报单位", "notice": "文号"}
    column_default_sort = ("id", True)
    column_sortable_list = ["period", "check_day", "sent_at", "updated_at"]
    column_formatters = {
        "period": period_column,
        "body": text_block,
        "entries": _entries,
        "notice": lambda v, c, m, n: m.notice.number if m.notice else "",
    }
    column_formatters_export = {"period": period_column}
    form_columns = ["title", "body"]
    form_args = {
        "title": {
            "validators": [
                validators.InputRequired("请填写标题。"),
                validators.Length(max=200, message="标题不能超过 200 字。"),
            ]
        },
        "body": {"validators": [validators.InputRequired("正文不能为空。")]},
    }
    form_widget_args = {"body": {"rows": 24}}
    form_ajax_refs = {"units": unit_loader("units"), "items": item_loader("items")}
    column_filters = [*enum_filters(Circular.kind, CircularKind), *enum_filters(Circular.status, CircularStatus)]

    def get_create_form(self):
        """写通报: the kind, the title, the units and items named, and the ground (情形或事由)."""
        refs = self._form_ajax_refs

        class WriteForm(self.form_base_class):
            kind = SelectField(
                "类别",
                choices=[(kind.value, kind.label) for kind in WRITTEN_KINDS],
                validators=[validators.InputRequired("请选择通报类别。")],
            )
            title = StringField(
                "标题",
                validators=[
                    validators.InputRequired("请填写通报标题。"),
                    validators.Length(max=200, message="标题不能超过 200 字。"),
                ],
            )
            units = DetachedAjaxMultipleField(
                refs["units"], label="通报单位", description="输入单位名称查找，可选多个。"
            )
            items = DetachedAjaxMultipleField(
                refs["items"], label="督查事项", description="可选；选择后每个单位对应其承办的事项。"
            )
            ground = TextAreaField(
                "情形或事由",
                description="写入每个单位之后，如“工作扎实、成效明显”“未按时报送进展”。",
                validators=[validators.Length(max=300, message="情形或事由不能超过 300 字。")],
                render_kw={"rows": 3},
            )

        return WriteForm

    def create_model(self, form):
        """Draft the circular through the workflow (numbered only when sent)."""
        try:
            circular = write_circular(
                db.session,
                CircularKind(form.kind.data),
                title=form.title.data,
                units=list(form.units.data or []),
                items=list(form.items.data or []),
                ground=form.ground.data,
                actor=current_user._get_current_object(),
                now=utcnow(),
            )
            db.session.commit()
        except TransitionError as problem:
            db.session.rollback()
            flash(str(problem), "error")
            return False
        return circular

    def update_model(self, form, model):
        """Edit the draft through the workflow (audited; a sent circular is refused)."""
        try:
            edit_circular(
                db.session,
                model,
                title=form.title.data,
                body=form.body.data,
                actor=current_user._get_current_object(),
                now=utcnow(),
            )
            db.session.commit()
        except TransitionError as problem:
            db.session.rollback()
            flash(str(problem), "error")
            return False
        return True

    def get_save_return_url(self, model, is_created=False):
        return self.get_url(".details_view", id=model.id)

    def circular_extras(self, circular):
        """May this user edit or send it now? To whom it goes."""
        return {
            "can_send": may(current_user, "circular.send", circular),
            "can_edit": may(current_user, "circular.edit", circular),
            "to": "各单位" if circular.kind == CircularKind.MONTHLY else "各单位和局领导",
            "confirm": ConfirmForm(),
        }

    @expose("/print/")
    def print_view(self):
        """The circular on A4 in the official layout; a draft prints marked 草稿."""
        circular = self.get_one(request.args.get("id", ""))
        if circular is None:
            return self.render("admin/notice_missing.html"), 404
        return print_page(printed_circular(circular))

    step_pages = (
        StepPage(
            "send",
            "circular.send",
            run=lambda s, circular, form, **who: send_circular(s, circular, **who),
            said=_sent,
            button=True,
            doc="Send the edited circular to every unit (and but for 月通报 the leaders), numbered in its series.",
        ),
    )
