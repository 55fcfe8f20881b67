"""Jinja helpers shared by every page: China-time dates, periods, file sizes and Chinese names of record types."""

from flask import Flask

from clock import CHINA
from formatting import file_size, period_text
from models.audit import ENTITY_LABELS
from models.escalation import LADDER, rung_name, rung_reached


def china_datetime(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Render an aware UTC datetime in China time."""
    if value is None:
        return ""
    return value.astimezone(CHINA).strftime(fmt)


def chinese_date(value) -> str:
    """'2026年12月1日', as official documents write dates (no leading zeros), in China time."""
    if value is None:
        return ""
    if hasattr(value, "astimezone") and hasattr(value, "hour"):
        value = value.astimezone(CHINA)
    return f"{value.year}年{value.month}月{value.day}日"


def register_template_helpers(app: Flask) -> None:
    """Install the filters and globals used by the templates."""
    app.add_template_filter(china_datetime, "china_datetime")
    app.add_template_filter(chinese_date, "chinese_date")
    app.add_template_filter(period_text, "period")
    app.add_template_filter(file_size, "file_size")
    app.add_template_global(lambda entity: ENTITY_LABELS.get(entity, entity), "entity_label")
    app.add_template_global(LADDER, "ladder")
    app.add_template_filter(rung_name, "rung_name")
    app.add_template_filter(rung_reached, "rung_reached")
