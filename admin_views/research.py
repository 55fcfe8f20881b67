"""督查调研 register: research articles — list, search, filters, export, the attachment; a liaison reads only the
articles concerning their unit."""

from pathlib import Path

from flask import abort, current_app, request
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, BooleanEqualFilter, DateBetweenFilter
from flask_login import current_user
from flask_wtf.file import FileField
from markupsafe import Markup
from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, validators

from admin_views.base import QueryOptions, SecureModelView, bounded_id, enum_filters, exporting_rows
from admin_views.exporting import joined_texts
from admin_views.figure_filter import FigureFilter
from admin_views.items import unit_options
from admin_views.lookups import item_loader, unit_loader
from extensions import db
from file_store import download_response, open_content
from formatting import file_size
from models.item import Item
from models.research import ResearchArticle, ResearchKind, research_article_item, research_article_unit
from models.unit import Unit
from workflows.feedback import Upload
from workflows.research import attachment_problem, remove_attachment, store_attachment


def concerning_unit(unit_id: int):
    """The SQL condition: the article concerns this unit."""
    return exists().where(
        research_article_unit.c.article_id == ResearchArticle.id, research_article_unit.c.unit_id == unit_id
    )


class UnitConcernedFilter(BaseSQLAFilter):
    """涉及单位: the articles concerning one unit."""

    def apply(self, query, value, alias=None):
        key = bounded_id(value)
        return query.filter(concerning_unit(key)) if key else query.filter(False)

    def operation(self):
        return "为"


def _destinations(view, context, model, name):
    return "、".join(d.label for d in model.destinations) or "—"


def _units(view, context, model, name):
    return "、".join(u.name for u in model.units)


def _items(view, context, model, name):
    links = [
        Markup('<a href="{}">{}</a>').format(view.get_url("item.details_view", id=i.id), i.number) for i in model.items
    ]
    return Markup("、").join(links)


def _attachment(view, context, model, name):
    if not model.attachment_stored:
        return ""
    url = view.get_url(".attachment_view", id=model.id)
    return Markup('<a href="{}">{}</a> <span class="text-muted small">{}</span>').format(
        url, model.attachment_name, file_size(model.attachment_size)
    )


def _title_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(view.get_url(".details_view", id=model.id), model.title)


def validate_attachment(form, field):
    """The file, if one is chosen, must be of an allowed type and size (the limits of every upload)."""
    storage = field.data
    field.upload = None
    if not storage or not getattr(storage, "filename", ""):
        return
    upload = Upload(storage.filename, storage.mimetype or "", storage.read())
    problem = attachment_problem(upload, current_app.config)
    if problem:
        raise validators.ValidationError(problem)
    field.upload = upload


class AttachmentField(FileField):
    """The article's file: stored by the view, never written onto the model as is."""

    def populate_obj(self, obj, name):
        pass


class KeepField(BooleanField):
    """删除现有附件: read by the view."""

    def populate_obj(self, obj, name):
        pass


class ResearchArticleView(SecureModelView):
    """督查调研."""

    endpoint_name = "research"
    column_auto_select_related = False  # units and items are select-loaded by get_query (no joined duplicates)
    column_list = ["title", "kind", "written_on", "authors", "units", "destinations", "attachment_name"]
    column_details_list = [
        "title",
        "kind",
        "written_on",
        "authors",
        "units",
        "items",
        "destinations",
        "outlet",
        "summary",
        "attachment_name",
        "created_by",
        "created_at",
        "updated_at",
    ]
    column_export_list = [
        "title",
        "kind",
        "written_on",
        "authors",
        "units",
        "leader_instructed",
        "adopted",
        "published",
        "outlet",
        "items",
        "attachment_name",
    ]
    column_labels = {"destinations": "去向", "units": "涉及单位", "items": "相关事项", "created_by": "登记人"}
    column_default_sort = ("written_on", True)
    column_sortable_list = ["written_on", "kind", "title"]
    column_searchable_list = ["title", "authors", "outlet"]
    search_hint = "标题、作者、批示/采用/刊发情况"
    column_formatters = {
        "title": _title_link,
        "units": _units,
        "items": _items,
        "destinations": _destinations,
        "attachment_name": _attachment,
    }
    column_formatters_detail = {
        "units": _units,
        "items": _items,
        "destinations": _destinations,
        "attachment_name": _attachment,
    }
    column_formatters_export = {
        "units": _units,
        "items": lambda v, c, m, n: "、".join(i.number for i in m.items),
    }
    column_filters = [
        *enum_filters(ResearchArticle.kind, ResearchKind),
        DateBetweenFilter(ResearchArticle.written_on, "日期"),
        BooleanEqualFilter(ResearchArticle.leader_instructed, "领导批示", options=[("1", "是"), ("0", "否")]),
        BooleanEqualFilter(ResearchArticle.adopted, "采用", options=[("1", "是"), ("0", "否")]),
        BooleanEqualFilter(ResearchArticle.published, "刊发", options=[("1", "是"), ("0", "否")]),
        UnitConcernedFilter(ResearchArticle.id, "涉及单位", options=QueryOptions(unit_options)),
        FigureFilter(ResearchArticle),
    ]
    form_columns = [
        "title",
        "kind",
        "written_on",
        "authors",
        "units",
        "leader_instructed",
        "adopted",
        "published",
        "outlet",
        "summary",
        "items",
        "attachment",
        "drop_attachment",
    ]
    form_ajax_refs = {"units": unit_loader("units"), "items": item_loader("items")}
    form_extra_fields = {
        "attachment": AttachmentField("附件（可选）", validators=[validate_attachment]),
        "drop_attachment": KeepField("删除现有附件"),
    }
    form_args = {
        "title": {
            "validators": [
                validators.InputRequired("请填写标题。"),
                validators.Length(max=200, message="标题不能超过 200 个字。"),
            ]
        },
        "authors": {
            "validators": [
                validators.InputRequired("请填写作者。"),
                validators.Length(max=200, message="作者不能超过 200 个字。"),
            ]
        },
        "written_on": {"validators": [validators.InputRequired("请填写日期，如 2026-06-30。")]},
        "kind": {"validators": [validators.InputRequired("请选择类别。")]},
        "outlet": {
            "description": "如：局长批示“请各林场参照落实”；《林业信息》第12期刊发。",
            "validators": [validators.Optional(), validators.Length(max=200, message="不能超过 200 个字。")],
        },
        "items": {"description": "与哪些督查事项有关（可选）。"},
    }
    form_widget_args = {"summary": {"rows": 4}}

    def get_query(self):
        if exporting_rows():  # the export reads units and items as texts the query joins (export_sql_columns)
            return super().get_query()
        return super().get_query().options(selectinload(ResearchArticle.units), selectinload(ResearchArticle.items))

    def export_sql_columns(self) -> dict:
        """涉及单位 and 相关事项 in the export's one query, in the relations' order."""
        units, items = research_article_unit.c, research_article_item.c
        return {
            "units": joined_texts(
                Unit.name,
                Unit.code,
                where=(units.article_id == ResearchArticle.id, Unit.id == units.unit_id),
                outer=ResearchArticle,
            ),
            "items": joined_texts(
                Item.number,
                Item.id,
                where=(items.article_id == ResearchArticle.id, Item.id == items.item_id),
                outer=ResearchArticle,
            ),
        }

    def scope_to_unit(self, query, unit_id):
        return query.filter(concerning_unit(unit_id))

    def on_model_change(self, form, model, is_created):
        if is_created:
            model.created_by_id = current_user.id
        upload = getattr(form.attachment, "upload", None)
        if upload is not None:
            store_attachment(model, upload, Path(current_app.config["UPLOAD_FOLDER"]))
        elif form.drop_attachment.data:
            remove_attachment(model)

    @expose("/attachment/")
    def attachment_view(self):
        """Download an article's file, for whoever may read the article."""
        article = self.get_one(request.args.get("id", ""))
        if article is None or not article.attachment_stored:
            abort(404)
        stored = db.session.scalar(
            select(ResearchArticle.attachment_content.is_not(None)).where(ResearchArticle.id == article.id)
        )
        if not stored:
            abort(404)
        handle = open_content(db.engine, ResearchArticle.attachment_content, article.id, article.attachment_size or 0)
        return download_response(
            handle,
            filename=article.attachment_name,
            content_type=article.attachment_type,
            size=article.attachment_size or 0,
            etag=article.attachment_sha256,
        )
