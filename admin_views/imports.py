"""导入导出: upload an .xlsx, preview it row by row, confirm; download templates, the 通讯录 and the exports."""

from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import DataRequired

from admin_views.base import RoleGuardMixin
from admin_views.exporting import MIMETYPES, content_disposition
from admin_views.permissions import CREATE, EXPORT
from clock import china_date, utcnow
from extensions import db
from importing.directory import directory_groups, roster_workbook, units_workbook
from importing.reader import ReadLimits
from importing.report import ACTION_LABELS, ERROR, SKIPPED, UNCHANGED, UPDATE
from importing.report import CREATE as CREATED
from importing.runner import IMPORTERS, ImportFailed, plan_import, run_import
from importing.templates import build_workbook
from importing.uploads import discard_upload, load_upload, store_upload

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
PREVIEW_ROWS = 200  # a 10,000-row file previews its first rows; counts and every problem are still complete
PREVIEW_PROBLEMS = 500
LIST_ENDPOINTS = {
    "units": "unit.index_view",
    "roster": "liaison.index_view",
    "items": "item.index_view",
    "proposals": "proposal.index_view",
}
UNEXPECTED = (
    "文件处理时出错，未导入任何数据。请检查文件是否按导入模板填写；如仍不能导入，请联系系统管理员（已记录日志）。"
)
SHOW = {"all": "全部行", "changes": "新建和修改", "errors": "有误的行"}


class UploadForm(FlaskForm):
    """The file to import."""

    file = FileField("Excel 文件（.xlsx）", validators=[FileRequired("请选择要导入的 .xlsx 文件。")])


class ConfirmForm(FlaskForm):
    """Confirms the previewed file: names the stored upload and the sha256 the person saw, nothing else."""

    token = HiddenField(validators=[DataRequired()])
    sha256 = HiddenField(validators=[DataRequired()])


def xlsx_response(body: bytes, filename: str, fallback: str) -> Response:
    """An .xlsx download whose Chinese file name survives every browser."""
    response = Response(body, mimetype=MIMETYPES["xlsx"])
    response.headers["Content-Disposition"] = content_disposition(filename, fallback)
    return response


class ImportView(RoleGuardMixin, BaseView):
    """导入导出: for admins and supervisors only, checked on every page."""

    endpoint_name = "imports"

    def _require(self, operation: str) -> None:
        if not self._may(operation):
            abort(403)

    @staticmethod
    def _importer(kind: str):
        if kind not in IMPORTERS:
            abort(404)
        return IMPORTERS[kind]

    @staticmethod
    def _max_bytes() -> int:
        return int(current_app.config.get("IMPORT_MAX_BYTES", MAX_UPLOAD_BYTES))

    @staticmethod
    def _limits() -> ReadLimits:
        return ReadLimits.from_config(current_app.config)

    # ----- the page with the imports, the templates and the exports -------------------------------------
    @expose("/")
    def index(self):
        """Every import (template, upload) and the exports."""
        return self.render(
            "imports/index.html",
            importers=IMPORTERS,
            forms={kind: UploadForm(prefix=kind) for kind in IMPORTERS},
            max_mb=self._max_bytes() // (1024 * 1024),
            can_import=self._may(CREATE),
        )

    @expose("/<kind>/upload", methods=["POST"])
    def upload(self, kind):
        """Store the upload under a random name and show its preview (a file over the limit is refused)."""
        self._require(CREATE)
        importer = self._importer(kind)
        form = UploadForm(prefix=kind)
        if not form.validate_on_submit():
            for errors in form.errors.values():
                for error in errors:
                    flash(f"{importer.title}：{error}", "error")
            return redirect(url_for(".index"))
        upload = form.file.data
        data = upload.stream.read(self._max_bytes() + 1)
        if len(data) > self._max_bytes():
            flash(
                f"{importer.title}：文件超过 {self._max_bytes() // (1024 * 1024)} MB，未导入。请删去多余的工作表或分批"
                f"导入。",
                "error",
            )
            return redirect(url_for(".index"))
        filename = Path((upload.filename or "").replace("\\", "/")).name  # old browsers send the whole path
        stored = store_upload(db.session, kind, filename, data, user_id=current_user.id, now=utcnow())
        db.session.commit()  # the file is in the database: any app server can preview and confirm it
        return redirect(url_for(".preview", kind=kind, token=stored.token))

    def _stored(self, kind: str, token: str):
        found = load_upload(db.session, token)
        if found is None or found[0].kind != kind or found[0].user_id != current_user.id:
            return None
        return found

    @expose("/<kind>/preview/<token>")
    def preview(self, kind, token):
        """Re-read the stored file and show, row by row, what importing it would do; writes nothing."""
        self._require(CREATE)
        self._importer(kind)
        found = self._stored(kind, token)
        if found is None:
            flash("上传的文件已过期或不存在，请重新上传。", "error")
            return redirect(url_for(".index"))
        meta, data = found
        try:
            plan = plan_import(db.session, kind, data, filename=meta.filename, now=utcnow(), limits=self._limits())
        except Exception:  # a file we failed to foresee must still get a Chinese answer, not a 500
            current_app.logger.exception("import preview of %s failed", kind)
            flash(UNEXPECTED, "error")
            return redirect(url_for(".index"))
        finally:
            db.session.rollback()  # a preview never writes
        return self._render_preview(plan, meta)

    def _render_preview(self, plan, meta, status: int = 200):
        show = request.args.get("show", "all")
        show = show if show in SHOW else "all"
        wanted = {"all": None, "changes": (CREATED, UPDATE), "errors": (ERROR,)}[show]
        rows = [r for r in plan.rows if wanted is None or r.status in wanted]
        form = ConfirmForm(token=meta.token, sha256=meta.sha256)
        return (
            self.render(
                "imports/preview.html",
                plan=plan,
                meta=meta,
                rows=rows[:PREVIEW_ROWS],
                hidden_rows=max(0, len(rows) - PREVIEW_ROWS),
                problems=plan.problems[:PREVIEW_PROBLEMS],
                hidden_problems=max(0, len(plan.problems) - PREVIEW_PROBLEMS),
                form=form,
                show=show,
                show_options=SHOW,
                labels=ACTION_LABELS,
                statuses=(CREATED, UPDATE, UNCHANGED, SKIPPED, ERROR),
            ),
            status,
        )

    @expose("/<kind>/confirm", methods=["POST"])
    def confirm(self, kind):
        """Re-read and re-check the stored file, then import it all or nothing, signed by the user."""
        self._require(CREATE)
        importer = self._importer(kind)
        form = ConfirmForm()
        if not form.validate_on_submit():
            flash("页面已过期，请重新上传文件。", "error")
            return redirect(url_for(".index"))
        found = self._stored(kind, form.token.data)
        if found is None or found[0].sha256 != form.sha256.data:
            flash("上传的文件已过期、不存在或已被替换，未导入。请重新上传。", "error")
            return redirect(url_for(".index"))
        meta, data = found
        actor = current_user._get_current_object()
        try:
            plan = run_import(
                db.session, kind, data, filename=meta.filename, actor=actor, now=utcnow(), limits=self._limits()
            )
            if not plan.applied:
                db.session.rollback()
                flash("重新检查时发现问题（数据可能在预览后被修改），未导入任何数据。", "error")
                return self._render_preview(plan, meta)
            discard_upload(db.session, meta.token)  # gone with the import's commit, kept if it fails
            db.session.commit()
        except ImportFailed as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for(".preview", kind=kind, token=meta.token))
        except Exception:
            db.session.rollback()
            current_app.logger.exception("import of %s failed", kind)
            flash(UNEXPECTED, "error")
            return redirect(url_for(".index"))
        counts = plan.counts
        flash(
            f"{importer.title}导入完成：新建 {counts[CREATED]} 条，修改 {counts[UPDATE]} 条，未变 {counts[UNCHANGED]} "
            f"条。",
            "success",
        )
        return redirect(url_for(LIST_ENDPOINTS[kind]))

    # ----- downloads ---------------------------------------------------------------------------------------------
    @expose("/template/<kind>.xlsx")
    def template(self, kind):
        """The import template of a kind, with its drop-down lists."""
        self._require(EXPORT)
        importer = self._importer(kind)
        body = build_workbook(importer, db.session)
        return xlsx_response(body, f"{importer.title}导入模板.xlsx", f"{kind}_template.xlsx")

    @expose("/export/directory")
    def directory(self):
        """The printable 通讯录: by unit kind, then unit, on A4."""
        self._require(EXPORT)
        groups = directory_groups(db.session)
        return self.render("imports/directory.html", groups=groups, today=china_date(utcnow()))

    @expose("/export/roster.xlsx")
    def roster_export(self):
        """Every liaison as .xlsx in the roster template's shape."""
        self._require(EXPORT)
        today = china_date(utcnow())
        return xlsx_response(
            roster_workbook(db.session), f"联络员名录_{today:%Y%m%d}.xlsx", f"roster_{today:%Y%m%d}.xlsx"
        )

    @expose("/export/units.xlsx")
    def units_export(self):
        """Every unit as .xlsx in the units template's shape."""
        self._require(EXPORT)
        today = china_date(utcnow())
        return xlsx_response(units_workbook(db.session), f"承办单位_{today:%Y%m%d}.xlsx", f"units_{today:%Y%m%d}.xlsx")
