"""The audit trail screen (操作留痕): read-only."""

from flask_admin.contrib.sqla.filters import FilterEqual, IntEqualFilter

from admin_views.base import ChinaDateBetweenFilter, SecureModelView
from models.audit import ENTITY_LABELS, AuditEvent


class ItemTrailFilter(IntEqualFilter):
    """所属事项: the steps on one item and on its records (the item page links here)."""


class AuditView(SecureModelView):
    """操作留痕."""

    endpoint_name = "audit"
    count_cap = 2000
    can_view_details = True
    column_list = ["at", "actor_name", "action", "entity", "entity_id", "summary"]
    column_default_sort = ("id", True)
    column_sortable_list = ["at"]
    column_searchable_list = ["actor_name", "summary"]
    column_filters = [
        FilterEqual(AuditEvent.entity, "对象类型", options=list(ENTITY_LABELS.items())),
        "action",
        "actor_name",
        ChinaDateBetweenFilter(AuditEvent.at, "时间"),
        ItemTrailFilter(AuditEvent.item_id, "所属事项"),
    ]
    column_formatters = {"entity": lambda v, c, m, n: ENTITY_LABELS.get(m.entity, m.entity)}
    column_formatters_export = column_formatters
    column_auto_select_related = False

    def item_trail_url(self, item_id: int) -> str:
        """The list filtered to one item's trail."""
        index = next(i for i, f in enumerate(self._filters) if isinstance(f, ItemTrailFilter))
        return self.get_url(
            f"{self.endpoint}.index_view", **{f"flt0_{self.get_filter_arg(index, self._filters[index])}": item_id}
        )
