"""The year in numbers (年度统计): the figures of the office's year-end report, each one SQL condition on one table.

A figure is a `Figure`: a label, the table it counts (Item, Assignment, Feedback, Notice, SupervisionCheck) and a
function of the year giving the SQL condition of exactly the rows it counts. The same condition counts the figure
here and selects the rows of its list (the 年度统计 filter of each list, admin_views/year_numbers.py), so a figure
and the list behind it never disagree. Figures are gathered in tables (`FigureTable`) built by small functions in
TABLE_BUILDERS; a new figure (a hotline category, research articles) is one more function there.

All figures of one table are counted in one statement (`count(*) FILTER (WHERE …)`), so the page costs one statement
per counted table, whatever the year holds.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.assignment import Assignment
from models.check import CHECK_STAGES, CheckState, SupervisionCheck, Verdict
from models.feedback import Feedback, ReviewStatus
from models.hotline import HotlineCall, HotlineCategory
from models.inspection import LeaderInspection
from models.item import OPEN_ITEM_STATUSES, Item, ItemSource, ItemStatus, Satisfaction
from models.notice import Notice, NoticeKind, NoticeStatus
from models.research import ResearchArticle, ResearchDestination, ResearchKind
from models.sql_dates import china_day, year_bounds
from models.upward import HigherInstruction


def _within(column, year: int):
    """A UTC timestamp column falls in `year` (China time)."""
    start, end = year_bounds(year)
    return (column >= start) & (column < end)


# The rows each counted table contributes to a year (the scope every figure of that table starts from).
YEAR_SCOPES: dict[type, Callable[[int], object]] = {
    Item: lambda year: Item.year == year,  # items numbered (立项) that year: 督〔2026〕N号
    Assignment: lambda year: _within(Assignment.assigned_at, year),  # shares assigned, each with its form
    Feedback: lambda year: _within(Feedback.submitted_at, year),
    Notice: lambda year: (Notice.status == NoticeStatus.ISSUED) & _within(Notice.issued_at, year),
    SupervisionCheck: lambda year: (SupervisionCheck.state == CheckState.DECIDED)
    & SupervisionCheck.planned_on.between(date(year, 1, 1), date(year, 12, 31)),
    LeaderInspection: lambda year: LeaderInspection.held_on.between(date(year, 1, 1), date(year, 12, 31)),
    ResearchArticle: lambda year: ResearchArticle.written_on.between(date(year, 1, 1), date(year, 12, 31)),
}
# The list (admin endpoint) that shows each table's rows.
ENDPOINTS = {
    Item: "item",
    Assignment: "assignment",
    Feedback: "feedback",
    Notice: "notice",
    SupervisionCheck: "check",
    LeaderInspection: "leader_inspection",
    ResearchArticle: "research",
}
INSTRUCTION_SOURCES = (ItemSource.HIGHER_INSTRUCTION, ItemSource.LEADER_INSTRUCTION)


@dataclass(frozen=True)
class Figure:
    """One figure: its key (unique, used in list links), label, counted table and the condition of its rows."""

    key: str
    label: str
    model: type
    condition: Callable[[int], object] = field(compare=False)  # year -> extra SQL condition beyond the year scope

    def where(self, year: int):
        """The SQL condition of exactly the rows this figure counts in `year`."""
        return YEAR_SCOPES[self.model](year) & self.condition(year)

    @property
    def endpoint(self) -> str:
        """The admin list showing this figure's rows."""
        return ENDPOINTS[self.model]


@dataclass(frozen=True)
class FigureTable:
    """A table of the page and of the exports: a title, column headings, and rows of (row label, figures)."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Figure | None, ...]], ...]


# ---- the item conditions every source table shares -------------------------------------------------------------


def _all(year):
    return Item.id.is_not(None)


def _closed(year):
    return Item.status == ItemStatus.CLOSED


def _closed_on_time(year):
    return (Item.status == ItemStatus.CLOSED) & (china_day(Item.closed_at) <= Item.deadline)


def _open(year):
    return Item.status.in_(OPEN_ITEM_STATUSES)


ITEM_MEASURES = (("立项", "registered", _all), ("办结", "closed", _closed), ("按时办结", "on_time", _closed_on_time))
ITEM_MEASURES += (("未办结", "open", _open),)


def _of_sources(sources, condition):
    return lambda year: Item.source.in_(tuple(sources)) & condition(year)


def items_by_source() -> FigureTable:
    """督查事项（按来源）: registered, closed, closed on time and still open, per source and in all."""
    rows = []
    for source in ItemSource:
        figures = tuple(
            Figure(f"source.{source.value}.{key}", f"{source.label}·{label}", Item, _of_sources([source], condition))
            for label, key, condition in ITEM_MEASURES
        )
        rows.append((source.label, figures))
    total = tuple(
        Figure(f"source.all.{key}", f"合计·{label}", Item, condition) for label, key, condition in ITEM_MEASURES
    )
    rows.append(("合计", total))
    return FigureTable("sources", "督查事项（按来源）", tuple(label for label, _, _ in ITEM_MEASURES), tuple(rows))


def feedback_forms() -> FigureTable:
    """《落实情况反馈表》: forms issued (a unit's share assigned, with its form) and reports received."""
    issued = Figure("feedback.issued", "发放《落实情况反馈表》", Assignment, lambda year: Assignment.id.is_not(None))
    received = Figure("feedback.received", "收到反馈", Feedback, lambda year: Feedback.id.is_not(None))
    accepted = Figure(
        "feedback.accepted", "审核通过", Feedback, lambda year: Feedback.review_status == ReviewStatus.ACCEPTED
    )
    return FigureTable(
        "feedback",
        "《落实情况反馈表》",
        ("份数",),
        (("发放（交办承办单位）", (issued,)), ("收到反馈", (received,)), ("其中审核通过", (accepted,))),
    )


def instructions() -> FigureTable:
    """上级和领导批示件: supervised (立项), closed, closed on time (办理结果按期反馈), still open."""
    figures = tuple(
        Figure(f"instructions.{key}", f"上级和领导批示件·{label}", Item, _of_sources(INSTRUCTION_SOURCES, condition))
        for label, key, condition in ITEM_MEASURES
    )
    return FigureTable(
        "instructions",
        "上级和领导批示件",
        tuple(label for label, _, _ in ITEM_MEASURES),
        (("督办上级和领导批示件", figures),),
    )


def _answered_and_satisfaction(source: ItemSource, key: str, title: str, noun: str) -> FigureTable:
    """Calls or proposals: registered, answered, and how those who judged the answer judged it."""

    def of_source(condition):
        return lambda year: (Item.source == source) & condition(year)

    registered = Figure(f"{key}.registered", f"{noun}·立项", Item, of_source(_all))
    answered = Figure(f"{key}.answered", f"{noun}·已答复", Item, of_source(lambda year: Item.answered_at.is_not(None)))
    judged = tuple(
        Figure(f"{key}.{level.value}", f"{noun}·{level.label}", Item, of_source(_judged(level)))
        for level in Satisfaction
    )
    return FigureTable(
        key,
        title,
        ("立项", "已答复", *(level.label for level in Satisfaction)),
        ((noun, (registered, answered, *judged)),),
    )


def _judged(level: Satisfaction):
    return lambda year: Item.satisfaction == level


def hotline() -> FigureTable:
    """便民公开电话: calls registered, answered, and the callers' satisfaction."""
    return _answered_and_satisfaction(ItemSource.HOTLINE, "hotline", "便民公开电话", "便民电话")


def proposals() -> FigureTable:
    """职工代表建议和提案: proposals registered, answered, and the representatives' satisfaction."""
    return _answered_and_satisfaction(ItemSource.STAFF_PROPOSAL, "proposals", "职工代表建议和提案", "建议提案")


def _calls_of_category(category_id: int | None):
    calls = select(HotlineCall.item_id).where(
        HotlineCall.category_id == category_id if category_id else HotlineCall.category_id.is_(None)
    )
    return lambda year: (Item.source == ItemSource.HOTLINE) & Item.id.in_(calls)


def _category_figure(category_id: int, name: str = "来电类别") -> Figure:
    return Figure(f"hotline.category.{category_id}", f"便民电话·{name}", Item, _calls_of_category(category_id))


def hotline_by_category(session: Session | None = None) -> FigureTable:
    """便民公开电话（按类别）: the calls of each category of the office's editable list (信访, 城管, 供暖 …)."""
    categories = []
    if session is not None:
        categories = session.execute(
            select(HotlineCategory.id, HotlineCategory.name).order_by(HotlineCategory.sort_order, HotlineCategory.id)
        ).all()
    rows = tuple((name, (_category_figure(category_id, name),)) for category_id, name in categories)
    return FigureTable("hotline_categories", "便民公开电话（按类别）", ("来电",), rows)


def _upward(condition):
    reports = select(HigherInstruction.item_id).where(condition)
    return lambda year: (Item.source == ItemSource.HIGHER_INSTRUCTION) & Item.id.in_(reports)


def upward_reports() -> FigureTable:
    """上级转来的领导批示件: the results reported back upward, on time (按期反馈办理结果) or late, and not yet."""
    hi = HigherInstruction
    measures = (
        ("应上报", "due", hi.id.is_not(None)),
        ("已上报", "reported", hi.reported_on.is_not(None)),
        ("按期上报", "on_time", hi.reported_on <= hi.report_due),
        ("逾期上报", "late", hi.reported_on > hi.report_due),
        ("未上报", "outstanding", hi.reported_on.is_(None)),
    )
    figures = tuple(
        Figure(f"upward.{key}", f"上级批示件·{label}", Item, _upward(cond)) for label, key, cond in measures
    )
    return FigureTable(
        "upward",
        "上级转来的领导批示件（向上反馈）",
        tuple(m[0] for m in measures),
        (("上级转来的领导批示件", figures),),
    )


def leader_inspections() -> FigureTable:
    """领导督查: the on-site supervisions leaders held in the year."""
    held = Figure("inspections.held", "领导督查", LeaderInspection, lambda year: LeaderInspection.id.is_not(None))
    return FigureTable("inspections", "领导督查（现场办公）", ("次数",), (("领导督查", (held,)),))


def research_articles() -> FigureTable:
    """督查调研文章: written in the year, by kind, and where they went (领导批示, 采用, 刊发; several or none)."""
    rows = [
        (kind.label, (Figure(f"research.{kind.value}", f"督查调研·{kind.label}", ResearchArticle, _of_research(kind)),))
        for kind in ResearchKind
    ]
    rows += [
        (
            f"其中{destination.label}",
            (
                Figure(
                    f"research.{destination.value}",
                    f"督查调研·{destination.label}",
                    ResearchArticle,
                    _went(destination),
                ),
            ),
        )
        for destination in ResearchDestination
    ]
    total = Figure("research.all", "督查调研文章", ResearchArticle, lambda year: ResearchArticle.id.is_not(None))
    return FigureTable("research", "督查调研文章", ("篇数",), (*rows, ("合计", (total,))))


def _of_research(kind: ResearchKind):
    return lambda year: ResearchArticle.kind == kind


def _went(destination: ResearchDestination):
    return lambda year: getattr(ResearchArticle, destination.value).is_(True)


def notices_by_kind() -> FigureTable:
    """文书: notices issued (签发) in the year, by kind."""
    rows = tuple(
        (kind.label, (Figure(f"notice.{kind.value}", kind.label, Notice, _of_kind(kind)),)) for kind in NoticeKind
    )
    total = Figure("notice.all", "文书合计", Notice, lambda year: Notice.id.is_not(None))
    return FigureTable("notices", "下发文书（按类别）", ("份数",), (*rows, ("合计", (total,))))


def _of_kind(kind: NoticeKind):
    return lambda year: Notice.kind == kind


def checks() -> FigureTable:
    """三次督查: checks held (decided) and failed, per round and in all."""

    def of_round(number, failed):
        def condition(year):
            held = SupervisionCheck.round == number if number else SupervisionCheck.id.is_not(None)
            return held & (SupervisionCheck.verdict == Verdict.FAIL) if failed else held

        return condition

    rows = []
    for number, name in [(stage.number, stage.name) for stage in CHECK_STAGES] + [(0, "合计")]:
        key = f"checks.{number or 'all'}"
        rows.append(
            (
                name,
                (
                    Figure(f"{key}.held", f"{name}·督查", SupervisionCheck, of_round(number, False)),
                    Figure(f"{key}.failed", f"{name}·不合格", SupervisionCheck, of_round(number, True)),
                ),
            )
        )
    return FigureTable("checks", "三次督查", ("督查次数", "不合格"), tuple(rows))


# The page's tables, in order.
TABLE_BUILDERS: list[Callable[[], FigureTable]] = [
    items_by_source,
    feedback_forms,
    instructions,
    upward_reports,
    hotline,
    hotline_by_category,
    proposals,
    notices_by_kind,
    checks,
    leader_inspections,
    research_articles,
]
DATA_TABLES = (hotline_by_category,)  # tables whose rows are the office's own lists: they read the session


def figure_tables(session: Session | None = None) -> list[FigureTable]:
    """Every table of the page, built fresh from TABLE_BUILDERS (the office's lists read from `session`)."""
    return [build(session) if build in DATA_TABLES else build() for build in TABLE_BUILDERS]


def all_figures(session: Session | None = None) -> dict[str, Figure]:
    """Every figure by its key."""
    return figures_of(figure_tables(session))


def figures_of(tables: list[FigureTable]) -> dict[str, Figure]:
    """The figures of some tables by key."""
    figures = {}
    for table in tables:
        for _, row in table.rows:
            for figure in row:
                if figure is not None:
                    figures[figure.key] = figure
    return figures


@dataclass
class YearNumbers:
    """A year's figures: the tables, each figure's count by key, and the sentences of the report."""

    year: int
    tables: list[FigureTable]
    counts: dict[str, int]

    def __getitem__(self, key: str) -> int:
        return self.counts[key]

    def rate(self, part: str, whole: str) -> str:
        """part / whole as a percentage text ("—" when the whole is nothing)."""
        return f"{self.counts[part] * 100 / self.counts[whole]:.1f}%" if self.counts[whole] else "—"

    def satisfaction_rate(self, prefix: str) -> str:
        """满意 + 基本满意 among those who judged, as a percentage text."""
        judged = sum(self.counts[f"{prefix}.{level.value}"] for level in Satisfaction)
        good = self.counts[f"{prefix}.satisfied"] + self.counts[f"{prefix}.basically"]
        return f"{good * 100 / judged:.1f}%" if judged else "—"

    def _categories(self) -> str:
        """信访3件、城管2件 … from the hotline-by-category table (the categories with calls)."""
        table = next((t for t in self.tables if t.key == "hotline_categories"), None)
        parts = [f"{name}{self.counts[f.key]}件" for name, (f,) in (table.rows if table else ()) if self.counts[f.key]]
        return "、".join(parts) or "无分类来电"

    def summary(self) -> str:
        """The year in the report's sentences (全年共发放《落实情况反馈表》26份，督办上级和领导批示件12件 …)."""
        c = self.counts
        kinds = {kind: c[f"notice.{kind.value}"] for kind in NoticeKind}
        return (
            f"{self.year}年，督查室共立项督查事项{c['source.all.registered']}件，办结{c['source.all.closed']}件，"
            f"其中按时办结{c['source.all.on_time']}件，"
            f"按时办结率{self.rate('source.all.on_time', 'source.all.closed')}；"
            f"全年共发放《落实情况反馈表》{c['feedback.issued']}份，收到反馈{c['feedback.received']}份；"
            f"督办上级和领导批示件{c['instructions.registered']}件，按期办结{c['instructions.on_time']}件；"
            f"承办便民电话{c['hotline.registered']}件，已答复{c['hotline.answered']}件，"
            f"回访满意率{self.satisfaction_rate('hotline')}；"
            f"其中{self._categories()}；"
            f"向上级反馈批示件办理结果{c['upward.reported']}件，其中按期反馈{c['upward.on_time']}件；"
            f"办理职工代表建议和提案{c['proposals.registered']}件，答复{c['proposals.answered']}件，"
            f"满意率{self.satisfaction_rate('proposals')}。"
            f"局领导现场督查{c['inspections.held']}次；撰写督查调研文章{c['research.all']}篇，"
            f"其中被领导批示{c['research.leader_instructed']}篇、采用{c['research.adopted']}篇。"
            f"全年实行三次督查{c['checks.all.held']}次，不合格{c['checks.all.failed']}次；"
            f"下发《整改通知书》{kinds[NoticeKind.RECTIFICATION]}份，通报批评{kinds[NoticeKind.CRITICISM]}次，"
            f"黄牌警告{kinds[NoticeKind.YELLOW_CARD]}次，提请追责{kinds[NoticeKind.ACCOUNTABILITY]}次，"
            f"催办通知单{kinds[NoticeKind.REMINDER]}份。"
        )


def year_numbers(session: Session, year: int) -> YearNumbers:
    """Count every figure of `year`: one statement per counted table (count(*) FILTER for each figure)."""
    tables = figure_tables(session)
    by_model: dict[type, list[Figure]] = {}
    for figure in figures_of(tables).values():
        by_model.setdefault(figure.model, []).append(figure)
    counts: dict[str, int] = {}
    for model, figures in by_model.items():
        statement = select(*(func.count().filter(figure.condition(year)) for figure in figures)).where(
            YEAR_SCOPES[model](year)
        )
        statement = statement.select_from(model)
        row = session.execute(statement).one()
        counts.update({figure.key: int(value or 0) for figure, value in zip(figures, row, strict=True)})
    return YearNumbers(year, tables, counts)


def figure_of(value: str) -> tuple[int, Figure] | None:
    """The (year, figure) a list filter value like '2026/source.hotline.closed' names; None when it names none."""
    year_text, _, key = (value or "").strip().partition("/")
    if not (year_text.isdigit() and len(year_text) == 4):
        return None
    figure = all_figures().get(key)
    category = key.removeprefix("hotline.category.")
    if figure is None and category != key and category.isdigit() and len(category) < 10:
        figure = _category_figure(int(category))  # a category of the office's list: its id names it
    return (int(year_text), figure) if figure else None
