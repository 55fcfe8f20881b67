"""Calendar corrections (节假日调整): days admins mark as holiday or make-up working day, or paste from the notice."""

import hashlib

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField, IntegerField, TextAreaField, validators
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from admin_views.base import SecureModelView
from admin_views.permissions import CREATE, EDIT
from clock import utcnow
from extensions import db
from workflows.holiday_notice import CHANGED, NEW, apply_holiday_notice, parse_holiday_notice, plan_holiday_notice

MAX_NOTICE_CHARS = 20000


class HolidayNoticeForm(FlaskForm):
    """The pasted notice, the year when its title is missing, and the digest of the text last previewed."""

    text = TextAreaField(
        "通知全文",
        validators=[
            InputRequired("请粘贴国务院办公厅关于部分节假日安排的通知全文。"),
            Length(max=MAX_NOTICE_CHARS, message=f"通知全文不能超过 {MAX_NOTICE_CHARS} 字。"),
        ],
    )
    year = IntegerField(
        "年份（通知中没有标题时填写）",
        validators=[Optional(), NumberRange(2000, 2100, message="年份应在 2000 至 2100 之间。")],
    )
    previewed = HiddenField()


def notice_digest(text: str, year: int | None) -> str:
    """A fingerprint of the text and year previewed, so a confirmation writes only what the admin saw."""
    return hashlib.sha256(f"{year or ''}\n{text}".encode()).hexdigest()


class CalendarDayView(SecureModelView):
    """节假日调整."""

    endpoint_name = "calendar"
    list_template = "admin/calendar_list.html"
    column_list = ["day", "is_workday", "note", "updated_at"]
    column_default_sort = ("day", True)
    column_sortable_list = ["day"]
    column_searchable_list = ["note"]
    form_columns = ["day", "is_workday", "note"]
    column_labels = {"is_workday": "上班（不勾选为放假）"}
    form_args = {
        "day": {"validators": [validators.InputRequired("请填写日期，如 2027-10-01。")]},
        "note": {"validators": [validators.Optional(), validators.Length(max=50, message="说明不能超过 50 字。")]},
    }

    @expose("/notice/", methods=("GET", "POST"))
    def notice_view(self):
        """导入放假通知: paste the notice, preview every day read (new / changed / unchanged), then confirm."""
        if not (self._may(CREATE) and self._may(EDIT)):
            abort(403)
        form = HolidayNoticeForm()
        notice = plan = None
        if request.method == "POST":
            if not form.validate_on_submit():
                for errors in form.errors.values():
                    for error in errors:
                        flash("页面已过期，请重新提交。" if "CSRF" in error else error, "error")
            else:
                text, year = form.text.data, form.year.data
                notice = parse_holiday_notice(text, year)
                digest = notice_digest(text, year)
                if notice.ok and "confirm" in request.form:
                    if form.previewed.data == digest:
                        return self._confirm(notice)
                    flash("通知内容在预览后有改动，请核对下面的新预览后再确认。", "warning")
                if notice.ok:
                    plan = plan_holiday_notice(db.session, notice)
                    form.previewed.data = digest
        return self.render(
            "admin/calendar_notice.html",
            form=form,
            notice=notice,
            plan=plan,
            counts={s: sum(p.status == s for p in plan or []) for s in (NEW, CHANGED)},
        )

    def _confirm(self, notice):
        try:
            plan = apply_holiday_notice(db.session, notice, actor=current_user._get_current_object(), now=utcnow())
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            flash("保存失败：这些日期刚被其他人修改过，请重新预览后再确认。", "error")
            return redirect(self.get_url(".notice_view"))
        new = sum(p.status == NEW for p in plan)
        changed = sum(p.status == CHANGED for p in plan)
        flash(
            f"已导入{notice.year}年放假安排：新增 {new} 天，修改 {changed} 天，不变 {len(plan) - new - changed} 天。",
            "success",
        )
        return redirect(self.get_url(".index_view"))
