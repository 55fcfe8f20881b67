"""Form fields that speak the office's language: a deadline typed as a date or as "N个工作日"."""

from wtforms import StringField

from clock import china_date, utcnow
from extensions import db
from workdays import WorkCalendar
from workflows.deadlines import parse_deadline


class DeadlineField(StringField):
    """A deadline: "2026-12-15", "2026年12月15日" or "5个工作日" (working days counted from today, China time)."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        try:
            self.data = parse_deadline(text, assigned_on=china_date(utcnow()), calendar=WorkCalendar.load(db.session))
        except ValueError as error:
            self.data = None
            raise ValueError(str(error)) from error

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if self.data else ""
