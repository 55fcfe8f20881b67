"""Extension requests (延期申请): the supervisor approves or refuses each; the deadline history is kept."""

from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload

from admin_views.base import SecureModelView, enum_filters, row_url
from admin_views.permissions import may
from admin_views.workflow_pages import DecisionForm, StepPage, WorkflowPagesMixin
from models.assignment import Assignment
from models.extension import ExtensionRequest, ExtensionStatus
from workflows.feedback import decide_extension
from workflows.visibility import of_unit


def _assignment(view, context, model, name):
    assignment = model.assignment
    url = row_url("assignment.details_view", assignment.id)
    return Markup('<a href="{}">{} · {}</a>').format(url, assignment.item.number, assignment.unit.name)


def _status(view, context, model, name):
    """The request's status, with the 审批 button while it waits and the user may decide."""
    url = view.decide_url(model)
    label = escape(model.status.label)
    return Markup('{} <a class="btn btn-sm btn-primary ml-1" href="{}">审批</a>').format(label, url) if url else label


class ExtensionView(WorkflowPagesMixin, SecureModelView):
    """延期申请."""

    endpoint_name = "extension"
    details_template = "admin/extension_details.html"
    column_auto_select_related = False
    column_list = [
        "assignment",
        "current_deadline",
        "requested_deadline",
        "reason",
        "requested_by_name",
        "requested_at",
        "status",
    ]
    column_details_list = [*column_list, "decided_by_name", "decided_at", "decision_comment"]
    column_default_sort = ("id", True)
    column_sortable_list = ["requested_at", "status", "requested_deadline"]
    column_formatters = {"assignment": _assignment, "status": _status}
    column_formatters_export = {
        "assignment": lambda v, c, m, n: f"{m.assignment.item.number} · {m.assignment.unit.name}"
    }
    column_filters = [*enum_filters(ExtensionRequest.status, ExtensionStatus)]

    def get_query(self):
        return (
            super()
            .get_query()
            .options(
                joinedload(ExtensionRequest.assignment).joinedload(Assignment.item),
                joinedload(ExtensionRequest.assignment).joinedload(Assignment.unit),
            )
        )

    def scope_to_unit(self, query, unit_id):
        return query.filter(of_unit(ExtensionRequest, unit_id))

    def decide_url(self, request) -> str | None:
        """The decision page, when this user may decide and the request is open."""
        if may(current_user, "extension.decide", request):
            return self.get_url(".decide_view", id=request.id)
        return None

    step_pages = (
        StepPage(
            "decide",
            "extension.decide",
            run=lambda s, request, form, **who: decide_extension(
                s, request, form.decision.data == "approve", form.comment.data, **who
            ),
            done=lambda form: "已批准延期，完成时限已调整。"
            if form.decision.data == "approve"
            else "已答复：不批准延期。",
            title="审批延期申请",
            form=DecisionForm,
            submit="提交审批结果",
            shown=lambda request: request.assignment,
            intro=lambda request: f"当前时限：{request.current_deadline}\n申请延至：{request.requested_deadline}"
            f"\n理由：{request.reason}\n申请人：{request.requested_by_name}",
            back=lambda view, request: view.get_url("assignment.details_view", id=request.assignment_id),
            doc="Approve (the deadline moves) or refuse, with a comment; the unit is told by e-mail.",
        ),
    )
