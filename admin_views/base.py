"""The base of every admin screen: role checks, a liaison's unit scope, Chinese labels, formats and errors."""

import re
from datetime import date, datetime, time, timedelta
from operator import attrgetter
from urllib.parse import quote, urlencode

from flask import abort, current_app, flash, g, has_request_context, redirect, request, url_for
from flask_admin import babel as admin_babel
from flask_admin import expose
from flask_admin.babel import gettext as admin_gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import (
    BaseSQLAFilter,
    DateBetweenFilter,
    FilterEmpty,
    FilterEqual,
    FilterGreater,
    FilterInList,
    FilterNotEqual,
    FilterSmaller,
)
from flask_admin.contrib.sqla.validators import Unique
from flask_admin.helpers import get_redirect_target
from flask_admin.model import template as row_templates
from flask_admin.model.typefmt import BASE_FORMATTERS, DETAIL_FORMATTERS, EXPORT_FORMATTERS
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape
from sqlalchemy import Integer, false, func, literal, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Query, joinedload

from admin_views import exporting
from admin_views.permissions import CREATE, DELETE, EDIT, EXPORT, READ, depends_on_record, may
from clock import CHINA
from extensions import db
from models.base import LabeledEnum
from models.item import Item
from models.user import Role

# The largest key an INTEGER column holds on PostgreSQL (and the bound for every id typed into a URL).
MAX_ID = 2**31 - 1
# The last page a list may be asked for: the offset (page x largest page size) stays far inside 64 bits.
MAX_PAGE = 10**7
_DIGITS = re.compile(r"[0-9]{1,10}")
_SIGNED = re.compile(r"-?[0-9]{1,10}")


def bounded_id(value) -> int | None:
    """A row id given in a request (1 to MAX_ID, ASCII digits only), or None when it cannot name a row."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1 <= value <= MAX_ID else None
    if not isinstance(value, str) or not _DIGITS.fullmatch(value.strip()):
        return None
    number = int(value.strip())
    return number if 1 <= number <= MAX_ID else None


def item_named_in_request():
    """The item a create form was opened for (?item_id= on a GET, from the item's page), or None."""
    if request.method != "GET":
        return None
    item_id = bounded_id(request.args.get("item_id", ""))
    return db.session.get(Item, item_id) if item_id else None


def bounded_int(value) -> int | None:
    """A whole number given in a request that an INTEGER column can hold (negative allowed), or None."""
    if not isinstance(value, str) or not _SIGNED.fullmatch(value.strip()):
        return None
    number = int(value.strip())
    return number if -MAX_ID <= number <= MAX_ID else None


def safe_return_url(default: str, param: str = "url") -> str:
    """The return address of a request (?url=), only when it is a path on this site; otherwise `default`.

    Flask-Admin's check refuses `javascript:` and other hosts; on top of it only a relative path that starts with a
    single "/" (not "//" or "/\\", which browsers read as another host) and has no spaces or control characters passes.
    """
    target = get_redirect_target(param)
    if not target or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return default
    if "\\" in target or any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    return target


COMPARING_FILTERS = (FilterEqual, FilterNotEqual, FilterGreater, FilterSmaller)


def filter_value_ok(flt, value: str) -> bool:
    """May this value reach the database through this list filter? Option lists and integer columns are checked;
    a filter with its own `value_ok` checks its values itself."""
    if hasattr(flt, "value_ok"):
        return flt.value_ok(value)
    if isinstance(flt, FilterEmpty):
        return value in ("0", "1")
    options = getattr(flt, "options", None)
    if isinstance(flt, (FilterEqual, FilterNotEqual)) and isinstance(options, (list, tuple)):
        return value in {str(key) for key, _ in options}
    column = getattr(flt, "column", None)
    column_type = getattr(column, "type", None)
    if isinstance(flt, BaseSQLAFilter) and isinstance(column_type, Integer):
        if isinstance(flt, FilterInList):
            return all(bounded_int(part) is not None for part in value.split(","))
        return bounded_int(value) is not None
    return True


def typed_filter_value(flt, value):
    """The value a filter compares a column with: a number for an integer column.

    Flask-Admin hands the text of the URL to the query; PostgreSQL refuses `integer = character varying`.
    """
    column_type = getattr(getattr(flt, "column", None), "type", None)
    if isinstance(value, str) and isinstance(column_type, Integer) and isinstance(flt, COMPARING_FILTERS):
        number = bounded_int(value)
        return value if number is None else number
    return value


def _enum_label(view, value, name):
    return value.label


def _china_datetime(view, value, name):
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if value.tzinfo else value.strftime("%Y-%m-%d %H:%M")


def _iso_date(view, value, name):
    return value.isoformat()


def _yes_no(view, value, name):
    return "是" if value else "否"


def _yes_no_badge(view, value, name):
    css = "badge-success" if value else "badge-secondary"
    return Markup('<span class="badge {}">{}</span>').format(css, "是" if value else "否")


def _formatters(base: dict, boolean) -> dict:
    # Order matters: Flask-Admin takes the first isinstance() match, and a LabeledEnum is also a str/Enum.
    result = {LabeledEnum: _enum_label, datetime: _china_datetime, date: _iso_date, bool: boolean}
    result.update({k: v for k, v in base.items() if k not in result})
    return result


LIST_FORMATTERS = _formatters(BASE_FORMATTERS, _yes_no_badge)
DETAIL_TYPE_FORMATTERS = _formatters(DETAIL_FORMATTERS, _yes_no)
EXPORT_TYPE_FORMATTERS = _formatters(EXPORT_FORMATTERS, _yes_no)


class QueryOptions:
    """Filter options read from the database each time a list is shown, not once at start-up."""

    def __init__(self, fetch):
        self.fetch = fetch

    def __bool__(self) -> bool:
        return True

    def __iter__(self):
        return iter(self.fetch())


class ChinaDateBetweenFilter(DateBetweenFilter):
    """A date range (China time) on a UTC timestamp column."""

    def apply(self, query, value, alias=None):
        start, end = value
        low = datetime.combine(start, time.min, CHINA)
        high = datetime.combine(end + timedelta(days=1), time.min, CHINA)
        column = self.get_column(alias)
        return query.filter(column >= low, column < high)


def enum_filters(column, enum_class: type[LabeledEnum], name: str | None = None) -> list:
    """Equal / not-equal filters on an enum column, with Chinese options."""
    name = name or column.info["label"]
    return [
        FilterEqual(column, name, options=enum_class.choices()),
        FilterNotEqual(column, name, options=enum_class.choices()),
    ]


def model_labels(model) -> dict[str, str]:
    """Chinese labels of a model's columns and relationships, read from the columns' `info`."""
    mapper = sa_inspect(model)
    labels = {}
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if "label" in column.info:
            labels[attr.key] = column.info["label"]
    for rel in mapper.relationships:
        if "label" in rel.info:
            labels[rel.key] = rel.info["label"]
            continue
        local = list(rel.local_columns)
        if rel.direction.name == "MANYTOONE" and len(local) == 1 and "label" in local[0].info:
            labels[rel.key] = local[0].info["label"]
    return labels


def enum_choices(model) -> dict[str, list[tuple[str, str]]]:
    """Select choices (value, Chinese label) for every enum column of a model."""
    choices = {}
    for attr in sa_inspect(model).column_attrs:
        enum_class = getattr(attr.columns[0].type, "enum_class", None)
        if enum_class is not None and issubclass(enum_class, LabeledEnum):
            choices[attr.key] = enum_class.choices()
    return choices


class AtLeast(int):
    """A count that stopped at its cap: shown as "2000+", used as 2000 for the pager."""

    def __str__(self) -> str:
        return f"{int(self)}+"


class CappedCount:
    """A count query that stops counting at `cap` rows, so a list's cost does not grow with its table.

    Flask-Admin adds search, filters and joins to the count query by calling Query methods; every call is passed
    through and its result wrapped again, and `scalar()` counts at most cap + 1 matching rows.
    """

    def __init__(self, query, cap: int):
        self.query, self.cap = query, cap

    def __getattr__(self, name):
        attribute = getattr(self.query, name)
        if not callable(attribute):
            return attribute

        def passed_through(*args, **kwargs):
            result = attribute(*args, **kwargs)
            return CappedCount(result, self.cap) if isinstance(result, Query) else result

        return passed_through

    def scalar(self) -> int:
        rows = self.query.with_entities(literal(1)).limit(self.cap + 1).subquery()
        found = self.query.session.query(func.count()).select_from(rows).scalar()
        return AtLeast(self.cap) if found > self.cap else found


class RowAction(row_templates.TemplateLinkRowAction):
    """An edit or delete icon shown only on the rows the user may change (see SecureModelView.may_row)."""

    def __init__(self, template_name: str, title: str, operation: str):
        super().__init__(template_name, title)
        self.operation = operation

    def render(self, context, row_id, row):
        if not context.resolve("admin_view").may_row(self.operation, row):
            return ""
        return super().render(context, row_id, row)


def request_cache(name: str, make):
    """A value kept for the rest of this request (made by `make()` the first time it is asked for)."""
    if not has_request_context():
        return make()
    cache = request.environ.setdefault("duban.cache", {})
    if name not in cache:
        cache[name] = make()
    return cache[name]


URL_SAFE = "!$'()*,/:;?@"  # what werkzeug leaves unquoted in a query string (werkzeug.urls._urlencode)
ROW_ID = "__duban_row_id__"  # stands for a row's id in a URL built once per page (see row_url)


def row_url(endpoint: str, row_id, **kwargs) -> str:
    """url_for(endpoint, id=row_id, **kwargs), built once per request and endpoint and filled in for each row.

    A list page names twenty rows with the same few links; building each through the URL map is a tenth of the
    page's time. The link is exactly what url_for gives.
    """
    cache = request_cache("row_urls", dict)
    key = (endpoint, *sorted(kwargs.items()))
    pattern = cache.get(key)
    if pattern is None:
        pattern = cache[key] = url_for(endpoint, id=ROW_ID, **kwargs)
    return pattern.replace(ROW_ID, quote(str(row_id), safe=""))


EYE_ICON = "fa fa-eye glyphicon glyphicon-eye-open"
PENCIL_ICON = "fa fa-pencil glyphicon glyphicon-pencil"
DELETE_FORM_ID = "duban-delete-form"


class RowLinks:
    """The row-action column of a list page, rendered in Python with its URLs and words built once per page.

    View and edit are links; delete is a button of the page's one shared delete form (its CSRF token rendered
    once), shown only on the rows the user may delete. Actions of other kinds keep their own templates (`others`).
    """

    def __init__(self, view, actions, return_url: str):
        self.view = view
        self.user = current_user._get_current_object()
        self.answers = {}
        self.parts = []  # (operation checked per row or None, markup before the id, markup after it, id in a URL)
        self.others = []
        for action in actions:
            if type(action) is row_templates.ViewRowAction:
                self.parts.append((None, *self._link(".details_view", return_url, action.title, EYE_ICON), True))
            elif isinstance(action, RowAction) and action.operation == EDIT:
                self.parts.append((EDIT, *self._link(".edit_view", return_url, action.title, PENCIL_ICON), True))
            elif isinstance(action, RowAction) and action.operation == DELETE:
                head = Markup('<button type="submit" form="{}" name="id" value="').format(DELETE_FORM_ID)
                tail = Markup(
                    '" class="duban-row-delete" data-duban-confirm="{}" title="{}">'
                    '<span class="fa fa-trash glyphicon glyphicon-trash"></span></button>'
                ).format(admin_gettext("Are you sure you want to delete this record?"), admin_gettext("Delete Record"))
                self.parts.append((DELETE, str(head), str(tail), False))
            else:
                self.others.append(action)

    def _link(self, endpoint: str, return_url: str, title, icon: str) -> tuple[str, str]:
        url = url_for(f"{self.view.endpoint}{endpoint}", id=ROW_ID, url=return_url)
        before, _, after = url.partition(ROW_ID)
        head = Markup('<a class="icon" href="{}').format(before)
        tail = Markup('{}" title="{}"><span class="{}"></span></a>').format(after, title or "", icon)
        return str(head), str(tail)

    def render(self, row_id, row) -> Markup:
        """The view / edit / delete icons of one row (edit and delete only where the row's state allows them)."""
        as_text = str(row_id)
        in_url, in_value = str(escape(quote(as_text, safe=""))), str(escape(as_text))
        may_row = self._may_row
        return Markup(  # nosec B704 (heads and tails are Markup built once, the id is escaped)
            "\n".join(
                head + (in_url if url else in_value) + tail
                for operation, head, tail, url in self.parts
                if operation is None or may_row(operation, row)
            )
        )

    def _may_row(self, operation: str, row) -> bool:
        # The role's answer is the same on every row unless the step reads the row's state: ask once per page then.
        if type(self.view).may_row is not SecureModelView.may_row:
            return self.view.may_row(operation, row)
        step = f"{self.view.endpoint_name}.{operation}"
        if depends_on_record(step):
            return may(self.user, step, row)
        if operation not in self.answers:
            self.answers[operation] = may(self.user, step, row)
        return self.answers[operation]


class RoleGuardMixin:
    """The role guard of every admin page: the matrix decides (`<endpoint_name>.<operation>`).

    A visitor who is not signed in is sent to the sign-in page and back; anyone else is refused with 403.
    """

    endpoint_name: str = ""

    def _may(self, operation: str) -> bool:
        return may(current_user, f"{self.endpoint_name}.{operation}")

    def is_accessible(self) -> bool:
        return self._may(READ)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path))
        abort(403)


class SecureModelView(RoleGuardMixin, ModelView):
    """A Flask-Admin screen that checks the role for every operation and limits liaisons to their unit."""

    endpoint_name: str = ""
    page_size = 20
    can_set_page_size = True
    page_size_options = (20, 50, 100)
    can_view_details = True
    export_types = ["csv", "xlsx"]
    column_type_formatters = LIST_FORMATTERS
    column_type_formatters_detail = DETAIL_TYPE_FORMATTERS
    column_type_formatters_export = EXPORT_TYPE_FORMATTERS
    column_display_pk = False
    search_hint: str | None = None  # the search box's placeholder, when the derived one reads badly
    count_cap: int | None = None  # big tables: count at most this many rows ("2000+"), see CappedCount
    admin_only_columns: tuple[str, ...] = ()  # internal fields (link version, next check date …): admins only

    @property
    def _details_columns(self):
        columns = self.__dict__.get("_all_details_columns", [])
        user = current_user
        if not self.admin_only_columns or (user and user.is_authenticated and user.role == Role.ADMIN):
            return columns
        return [(name, label) for name, label in columns if name not in self.admin_only_columns]

    @_details_columns.setter
    def _details_columns(self, columns):
        self.__dict__["_all_details_columns"] = columns

    def __init__(self, model, session=None, name=None, category=None, **kwargs):
        labels = model_labels(model)
        labels.update(self.column_labels or {})
        self.column_labels = labels
        choices = enum_choices(model)
        choices.update(self.form_choices or {})
        self.form_choices = choices
        super().__init__(model, session or db, name=name, category=category, endpoint=self.endpoint_name, **kwargs)

    def scaffold_form(self):
        form_class = super().scaffold_form()
        # Flask-Admin's uniqueness check says only "已经存在"; name the field, in the office's words.
        for name, unbound in list(vars(form_class).items()):
            for validator in getattr(unbound, "kwargs", {}).get("validators", []) or []:
                if isinstance(validator, Unique):
                    validator.message = f"该{self.column_labels.get(name, name)}已存在，请换一个。"
        return form_class

    def search_placeholder(self):
        return self.search_hint or super().search_placeholder()

    def render(self, template, **kwargs):
        """Flask-Admin's render, its templates' `_gettext` reading the catalogue found once for the page."""
        translations = admin_babel.domain.get_translations()

        def gettext(string, **variables):
            text = translations.ugettext(string)
            return text % variables if variables else text

        self._template_args["_gettext"] = gettext
        return super().render(template, **kwargs)

    def get_url(self, endpoint, **kwargs):
        """url_for(endpoint, **kwargs); this list's own address with its arguments (sort, page, filters: a list page
        names it a dozen times) is its path, found once per request, and the query string url_for would add."""
        if endpoint != ".index_view" or request.blueprint != self.endpoint or any(k[:1] == "_" for k in kwargs):
            return super().get_url(endpoint, **kwargs)
        base = request_cache("list_path", lambda: url_for(endpoint))
        query = []
        for key, value in kwargs.items():
            for one in value if isinstance(value, (list, tuple, set)) else (value,):
                if one is not None:
                    query.append((key, one))
        return f"{base}?{urlencode(query, safe=URL_SAFE)}" if query else base

    # ----- roles -------------------------------------------------------------------------------------------
    def may_row(self, operation: str, row) -> bool:
        """May the user take `operation` (edit, delete) on this row, given its state (e.g. a reviewed report)?"""
        return may(current_user, f"{self.endpoint_name}.{operation}", row)

    def row_links(self, actions, return_url: str) -> RowLinks:
        """The list page's row-action column, prepared once per page (see RowLinks)."""
        return RowLinks(self, actions, return_url)

    @pass_context
    def row_cells(self, context, row, columns) -> Markup:
        """The cells of one list row, as the list template's `get_value` loop renders them, in one call."""
        return Markup("".join(self._cell_renderers(columns, context)[1](row)))  # nosec B704 (cells are escaped)

    def _cell_renderers(self, columns, context):
        """(names, a function giving one row's cells): each column's formatter looked up once per page."""
        formatters, type_formatters = self.column_formatters, self.column_type_formatters
        own = type(self)
        if self._column_choices_map or any(
            getattr(own, name) is not getattr(ModelView, name)
            for name in ("get_list_value", "_get_list_value", "_get_field_value")
        ):
            value_of = self.get_list_value  # the template's get_value, when a view changes how values are shown

            def cells(row):
                for name, _ in columns:
                    yield f'<td class="col-{escape(name)}">{escape(value_of(context, row, name))}</td>'

            return [name for name, _ in columns], cells
        by_type = {}

        def typed(value, name):
            kind = type(value)
            formatter = by_type.get(kind, by_type)
            if formatter is by_type:
                formatter = by_type[kind] = next(
                    (fmt for typeobj, fmt in type_formatters.items() if isinstance(value, typeobj)), None
                )
            return value if formatter is None else formatter(self, value, name)

        plan = []
        for name, _ in columns:
            head = f'<td class="col-{escape(name)}">'
            formatter = formatters.get(name)
            if formatter is not None:
                plan.append((head, name, None, formatter))
            else:
                plan.append((head, name, name.split("."), None))

        def cells(row):
            for head, name, path, formatter in plan:
                if formatter is not None:
                    value = formatter(self, context, row, name)
                else:
                    value = row
                    try:
                        for part in path:
                            value = getattr(value, part)
                    except AttributeError:
                        value = None
                yield f"{head}{escape(typed(value, name))}</td>"

        return [name for name, _ in columns], cells

    @pass_context
    def list_rows(self, context, data, columns, row_links, with_checkbox: bool) -> Markup:
        """Every row of a list page (check box, row actions, cells), rendered in one call with what the template's
        row loop would give; the cells' formatters are looked up and the row-action links built once per page."""
        _, cells = self._cell_renderers(columns, context)
        actions_column = self.column_display_actions
        title = escape(admin_gettext("Select record")) if with_checkbox else ""
        rows = []
        for row in data:
            pk = self.get_pk_value(row)
            parts = ["<tr>"]
            if with_checkbox:
                parts.append(f'<td><input type="checkbox" name="rowid" class="action-checkbox" value="{escape(pk)}"')
                parts.append(f' title="{title}" /></td>')
            if actions_column:
                parts.append('<td class="list-buttons-column">')
                parts.append(row_links.render(pk, row))
                for action in row_links.others:
                    parts.append("\n")
                    parts.append(str(action.render_ctx(context, pk, row)))
                parts.append("</td>")
            parts.extend(cells(row))
            parts.append("</tr>")
            rows.append("".join(parts))
        return Markup("\n".join(rows))  # nosec B704 (ids and values escaped, links built by RowLinks)

    def get_list_row_actions(self):
        # Only offer the edit and delete icons on rows whose state allows them (a reviewed report is not editable).
        swap = {
            row_templates.EditRowAction: RowAction("row_actions.edit_row", "编辑", EDIT),
            row_templates.DeleteRowAction: RowAction("row_actions.delete_row", "删除", DELETE),
        }
        return [swap.get(type(action), action) for action in super().get_list_row_actions()]

    @property
    def can_create(self) -> bool:
        return self._may(CREATE)

    @property
    def can_edit(self) -> bool:
        return self._may(EDIT)

    @property
    def can_delete(self) -> bool:
        return self._may(DELETE)

    @property
    def can_export(self) -> bool:
        return self._may(EXPORT)

    def _handle_view(self, name, **kwargs):
        # Refuse forbidden operations with 403 rather than Flask-Admin's silent redirect, so nothing looks done.
        result = super()._handle_view(name, **kwargs)
        if result is not None:
            return result
        needed = {
            "create_view": CREATE,
            "edit_view": EDIT,
            "delete_view": DELETE,
            "export": EXPORT,
            "ajax_update": EDIT,
        }.get(name)
        if needed and not self._may(needed):
            abort(403)
        if name == "ajax_lookup" and not (self._may(CREATE) or self._may(EDIT)):
            abort(403)  # the type-ahead lookups serve the forms only: no form, no lookup
        return None

    # ----- a liaison sees only their own unit -----------------------------------------------------------------
    def scope_to_unit(self, query, unit_id: int):
        """Limit a query to rows of one unit; views a liaison can read override this (default: no rows)."""
        return query.filter(false())

    def _scoped(self, query):
        user = current_user
        if user.is_authenticated and user.role == Role.LIAISON:
            return self.scope_to_unit(query, user.unit_id)
        return query

    def get_query(self):
        return self._scoped(super().get_query())

    def get_count_query(self):
        query = self._scoped(super().get_count_query())
        return CappedCount(query, self.count_cap) if self.count_cap else query

    def get_one(self, id):
        pk = sa_inspect(self.model).primary_key[0]
        if isinstance(pk.type, Integer):
            key = bounded_id(id)
        else:
            key = id if isinstance(id, str) else None
        if key is None:
            return None
        return self.get_query().filter(pk == key).one_or_none()

    list_loader_options: tuple = ()  # what a list page loads of each row, when less than the whole rows

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        """Flask-Admin's page of rows, loading only `list_loader_options` of them when the view names them."""
        if not execute or not self.list_loader_options:
            return super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)
        count, query = super().get_list(page, sort_column, sort_desc, search, filters, False, page_size)
        return count, query.options(*self.list_loader_options).all()

    # ----- malformed list arguments: a 404 or a Chinese message, never a 500 -----------------------------------
    def _get_list_extra_args(self):
        args = super()._get_list_extra_args()
        if not 0 <= (args.page or 0) <= MAX_PAGE:
            abort(404)
        return args

    def _get_list_filter_args(self):
        filters = super()._get_list_filter_args()
        if not filters:
            return filters
        kept = []
        for idx, name, value in filters:
            if filter_value_ok(self._filters[idx], value):
                kept.append((idx, name, value))
            else:
                flash(f"筛选条件“{name}”的值“{value}”无效，已忽略。", "error")
        return kept

    def _apply_filters(self, query, count_query, joins, count_joins, filters):
        typed = [(idx, name, typed_filter_value(self._filters[idx], value)) for idx, name, value in filters]
        return super()._apply_filters(query, count_query, joins, count_joins, typed)

    def handle_action(self, return_view=None):
        """Run a list action only on row ids that can name a row; a forged or garbled one is refused in Chinese."""
        if request.method == "POST" and any(bounded_id(i) is None for i in request.form.getlist("rowid")):
            flash("所选记录编号无效，操作未执行。请刷新列表后重新选择。", "error")
            return redirect(safe_return_url(self.get_url(".index_view")))
        return super().handle_action(return_view)

    # ----- stable pages: always end the ORDER BY with the primary key ---------------------------------------
    def _apply_sorting(self, query, joins, sort_column, sort_desc):
        query, joins = super()._apply_sorting(query, joins, sort_column, sort_desc)
        pk = sa_inspect(self.model).primary_key[0]
        # Same direction as the sort (or newest first by default), so an index on the sort column serves both.
        ascending = sort_column is not None and not sort_desc
        return query.order_by(pk.asc() if ascending else pk.desc()), joins

    # ----- errors in Chinese ----------------------------------------------------------------------------------
    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, ValueError):
            flash(str(exc), "error")
            return True
        if isinstance(exc, IntegrityError):
            current_app.logger.warning("integrity error in %s: %s", self.endpoint_name, exc)
            flash("保存失败：与已有记录冲突（例如编号、名称重复），或仍有其他记录引用它。请检查后重试。", "error")
            return True
        if isinstance(exc, SQLAlchemyError):
            current_app.logger.exception("database error in %s", self.endpoint_name)
            flash("保存失败：数据库暂时无法完成操作，请稍后重试。", "error")
            return True
        return super().handle_view_exception(exc)

    # ----- export: Chinese headers and file name, CSV with a BOM, typed xlsx cells ----------------------------
    @expose("/export/<export_type>/")
    def export(self, export_type):
        if not self.can_export or export_type not in self.export_types:
            abort(403)
        g._exporting = True  # get_query leaves out the loads only the list page needs (see `exporting_rows`)
        try:
            computed = self.export_sql_columns()
            readers = self.export_lookup_readers()
            rows = self.export_rows(computed)
            if self.export_row_columns:  # plain rows: the computed cells are columns of theirs
                readers.update({name: attrgetter(f"export_{n}") for n, name in enumerate(computed)})
                computed = {}
            return exporting.export_response(self, rows, export_type, computed=list(computed), readers=readers)
        finally:  # every row is written by now (into the temporary file the response sends)
            g._exporting = False

    @property
    def _auto_joins(self):
        """The relations the list page joins; none while exporting (the export joins what its columns read)."""
        return () if exporting_rows() else self.__dict__.get("_list_auto_joins", ())

    @_auto_joins.setter
    def _auto_joins(self, joins):
        self.__dict__["_list_auto_joins"] = joins

    export_batch = 2000  # rows turned into objects at a time while the one query streams
    export_loader_options: tuple = ()  # what export cells read beyond the columns: to-one relations, joined
    export_lookups: tuple[str, ...] = ()  # to-one relations into small tables (units, leaders), read whole once
    # The columns an export reads, when its cells are all columns, computed cells or lookups: it then reads rows
    # of these columns, no object per row (export_loader_options do not apply).
    export_row_columns: tuple = ()

    def export_lookup_readers(self) -> dict:
        """For each of `export_lookups`, a reader of the related record by the row's key, from its table loaded
        once (one statement per table, instead of a join's object per row)."""
        mapper = sa_inspect(self.model)
        tables, readers = {}, {}
        for name in self.export_lookups:
            relation = mapper.relationships[name]
            (column, _), *_ = relation.local_remote_pairs
            target = relation.mapper
            if target not in tables:
                key = target.get_property_by_column(target.primary_key[0]).key
                tables[target] = {getattr(record, key): record for record in db.session.scalars(select(target.class_))}
            readers[name] = _lookup(tables[target], mapper.get_property_by_column(column).key)
        return readers

    def export_sql_columns(self) -> dict:
        """Export cells the query itself computes, by column name (e.g. a row's co-units, joined in SQL): what
        would otherwise take a statement per row or per batch (lists of related rows, per-row look-ups)."""
        return {}

    def export_query(self):
        """The list's query as shown (search, filters, sort), unpaged, with what the export columns read joined."""
        mapper = sa_inspect(self.model)
        options = []
        for name, _ in self._export_columns:
            relation = mapper.relationships.get(name) if isinstance(name, str) else None
            if relation is not None and not relation.uselist and name not in self.export_lookups:
                options.append(joinedload(getattr(self.model, name)))
        return self.export_list_query().options(*options, *self.export_loader_options)

    def export_list_query(self):
        """The list's query as shown (search, filters, sort), unpaged (within an export: see `exporting_rows`)."""
        view_args = self._get_list_extra_args()
        sort = self._get_column_by_idx(view_args.sort)
        _, query = self.get_list(
            0,
            sort[0] if sort is not None else None,
            view_args.sort_desc,
            view_args.search,
            view_args.filters,
            execute=False,
            page_size=0,
        )
        return query

    def export_rows(self, computed: dict | None = None):
        """The rows to export from one streamed query (a server-side cursor where the database has one): the
        records, or (record, *computed cells) when `computed` names cells the query adds (see export_sql_columns);
        with `export_row_columns`, rows of those columns and the computed cells (labelled export_0, export_1 …).
        """
        cells = [cell.label(f"export_{n}") for n, cell in enumerate((computed or {}).values())]
        if self.export_row_columns:
            query = self.export_list_query().with_entities(*self.export_row_columns, *cells)
        else:
            query = self.export_query().add_columns(*cells) if cells else self.export_query()
        return query.yield_per(self.export_batch)


def _lookup(records: dict, key: str):
    """A reader of the record of `records` a row's `key` column points at (None for none)."""
    return lambda row: records.get(getattr(row, key))


def exporting_rows() -> bool:
    """True while the current request exports a list (its query needs no list-page loads)."""
    return has_request_context() and bool(g.get("_exporting"))
