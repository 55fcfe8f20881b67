"""年度统计: the year in numbers as a page, each figure linked to the list of exactly its rows; .xlsx and .docx."""

from flask import Response, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from admin_views.base import RoleGuardMixin
from admin_views.exporting import MIMETYPES, content_disposition
from admin_views.figure_filter import FigureFilter
from admin_views.permissions import EXPORT, may
from clock import china_date, utcnow
from extensions import db
from importing.documents import year_report_docx
from importing.spreadsheets import xlsx_bytes
from workflows.year_numbers import ENDPOINTS, YearNumbers, year_numbers

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def export_rows(numbers: YearNumbers) -> list[list]:
    """One row per figure: table, row, column, count (the .xlsx export)."""
    rows = []
    for table in numbers.tables:
        for label, figures in table.rows:
            for column, figure in zip(table.columns, figures, strict=True):
                if figure is not None:
                    rows.append([table.title, label, column, numbers[figure.key]])
    return rows


class YearNumbersView(RoleGuardMixin, BaseView):
    """年度统计 (supervisors, admins, leaders)."""

    endpoint_name = "year_numbers"

    def __init__(self, **kwargs):
        super().__init__(endpoint=self.endpoint_name, url="/admin/year_numbers", **kwargs)

    def _year(self) -> int | None:
        """The year asked for (this year by default); None, with a message, when it is not a year."""
        text = request.args.get("year", "").strip()
        if not text:
            return china_date(utcnow()).year
        if text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR:
            return int(text)
        flash(f"年度“{text[:20]}”无效，请填写 {FIRST_YEAR}—{LAST_YEAR} 之间的四位年份。已显示本年度。", "error")
        return None

    def list_links(self, year: int) -> dict[str, str | None]:
        """The address of each counted table's list filtered to a figure (with `{key}` to fill), or None when the
        user may not read that list."""
        links = {}
        for endpoint in ENDPOINTS.values():
            if not may(current_user, f"{endpoint}.read"):
                links[endpoint] = None
                continue
            view = next(v for v in self.admin._views if getattr(v, "endpoint", None) == endpoint)
            index, flt = next((i, f) for i, f in enumerate(view._filters) if isinstance(f, FigureFilter))
            arg = f"flt0_{view.get_filter_arg(index, flt)}"  # scope=all: a figure counts the whole office
            links[endpoint] = url_for(f"{endpoint}.index_view", **{arg: "KEY"}, scope="all")
        return links

    @expose("/")
    def index(self):
        """The page."""
        year = self._year()
        if year is None:
            return redirect(url_for(".index"))
        numbers = year_numbers(db.session, year)
        links = self.list_links(year)

        def link(figure):
            base = links.get(figure.endpoint)
            return base.replace("KEY", f"{year}%2F{figure.key}") if base else None

        this_year = china_date(utcnow()).year
        return self.render(
            "admin/year_numbers.html",
            numbers=numbers,
            year=year,
            years=sorted({*range(this_year - 4, this_year + 1), year}, reverse=True),
            link=link,
            can_export=self._may(EXPORT),
        )

    def _download(self, body: bytes, mimetype: str, suffix: str, year: int) -> Response:
        response = Response(body, mimetype=mimetype)
        response.headers["Content-Disposition"] = content_disposition(
            f"年度督查工作统计_{year}.{suffix}", f"year_numbers_{year}.{suffix}"
        )
        return response

    @expose("/export.xlsx")
    def export_xlsx(self):
        """The figures as a workbook (the project's one writer)."""
        year = self._year()
        if year is None or not self._may(EXPORT):
            return redirect(url_for(".index"))
        numbers = year_numbers(db.session, year)
        body = xlsx_bytes(f"{year}年度督查工作统计", ["分类", "项目", "指标", "数量"], export_rows(numbers))
        return self._download(body, MIMETYPES["xlsx"], "xlsx", year)

    @expose("/export.docx")
    def export_docx(self):
        """年度督查工作统计 as a Word document: the year in sentences, then the tables."""
        year = self._year()
        if year is None or not self._may(EXPORT):
            return redirect(url_for(".index"))
        numbers = year_numbers(db.session, year)
        body = year_report_docx(numbers, self.admin.app.config.get("ORGANISATION_NAME", ""))
        return self._download(body, DOCX, "docx", year)
