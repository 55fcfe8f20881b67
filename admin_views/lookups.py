"""Type-ahead lookups for forms, so no form ever renders a select of every row of a large table."""

from flask_admin.contrib.sqla.ajax import DEFAULT_PAGE_SIZE, QueryAjaxModelLoader
from flask_admin.model.fields import AjaxSelectMultipleField
from flask_login import current_user
from sqlalchemy import exists, false, select
from sqlalchemy import inspect as sa_inspect

from admin_views.base import MAX_ID, bounded_id
from extensions import db
from models.assignment import Assignment
from models.item import Item
from models.leader import BureauLeader
from models.unit import Unit
from models.user import Role

MAX_SUGGESTIONS = 50


def _liaison_unit() -> int | None:
    """The unit of the signed-in liaison, or None for any other role."""
    user = current_user
    if user and user.is_authenticated and user.role == Role.LIAISON:
        return user.unit_id
    return None


class OrderedLoader(QueryAjaxModelLoader):
    """Suggests rows in a stable order, only active ones when the model has an `active` flag.

    A liaison gets only what `scope(query, unit_id)` leaves of their own unit (nothing when there is no scope), as in
    the lists; ids and paging from the request are bounded, so a forged one is "not found" rather than a 500.
    """

    def __init__(self, name, model, *, ordering, scope=None, **options):
        super().__init__(name, db, model, placeholder=options.pop("placeholder", "输入关键字查找"), **options)
        self.ordering = ordering
        self.scope = scope

    def scoped(self, query):
        """Limit a query to the liaison's own unit (no-op for other roles)."""
        unit_id = _liaison_unit()
        if unit_id is None:
            return query
        return self.scope(query, unit_id) if self.scope else query.filter(false())

    def get_query(self):
        query = self.scoped(super().get_query()).order_by(*self.ordering)
        return query.filter(self.model.active.is_(True)) if hasattr(self.model, "active") else query

    def get_one(self, pk):
        key = bounded_id(pk)
        if key is None:
            return None
        primary_key = sa_inspect(self.model).primary_key[0]
        with db.session.no_autoflush:  # as Flask-Admin's: no flush while a form populates its object
            return self.scoped(db.session.query(self.model)).filter(primary_key == key).one_or_none()

    def get_list(self, term, offset=0, limit=DEFAULT_PAGE_SIZE):
        offset = offset if isinstance(offset, int) and 0 <= offset <= MAX_ID else 0
        limit = limit if isinstance(limit, int) and 1 <= limit <= MAX_SUGGESTIONS else DEFAULT_PAGE_SIZE
        return super().get_list(term or "", offset, limit)


def _own_unit(query, unit_id):
    return query.filter(Unit.id == unit_id)


def _own_unit_leader(query, unit_id):
    return query.filter(BureauLeader.id.in_(select(Unit.leader_in_charge_id).where(Unit.id == unit_id)))


def _own_unit_items(query, unit_id):
    return query.filter(exists().where(Assignment.item_id == Item.id, Assignment.unit_id == unit_id))


def _own_unit_assignments(query, unit_id):
    return query.filter(Assignment.unit_id == unit_id)


def unit_loader(name: str) -> QueryAjaxModelLoader:
    """Type-ahead over active units by name or code (a liaison: their own unit)."""
    return OrderedLoader(
        name, Unit, fields=["name", "code"], ordering=[Unit.code], scope=_own_unit, placeholder="输入单位名称或编码"
    )


def leader_loader(name: str) -> QueryAjaxModelLoader:
    """Type-ahead over serving bureau leaders by name or title (a liaison: their unit's leader in charge)."""
    return OrderedLoader(
        name,
        BureauLeader,
        fields=["name", "title"],
        ordering=[BureauLeader.sort_order, BureauLeader.id],
        scope=_own_unit_leader,
        placeholder="输入领导姓名",
    )


def item_loader(name: str) -> QueryAjaxModelLoader:
    """Type-ahead over items by number or title, newest first (a liaison: their unit's items)."""
    return OrderedLoader(
        name,
        Item,
        fields=["number", "title"],
        ordering=[Item.id.desc()],
        scope=_own_unit_items,
        placeholder="输入事项编号或名称",
    )


class AssignmentLoader(OrderedLoader):
    """Type-ahead over assignments by item number or title; a liaison only gets their own unit's."""

    def get_query(self):
        return super().get_query().join(Assignment.item)

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
        scope=_own_unit_assignments,
        placeholder="输入事项编号或名称",
    )


class DetachedAjaxMultipleField(AjaxSelectMultipleField):
    """A multi-select type-ahead whose value the view applies itself (it is not a model attribute)."""

    def populate_obj(self, obj, name):
        pass
