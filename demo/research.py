"""The demo office's results: this year's scoring rules (目标考核) and a few 督查调研 articles written this year, some
instructed on by a leader, adopted or published, concerning the units they studied and linked to the demo's items.

Created once: a rule set is made only for a year without one, an article only when its title is not there yet.
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from clock import china_date
from models.item import Item
from models.research import ResearchArticle, ResearchKind
from models.unit import Unit
from workflows.assessment import create_rules, rules_of_year

# (days before `now`, title, authors, kind, (领导批示, 采用, 刊发), where it went, units, words of related item titles)
ARTICLES = (
    (200, "关于国有林场管护责任落实情况的调研报告", "王晓燕、李明", ResearchKind.REPORT, (True, True, False),
     "局长批示：“请营林科牵头，各林场对照整改。”", ("东方红林场", "青山林场", "营林科"), ("林场",)),
    (160, "森林防火“两会”重点工作推进情况督查专报", "督查室", ResearchKind.BRIEF, (True, False, False),
     "分管副局长批示：“防火无小事，请消防大队逐项落实。”", ("森林消防大队", "安全生产科"), ("防火",)),
    (120, "便民公开电话办理质量的分析与建议", "李明", ResearchKind.REPORT, (False, True, True),
     "《林业信息》第8期刊发", ("供热公司", "物业公司", "社会事务科"), ("来电", "居民")),
    (95, "供热管网改造督查情况", "王晓燕", ResearchKind.INFO, (False, True, False),
     "党政办《督查信息》采用", ("供热公司",), ("室温", "供热")),
    (70, "十项利民工程前三季度进展督查专报", "督查室", ResearchKind.BRIEF, (True, True, True),
     "书记批示；《林区报》刊发", ("社会事务科", "计财科"), ("利民",)),
    (40, "职工代表提案答复满意度回访情况", "李明", ResearchKind.INFO, (False, False, False),
     "", ("工会", "人事劳资科"), ("提案", "职工")),
    (20, "林业医院改善就医环境整改落实情况", "王晓燕", ResearchKind.INFO, (False, True, False),
     "党政办《督查信息》采用", ("林业医院",), ("医院",)),
    (8, "园林绿化阶段性中心任务督查调研报告", "督查室", ResearchKind.REPORT, (False, False, False),
     "", ("物业公司", "社会事务科"), ("绿化",)),
)  # fmt: skip


def seed_research(session: Session, *, now: datetime) -> int:
    """Give this year its scoring rules (when it has none) and add the demo articles that are missing; returns how
    many articles were added. Each is registered on its date (its trail reads so)."""
    year = china_date(now).year
    if not rules_of_year(session, year):
        create_rules(session, year, now=now)
    existing = set(session.scalars(select(ResearchArticle.title)))
    units = {u.name: u for u in session.scalars(select(Unit))}
    items = list(session.scalars(select(Item).order_by(Item.id)))
    saved = session.info.get("now")
    added = 0
    try:
        for days, title, authors, kind, (instructed, adopted, published), outlet, names, words in ARTICLES:
            written = now - timedelta(days=days)
            if title in existing or china_date(written).year != year:
                continue
            session.info["now"] = written
            related = [i for i in items if any(w in i.title for w in words)][:2]
            session.add(
                ResearchArticle(
                    title=title,
                    authors=authors,
                    written_on=china_date(written),
                    kind=kind,
                    leader_instructed=instructed,
                    adopted=adopted,
                    published=published,
                    outlet=outlet or None,
                    units=[units[n] for n in names if n in units],
                    items=related,
                )
            )
            session.flush()
            added += 1
    finally:
        session.info["now"] = saved
    return added
