"""Reads the State Council's yearly holiday notice (国务院办公厅关于20XX年部分节假日安排的通知) into calendar days."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit import act_as
from models.calendar import CalendarDay

WEEKDAY_NAMES = "一二三四五六日"
HOLIDAY, WORKDAY = "放假", "上班"
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
STATUS_LABELS = {NEW: "新增", CHANGED: "修改", UNCHANGED: "不变"}
MAX_EXCERPT = 40

TITLE_YEAR = re.compile(r"关于(\d{4})年部分节假日安排")
PREAMBLE_YEAR = re.compile(r"现将(\d{4})年")
ITEM = re.compile(r"^[一二三四五六七八九十]+[、.]([^:]{1,15}):")
PAREN = re.compile(r"\(([^()]*)\)")
WEEKDAY_IN_PAREN = re.compile(r"(?:星期|礼拜|周)([一二三四五六日天])")
# A date as the notice writes it, after normalising: [2027年][1月]3日[{weekday}], where {n} is the weekday in
# parentheses (0 = Monday) put there by _mark_weekdays.
DATE_TEXT = r"(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日(?:\{\d\})?"
DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\{(\d)\})?")
BARE_DATE = re.compile(r"^(?:国务院办公厅)?\d{4}年\d{1,2}月\d{1,2}日$")  # the signature and its date
HOLIDAY_CLAUSE = re.compile(rf"^({DATE_TEXT})(?:至({DATE_TEXT}))?(?:放假|休息)(?:调休)?(?:共?(\d+)天)?$")
MAKE_UP_REST_CLAUSE = re.compile(rf"^({DATE_TEXT})补休$")
WORKDAY_CLAUSE = re.compile(rf"^({DATE_TEXT}(?:、{DATE_TEXT})*)上班$")
COUNT_CLAUSE = re.compile(r"^共(\d+)天$")
IGNORED_CLAUSES = {"与周末连休", "不调休", "调休", "放假调休"}


@dataclass(frozen=True)
class NoticeDay:
    """One day the notice names: a holiday (放假/补休) or a make-up working day (上班), and where it was read."""

    day: date
    is_workday: bool
    line: int
    text: str
    holiday: str = ""

    @property
    def kind(self) -> str:
        """放假 or 上班."""
        return WORKDAY if self.is_workday else HOLIDAY

    @property
    def weekday(self) -> str:
        """The weekday in Chinese, e.g. 星期六."""
        return "星期" + WEEKDAY_NAMES[self.day.weekday()]

    @property
    def note(self) -> str:
        """The 说明 of the calendar row: the holiday's name, and 调休上班 for a make-up working day."""
        name = self.holiday or ""
        return (f"{name}调休上班" if self.is_workday else name or HOLIDAY)[:50]


@dataclass(frozen=True)
class NoticeError:
    """A place the parser could not read: the line (1-based; 0 for the whole text) and why, in Chinese."""

    line: int
    text: str
    message: str

    def __str__(self) -> str:
        if not self.line:
            return self.message
        excerpt = self.text if len(self.text) <= MAX_EXCERPT else self.text[: MAX_EXCERPT - 1] + "…"
        return f"第{self.line}行“{excerpt}”：{self.message}"


@dataclass
class HolidayNotice:
    """The result of reading a notice: its year, the days in date order, and every error found."""

    year: int | None
    days: list[NoticeDay] = field(default_factory=list)
    errors: list[NoticeError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the notice was read completely and names at least one day."""
        return not self.errors and bool(self.days)

    def holidays(self) -> list[date]:
        """The holiday dates."""
        return [d.day for d in self.days if not d.is_workday]

    def workdays(self) -> list[date]:
        """The make-up working dates."""
        return [d.day for d in self.days if d.is_workday]


def _plain(text: str) -> str:
    """A clause as the admin wrote it, without the weekday markers the parser put in."""
    return re.sub(r"\{\d\}", "", text)


class _Unreadable(Exception):
    """Raised inside the parser for one sentence it cannot read."""


def _normalise(line: str) -> str:
    """Full-width digits and punctuation to half-width, no spaces at all (Chinese text has none that matter)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", line))


def notice_year(text: str) -> int | None:
    """The year in the notice's title (关于2027年部分节假日安排的通知), or in its first sentence (现将2027年…)."""
    flat = _normalise(text)
    match = TITLE_YEAR.search(flat) or PREAMBLE_YEAR.search(flat)
    return int(match.group(1)) if match else None


def _mark_weekdays(sentence: str) -> str:
    """Replace each parenthesis by {n} (its weekday, 0 = Monday) or nothing when it names no weekday."""

    def replace(match: re.Match) -> str:
        found = WEEKDAY_IN_PAREN.findall(match.group(1))
        if len(found) > 1:
            raise _Unreadable(f"括号“（{match.group(1)}）”中有不止一个星期。")
        if not found:
            return ""
        if not sentence[: match.start()].endswith("日"):
            raise _Unreadable(f"括号“（{match.group(1)}）”中的星期前面没有日期。")
        name = "日" if found[0] == "天" else found[0]
        return "{" + str(WEEKDAY_NAMES.index(name)) + "}"

    return PAREN.sub(replace, sentence)


class _DateReader:
    """Turns the dates of one sentence into real dates: missing years and months come from the context."""

    def __init__(self, year: int):
        self.year = year
        self.month: int | None = None

    def read(self, text: str, *, year: int | None = None) -> date:
        """The date of `text`; without a year in it, `year` or the notice's year; without a month, the last one."""
        year_text, month_text, day_text, weekday = DATE.fullmatch(text).groups()
        month = int(month_text) if month_text else self.month
        if month is None:
            raise _Unreadable(f"“{_plain(text)}”没有写月份。")
        day = self._make(int(year_text) if year_text else (year or self.year), month, int(day_text), text)
        self.month = month
        if weekday is not None and day.weekday() != int(weekday):
            raise _Unreadable(
                f"{day.year}年{day.month}月{day.day}日是星期{WEEKDAY_NAMES[day.weekday()]}，"
                f"不是通知中写的星期{WEEKDAY_NAMES[int(weekday)]}。"
            )
        return day

    @staticmethod
    def _make(year: int, month: int, day: int, text: str) -> date:
        try:
            return date(year, month, day)
        except ValueError:
            raise _Unreadable(f"“{_plain(text)}”不是有效的日期。") from None


def _read_range(reader: _DateReader, start_text: str, end_text: str | None) -> list[date]:
    """All the days from start to end; "12月31日至1月2日" in the notice for Y runs from Y-1 into Y."""
    if not end_text:
        return [reader.read(start_text)]
    start_match, end_match = DATE.fullmatch(start_text), DATE.fullmatch(end_text)
    start_month = int(start_match.group(2)) if start_match.group(2) else reader.month
    end_month = int(end_match.group(2)) if end_match.group(2) else start_month
    wraps = start_month is not None and end_month < start_month
    start = reader.read(start_text, year=reader.year - 1 if wraps else None)
    end = reader.read(end_text, year=start.year + 1 if wraps else start.year)
    if end < start:
        raise _Unreadable(f"“{_plain(start_text)}至{_plain(end_text)}”的结束日期早于开始日期。")
    if (end - start).days > 31:
        raise _Unreadable(f"“{_plain(start_text)}至{_plain(end_text)}”超过一个月，请核对日期。")
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _read_sentence(sentence: str, year: int, holiday: str) -> list[tuple[date, bool]]:
    """The (day, is_workday) pairs of one sentence of an item, e.g. "1月1日(周四)至3日(周六)放假调休,共3天"."""
    reader = _DateReader(year)
    days: list[tuple[date, bool]] = []
    rest_days = 0
    for clause in re.split(r"[,，]", _mark_weekdays(sentence)):
        if not clause or clause in IGNORED_CLAUSES:
            continue
        if match := HOLIDAY_CLAUSE.fullmatch(clause):
            dates = _read_range(reader, match.group(1), match.group(2))
            if match.group(3) and int(match.group(3)) != len(dates):
                raise _Unreadable(f"写明放假{match.group(3)}天，但列出的日期共{len(dates)}天。")
            days += [(d, False) for d in dates]
            rest_days += len(dates)
        elif match := MAKE_UP_REST_CLAUSE.fullmatch(clause):
            days.append((reader.read(match.group(1)), False))
            rest_days += 1
        elif match := WORKDAY_CLAUSE.fullmatch(clause):
            days += [(reader.read(m.group(0)), True) for m in DATE.finditer(match.group(1))]
        elif match := COUNT_CLAUSE.fullmatch(clause):
            if int(match.group(1)) != rest_days:
                raise _Unreadable(f"写明共{match.group(1)}天，但列出的放假日期共{rest_days}天。")
        else:
            raise _Unreadable(f"读不懂“{_plain(clause)}”：应写成“1月1日至3日放假”“1月4日（星期日）上班”这样的句子。")
    for day, _ in days:
        if day.year != year and not (day.year == year - 1 and day.month == 12):
            raise _Unreadable(f"{day.isoformat()}不在{year}年的放假安排之内。")
    return days


def parse_holiday_notice(text: str, year: int | None = None) -> HolidayNotice:
    """Read a pasted notice: every 放假 range, 补休 day and 上班 day, with the line each came from.

    The year comes from the title (关于2027年部分节假日安排的通知), else from `year`. Lines without dates
    (title, salutation, closing paragraph) and the 除夕 encouragement are skipped; every other sentence that
    names a date must be read completely, or it is reported as an error naming its line.
    """
    found_year = notice_year(text)
    if found_year and year and found_year != year:
        return HolidayNotice(
            found_year, errors=[NoticeError(0, "", f"通知标题中的年份是{found_year}年，与填写的{year}年不一致。")]
        )
    year = found_year or year
    if not year:
        return HolidayNotice(
            None,
            errors=[
                NoticeError(
                    0,
                    "",
                    "找不到通知的年份：请粘贴含标题“国务院办公厅关于20XX年部分节假日安排的通知”的全文，或填写年份。",
                )
            ],
        )
    notice = HolidayNotice(year)
    seen: dict[date, NoticeDay] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _normalise(raw)
        holiday, in_item = "", False
        for sentence in re.split(r"[。;；]", line):
            if item := ITEM.match(sentence):
                holiday, in_item = item.group(1), True
                sentence = sentence[item.end() :]
            if not DATE.search(sentence) or BARE_DATE.fullmatch(sentence):
                if item and sentence:
                    notice.errors.append(NoticeError(number, raw.strip(), f"读不懂“{sentence}”：没有找到日期。"))
                continue
            if "鼓励" in sentence or not (in_item or re.search("放假|上班|补休|调休", sentence)):
                continue  # the 除夕 encouragement, a news dateline
            try:
                pairs = _read_sentence(sentence, year, holiday)
            except _Unreadable as problem:
                notice.errors.append(NoticeError(number, raw.strip(), str(problem)))
                continue
            for day, is_workday in pairs:
                earlier = seen.get(day)
                if earlier is not None and earlier.is_workday != is_workday:
                    notice.errors.append(
                        NoticeError(
                            number,
                            raw.strip(),
                            f"{day.isoformat()}在第{earlier.line}行是{earlier.kind}，这里又是"
                            f"{WORKDAY if is_workday else HOLIDAY}。",
                        )
                    )
                elif earlier is None:
                    seen[day] = NoticeDay(day, is_workday, number, raw.strip(), holiday)
    notice.days = sorted(seen.values(), key=lambda d: d.day)
    if not notice.days and not notice.errors:
        notice.errors.append(
            NoticeError(0, "", "没有读到任何放假或上班的日期：请粘贴通知正文（“一、元旦：……”等各条）。")
        )
    return notice


@dataclass(frozen=True)
class PlannedDay:
    """A day of the notice against the calendar rows: new, changed (with the old value) or unchanged."""

    day: NoticeDay
    status: str
    old_is_workday: bool | None = None

    @property
    def status_label(self) -> str:
        """新增 / 修改 / 不变."""
        return STATUS_LABELS[self.status]

    @property
    def old_kind(self) -> str:
        """What the calendar row said before (放假/上班), or empty for a new row."""
        if self.old_is_workday is None:
            return ""
        return WORKDAY if self.old_is_workday else HOLIDAY


def plan_holiday_notice(session: Session, notice: HolidayNotice) -> list[PlannedDay]:
    """Compare the notice's days with the calendar rows (节假日调整) of those dates."""
    dates = [d.day for d in notice.days]
    rows = (
        dict(session.execute(select(CalendarDay.day, CalendarDay.is_workday).where(CalendarDay.day.in_(dates))).all())
        if dates
        else {}
    )
    plan = []
    for day in notice.days:
        if day.day not in rows:
            plan.append(PlannedDay(day, NEW))
        elif rows[day.day] != day.is_workday:
            plan.append(PlannedDay(day, CHANGED, rows[day.day]))
        else:
            plan.append(PlannedDay(day, UNCHANGED, rows[day.day]))
    return plan


def apply_holiday_notice(session: Session, notice: HolidayNotice, *, actor, now) -> list[PlannedDay]:
    """Write the notice's days as calendar rows: add new dates, update changed ones, leave the rest; flush only."""
    if not notice.ok:
        raise ValueError("放假通知未能完整读取，未写入任何日期。")
    act_as(session, actor, now=now)
    plan = plan_holiday_notice(session, notice)
    changed = {p.day.day: p for p in plan if p.status == CHANGED}
    if changed:
        for row in session.scalars(select(CalendarDay).where(CalendarDay.day.in_(list(changed)))):
            row.is_workday = changed[row.day].day.is_workday
            row.note = changed[row.day].day.note
    for planned in plan:
        if planned.status == NEW:
            session.add(CalendarDay(day=planned.day.day, is_workday=planned.day.is_workday, note=planned.day.note))
    session.flush()
    return plan
