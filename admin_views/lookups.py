"""Type-ahead lookups for forms, so no form ever renders a select of every row of a large table."""

from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.model.fields import AjaxSelectMultipleField

from extensions import db
from models.assignment import Assignment
from models.item import Item
from models.leader import BureauLeader
from models.unit import Unit


class ActiveFirstLoader(QueryAjaxModelLoader):
    """Suggests only active rows, in a stable order."""

    def get_query(self):
        query = super().get_query()
        return query.filter(self.model.active.is_(True)) if hasattr(self.model, "active") else query


def unit_loader(name: str) -> QueryAjaxModelLoader:
    """Type-ahead over active units by name or code."""
    return ActiveFirstLoader(
        name,
        db.session,
        Unit,
        fields=["name", "code"],
        order_by=Unit.code,
        placeholder="输入单位名称或编码",
        page_size=20,
    )


def leader_loader(name: str) -> QueryAjaxModelLoader:
    """Type-ahead over serving bureau leaders by name or title."""
    return ActiveFirstLoader(
        name,
        db.session,
        BureauLeader,
        fields=["name", "title"],
        order_by=BureauLeader.sort_order,
        placeholder="输入领导姓名",
        page_size=20,
    )


def item_loader(name: str) -> QueryAjaxModelLoader:
    """Type-ahead over items by number or title, newest first."""
    return QueryAjaxModelLoader(
        name, db.session, Item, fields=["number", "title"], order_by=Item.id.desc(), placeholder="输入事项编号或名称"
    )


class AssignmentLoader(QueryAjaxModelLoader):
    """Type-ahead over assignments by item number or title; a liaison only gets their own unit's."""

    def get_query(self):
        from flask_login import current_user

        from models.user import Role

        query = super().get_query().join(Assignment.item)
        if current_user.is_authenticated and current_user.role == Role.LIAISON:
            query = query.filter(Assignment.unit_id == current_user.unit_id)
        return query

    def get_one(self, pk):
        found = self.get_query().filter(Assignment.id == pk).one_or_none()
        return found

    def format(self, model):
        if not model:
            return None
        return model.id, f"{model.item.number} {model.item.title} · {model.unit.name}"


def assignment_loader(name: str) -> QueryAjaxModelLoader:
    """Type-ahead over the assignments the current user may report on."""
    return AssignmentLoader(
        name,
        db.session,
        Assignment,
        fields=[Item.number, Item.title],
        order_by=Assignment.id.desc(),
        placeholder="输入事项编号或名称",
    )


class DetachedAjaxMultipleField(AjaxSelectMultipleField):
    """A multi-select type-ahead whose value the view applies itself (it is not a model attribute)."""

    def populate_obj(self, obj, name):
        pass
