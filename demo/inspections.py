"""The demo's 领导督查: the bureau chief visits the forest farms about the autumn fire season, a month ago."""

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from clock import china_date
from models.inspection import LeaderInspection
from workflows.inspections import note_on_items

FIRE_ITEM = "做好秋季森林防火各项准备工作"
VISITED = ("东方红林场", "青山林场", "森林消防大队")
FINDINGS = (
    "扑火物资储备基本到位，但部分林场防火隔离带清理进度偏慢。要求：十二月中旬前完成全部隔离带清理；"
    "扑火队伍每周开展一次实战演练；森林消防大队加强夜间巡护。"
)


def record_demo_inspection(session: Session, leaders: dict, units: dict, items: dict, *, now: datetime) -> int:
    """One on-site supervision by the bureau chief, concerning the fire-season item, written into its history."""
    visited = [unit for unit in units.values() if unit.name in VISITED]
    item = items.get(FIRE_ITEM)
    if not visited or item is None:
        return 0
    inspection = LeaderInspection(
        held_on=china_date(now - timedelta(days=30)),
        leader=leaders["局长"],
        companions="督查室、营林科负责同志",
        place="东方红林场、青山林场",
        findings=FINDINGS,
        units=visited,
        items=[item],
    )
    session.add(inspection)
    session.flush()
    note_on_items(session, inspection, [item], now=now - timedelta(days=30))
    return 1
