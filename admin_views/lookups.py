"""Type-ahead lookups for forms, so no form ever renders a select of every row of a large table."""

from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.model.fields import AjaxSelectMultipleField
from flask_login import current_user

from extensions import db
from models.assignment import Assignment
from models.item import Item
from models.leader import BureauLeader
from models.unit import Unit
from models.user import Role


class OrderedLoader(QueryAjaxModelLoader):
    """Suggests rows in a stable order, only active ones when the model has an `active` flag."""

    def __init__(self, name, model, *, ordering, **options):
        super().__init__(name, db, model, placeholder=options.pop("placeholder", "输入关键字查找"), **options)
        self.ordering = ordering

    def get_query(self):
        query = super().get_query().order_by(*self.ordering)
        return query.filter(self.model.active.is_(True)) if hasattr(self.model, "active") else query


def unit_loader(name: str) -> QueryAjaxModelLoader:
    """Type-ahead over active units by name or code."""
    return OrderedLoader(name, Unit, fields=["name", "code"], ordering=[Unit.code], placeholder="输入单位名称或编码")


def leader_loader(name: str) -> QueryAjaxModelLoader:
    """Type-ahead over serving bureau leaders by name or title."""
    return OrderedLoader(
        name,
        BureauLeader,
        fields=["name", "title"],
        ordering=[BureauLeader.sort_order, BureauLeader.id],
        placeholder="输入领导姓名",
    )


def item_loader(name: str) -> QueryAjaxModelLoader:
    """Type-ahead over items by number or title, newest first."""
    return OrderedLoader(
        name, Item, fields=["number", "title"], ordering=[Item.id.desc()], placeholder="输入事项编号或名称"
    )


class AssignmentLoader(OrderedLoader):
    """Type-ahead over assignments by item number or title; a liaison only gets their own unit's."""

    def get_query(self):
        query = super().get_query().join(Assignment.item)
        if current_user.is_authenticated and current_user.role == Role.LIAISON:
            query = query.filter(Assignment.unit_id == current_user.unit_id)
        return query

    def get_one(self, pk):
        try:
            key = int(pk)
        except (TypeError, ValueError):
            return None
        return self.get_query().filter(Assignment.id == key).one_or_none()

    def format(self, model):
        if not model:
            return None
        return model.id, f"{model.item.number} {model.item.title} · {model.unit.name}"


def assignment_loader(name: str) -> QueryAjaxModelLoader:
    """Type-ahead over the assignments the current user may report on."""
    return AssignmentLoader(
        name,
        Assignment,
        fields=[Item.number, Item.title],
        ordering=[Assignment.id.desc()],
        placeholder="输入事项编号或名称",
    )


class DetachedAjaxMultipleField(AjaxSelectMultipleField):
    """A multi-select type-ahead whose value the view applies itself (it is not a model attribute)."""

    def populate_obj(self, obj, name):
        pass
