"""年度统计: every figure recounted here from the rows, in Python, at the year's edges (China time); each figure's link
lists exactly its rows; the .docx opens and carries the figures."""

import io
import random
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from docx import Document

from clock import CHINA
from extensions import db
from models import (
    Assignment,
    Feedback,
    HigherInstruction,
    HotlineCall,
    HotlineCategory,
    Item,
    ItemSource,
    ItemStatus,
    LeaderInspection,
    Notice,
    Role,
    SupervisionCheck,
)
from models.check import CheckState, Verdict
from models.feedback import ReviewStatus
from models.item import OPEN_ITEM_STATUSES, Satisfaction
from models.notice import NoticeKind, NoticeStatus
from models.research import ResearchArticle, ResearchDestination, ResearchKind
from tests.factories import login, make_item, make_leader, make_unit, make_user
from tests.office import at
from workflows.year_numbers import all_figures, year_numbers

YEAR = 2026
# Moments around the year's edges in China time (a UTC day earlier/later than China's for eight hours).
EDGES = [
    at(2025, 12, 31, 23, 59, 59),
    at(2026, 1, 1, 0, 0, 0),
    at(2026, 6, 15, 12),
    at(2026, 12, 31, 23, 59, 59),
    at(2027, 1, 1, 0, 0, 0),
]


def in_year(moment) -> bool:
    return moment is not None and moment.astimezone(CHINA).year == YEAR


@pytest.fixture
def rows(app):
    """Items of every source and state in 2025 and 2026, shares, reports, notices and checks at the year's edges."""
    rng = random.Random(11)
    units = [make_unit(), make_unit()]
    statuses = list(ItemStatus)
    seq = 0
    for year in (2025, 2026):
        for source in ItemSource:
            for n in range(4):
                deadline = date(year, 12, 10)
                item = make_item(
                    units[n % 2], [units[(n + 1) % 2]], source=source, deadline=deadline, now=at(year, 3, 1)
                )
                item.status = statuses[(n + seq) % len(statuses)] if n else ItemStatus.CLOSED
                seq += 1
                if item.status == ItemStatus.CLOSED:
                    # closed on the deadline's last second (on time) or the next day's first (late)
                    item.closed_at = at(year, 12, 10, 23, 59, 59) + timedelta(seconds=rng.choice([0, 1]))
                if source in (ItemSource.HOTLINE, ItemSource.STAFF_PROPOSAL) and n:
                    item.answered_at = at(year, 5, 1)
                    item.satisfaction = rng.choice([None, *Satisfaction])
    db.session.flush()
    shares = db.session.scalars(sa.select(Assignment).order_by(Assignment.id)).all()
    for share in shares:
        share.assigned_at = rng.choice([None, *EDGES])
    for n, moment in enumerate(EDGES * 3):
        db.session.add(
            Feedback(
                assignment=shares[n],
                progress="进展",
                submitted_at=moment,
                period=f"P{n}",
                review_status=list(ReviewStatus)[n % len(ReviewStatus)],
            )
        )
    for n, moment in enumerate(EDGES * 6):
        kind = list(NoticeKind)[n % len(NoticeKind)]
        draft = n % 7 == 3
        db.session.add(
            Notice(
                kind=kind,
                status=NoticeStatus.DRAFT if draft else NoticeStatus.ISSUED,
                number=None if draft else f"测{n}号",
                year=moment.year,
                seq=None if draft else n,
                title="文书",
                addressee="单位",
                body="正文",
                issued_at=None if draft else moment,
            )
        )
    categories = [HotlineCategory(name=name, sort_order=n) for n, name in enumerate(("来电甲", "来电乙", "来电丙"))]
    db.session.add_all(categories)
    db.session.flush()
    for n, item in enumerate(i for i in db.session.scalars(sa.select(Item)) if i.source == ItemSource.HOTLINE):
        category = [*categories, None][n % 4]  # one call in four has no category
        db.session.add(
            HotlineCall(
                item_id=item.id,
                called_at=EDGES[n % 5],
                caller="来电人",
                phone="13800000000",
                said="反映",
                category_id=category.id if category else None,
            )
        )
    upward = [i for i in db.session.scalars(sa.select(Item)) if i.source == ItemSource.HIGHER_INSTRUCTION]
    for n, item in enumerate(upward):
        due = date(item.year, 6, 30)
        reported = [None, due, due + timedelta(days=1), due - timedelta(days=3)][n % 4]  # none, on the day, late, early
        db.session.add(
            HigherInstruction(
                item_id=item.id,
                issuing_body="省林草局",
                received_on=date(item.year, 6, 1),
                report_due=due,
                reported_on=reported,
            )
        )
    leader = make_leader()
    for day in (date(2025, 12, 31), date(2026, 1, 1), date(2026, 7, 1), date(2026, 12, 31), date(2027, 1, 1)):
        db.session.add(LeaderInspection(held_on=day, leader=leader, findings="现场督查"))
    article_days = [date(2025, 12, 31), date(2026, 1, 1), date(2026, 8, 8), date(2026, 12, 31), date(2027, 1, 1)]
    for n in range(15):
        db.session.add(
            ResearchArticle(
                title=f"调研{n}",
                authors="督查室",
                written_on=article_days[n % 5],
                kind=list(ResearchKind)[n % 3],
                leader_instructed=n % 2 == 0,
                adopted=n % 4 == 1,
                published=False,
            )
        )
    check_days = [date(2025, 12, 31), date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 1)]
    for n, share in enumerate(shares[:30]):
        state = [CheckState.DECIDED, CheckState.DECIDED, CheckState.DUE, CheckState.PLANNED][n % 4]
        db.session.add(
            SupervisionCheck(
                assignment=share,
                round=n % 3 + 1,
                planned_on=check_days[n % 4 if n % 5 else 1],
                state=state,
                verdict=([Verdict.PASS, Verdict.FAIL][n % 2]) if state == CheckState.DECIDED else None,
            )
        )
    db.session.commit()


def expected_counts() -> dict[str, int]:
    """Every figure, counted in Python from the rows."""
    items = [i for i in db.session.scalars(sa.select(Item)) if i.year == YEAR]
    shares = [a for a in db.session.scalars(sa.select(Assignment)) if in_year(a.assigned_at)]
    reports = [f for f in db.session.scalars(sa.select(Feedback)) if in_year(f.submitted_at)]
    notices = [
        n for n in db.session.scalars(sa.select(Notice)) if n.status == NoticeStatus.ISSUED and in_year(n.issued_at)
    ]
    checks = [
        c
        for c in db.session.scalars(sa.select(SupervisionCheck))
        if c.state == CheckState.DECIDED and c.planned_on.year == YEAR
    ]

    def on_time(item):
        return item.status == ItemStatus.CLOSED and item.closed_at.astimezone(CHINA).date() <= item.deadline

    measures = {
        "registered": lambda i: True,
        "closed": lambda i: i.status == ItemStatus.CLOSED,
        "on_time": on_time,
        "open": lambda i: i.status in OPEN_ITEM_STATUSES,
    }
    counts = {}
    for key, test in measures.items():
        for source in ItemSource:
            counts[f"source.{source.value}.{key}"] = sum(1 for i in items if i.source == source and test(i))
        counts[f"source.all.{key}"] = sum(1 for i in items if test(i))
        instructions = (ItemSource.HIGHER_INSTRUCTION, ItemSource.LEADER_INSTRUCTION)
        counts[f"instructions.{key}"] = sum(1 for i in items if i.source in instructions and test(i))
    for prefix, source in (("hotline", ItemSource.HOTLINE), ("proposals", ItemSource.STAFF_PROPOSAL)):
        mine = [i for i in items if i.source == source]
        counts[f"{prefix}.registered"] = len(mine)
        counts[f"{prefix}.answered"] = sum(1 for i in mine if i.answered_at is not None)
        for level in Satisfaction:
            counts[f"{prefix}.{level.value}"] = sum(1 for i in mine if i.satisfaction == level)
    counts["feedback.issued"] = len(shares)
    counts["feedback.received"] = len(reports)
    counts["feedback.accepted"] = sum(1 for f in reports if f.review_status == ReviewStatus.ACCEPTED)
    for kind in NoticeKind:
        counts[f"notice.{kind.value}"] = sum(1 for n in notices if n.kind == kind)
    counts["notice.all"] = len(notices)
    for number in (1, 2, 3):
        held = [c for c in checks if c.round == number]
        counts[f"checks.{number}.held"] = len(held)
        counts[f"checks.{number}.failed"] = sum(1 for c in held if c.verdict == Verdict.FAIL)
    calls = {c.item_id: c for c in db.session.scalars(sa.select(HotlineCall))}
    for category in db.session.scalars(sa.select(HotlineCategory)):
        counts[f"hotline.category.{category.id}"] = sum(
            1 for i in items if i.id in calls and calls[i.id].category_id == category.id
        )
    upward = {h.item_id: h for h in db.session.scalars(sa.select(HigherInstruction))}
    mine = [upward[i.id] for i in items if i.id in upward]
    counts["upward.due"] = len(mine)
    counts["upward.reported"] = sum(1 for h in mine if h.reported_on)
    counts["upward.on_time"] = sum(1 for h in mine if h.reported_on and h.reported_on <= h.report_due)
    counts["upward.late"] = sum(1 for h in mine if h.reported_on and h.reported_on > h.report_due)
    counts["upward.outstanding"] = sum(1 for h in mine if h.reported_on is None)
    counts["inspections.held"] = sum(
        1 for v in db.session.scalars(sa.select(LeaderInspection)) if v.held_on.year == YEAR
    )
    articles = [a for a in db.session.scalars(sa.select(ResearchArticle)) if a.written_on.year == YEAR]
    for kind in ResearchKind:
        counts[f"research.{kind.value}"] = sum(1 for a in articles if a.kind == kind)
    for destination in ResearchDestination:
        counts[f"research.{destination.value}"] = sum(1 for a in articles if getattr(a, destination.value))
    counts["research.all"] = len(articles)
    counts["checks.all.held"] = len(checks)
    counts["checks.all.failed"] = sum(1 for c in checks if c.verdict == Verdict.FAIL)
    return counts


def test_should_count_every_figure_as_the_rows_say_at_the_edges_of_the_year(rows):
    statements = []
    listener = lambda *args: statements.append(1)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    numbers = year_numbers(db.session, YEAR)
    sa.event.remove(db.engine, "before_cursor_execute", listener)
    expected = expected_counts()
    assert set(numbers.counts) == set(expected) == set(all_figures(db.session))
    assert numbers.counts == expected
    assert len(statements) == 8, "one statement per counted table (seven), and the office's list of call categories"
    assert expected["research.all"] == 9 and expected["research.leader_instructed"]
    assert not expected["research.published"]
    assert expected["upward.on_time"] and expected["upward.late"] and expected["upward.outstanding"]
    assert expected["inspections.held"] == 3 and sum(expected[k] for k in expected if ".category." in k)
    assert f"向上级反馈批示件办理结果{expected['upward.reported']}件" in numbers.summary()
    # the data reaches both sides of every edge: the figures are not all zeros
    assert 0 < expected["source.all.on_time"] < expected["source.all.closed"]
    assert 0 < expected["feedback.issued"] and 0 < expected["notice.all"] and 0 < expected["checks.all.failed"]
    assert expected["hotline.answered"] and any(expected[f"hotline.{s.value}"] for s in Satisfaction)


def test_should_link_each_figure_to_a_list_of_exactly_its_rows_and_export_the_figures(rows, client):
    make_user("tongji", Role.SUPERVISOR)
    db.session.commit()
    login(client, "tongji")
    page = client.get(f"/admin/year_numbers/?year={YEAR}").get_data(as_text=True)
    expected = expected_counts()
    links = re.findall(r'<a href="([^"]+)" data-figure="([^"]+)" data-count="(\d+)"', page)
    assert {key for _, key, _ in links} == set(expected)
    for url, key, count in links:
        assert int(count) == expected[key], key
        if not expected[key]:
            continue  # (an empty list proves little; the filter's condition is the figure's, counted above)
        listing = client.get(url.replace("&amp;", "&") + "&page_size=100").get_data(as_text=True)
        assert "无效" not in listing, key
        endpoint = url.split("/")[2]
        shown = set(re.findall(rf"/admin/{endpoint}/details/\?id=(\d+)", listing))
        assert len(shown) == expected[key], key
    summary = f"全年共发放《落实情况反馈表》{expected['feedback.issued']}份"
    assert summary in page

    docx = client.get(f"/admin/year_numbers/export.docx?year={YEAR}")
    assert docx.status_code == 200 and "attachment" in docx.headers["Content-Disposition"]
    document = Document(io.BytesIO(docx.data))
    first = next(p.text for p in document.paragraphs if p.text.startswith(f"{YEAR}年"))
    assert summary in first and f"立项督查事项{expected['source.all.registered']}件" in first
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["便民电话", str(expected["hotline.registered"]), str(expected["hotline.answered"])] == cells[
        next(n for n, r in enumerate(cells) if r[0] == "便民电话")
    ][:3]
    xlsx = client.get(f"/admin/year_numbers/export.xlsx?year={YEAR}")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_should_refuse_a_bad_year_and_a_liaison_in_chinese(client, app):
    unit = make_unit()
    make_user("tongji2", Role.LEADER)
    make_user("lian", Role.LIAISON, unit=unit)
    db.session.commit()
    login(client, "tongji2")
    response = client.get("/admin/year_numbers/?year=20x6", follow_redirects=True)
    assert response.status_code == 200 and "年度“20x6”无效" in response.get_data(as_text=True)
    bad_filter = client.get("/admin/item/?flt0_99=2026%2Fnope", follow_redirects=True)
    assert bad_filter.status_code == 200
    client.post("/logout")
    login(client, "lian")
    assert client.get("/admin/year_numbers/").status_code == 403
