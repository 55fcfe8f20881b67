"""Leaders' instructions (领导批示) on items."""

from flask import request
from flask_login import current_user
from wtforms import validators

from admin_views.base import SecureModelView, item_named_in_request
from admin_views.formatters import item_link
from admin_views.lookups import item_loader, leader_loader
from models.instruction import Instruction


class InstructionView(SecureModelView):
    """领导批示."""

    endpoint_name = "instruction"
    column_list = ["item", "leader", "text", "author", "created_at"]
    column_default_sort = ("id", True)
    column_searchable_list = ["text"]
    column_labels = {"created_at": "批示时间"}
    column_formatters = {"item": item_link}
    column_select_related_list = [Instruction.item, Instruction.leader, Instruction.author]
    form_columns = ["item", "leader", "text"]
    form_ajax_refs = {"item": item_loader("item"), "leader": leader_loader("leader")}
    form_args = {
        "item": {"validators": [validators.InputRequired("请选择督查事项。")]},
        "text": {
            "validators": [
                validators.InputRequired("请填写批示内容。"),
                validators.Length(max=2000, message="批示内容不能超过 2000 字。"),
            ]
        },
    }
    form_widget_args = {"text": {"rows": 5}}

    def create_form(self, obj=None):
        form = super().create_form(obj)
        item = item_named_in_request()
        if item is not None:
            form.item.data = item
        if request.method == "GET" and current_user.leader is not None:
            form.leader.data = current_user.leader
        return form

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.author_id = current_user.id
            if model.leader is None and current_user.leader is not None:
                model.leader = current_user.leader

    def get_save_return_url(self, model, is_created=False):
        return self.get_url("item.details_view", id=model.item_id)
