"""The State Council's holiday notice pasted in (导入放假通知): the parser on real notices, the CLI, the admin page."""

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from chinese_calendar.constants import holidays as LIBRARY_HOLIDAYS
from chinese_calendar.constants import workdays as LIBRARY_WORKDAYS

from extensions import db
from models import AuditEvent, CalendarDay, Role
from tests.conftest import csrf_token_from, make_config
from tests.factories import PASSWORD, login, make_user
from workdays import WorkCalendar
from workflows.holiday_notice import parse_holiday_notice

pytestmark = pytest.mark.sqlite_only  # nothing here depends on the database's dialect

NOTICES = Path(__file__).resolve().parents[1] / "data" / "holiday_notices"
KNOWN_YEARS = list(range(2017, 2027))

# Days the State Council changed after its yearly notice, so chinese_calendar (which has the final arrangement)
# differs from the notice there and only there.
AMENDED = {
    # 国务院办公厅关于调整2019年劳动节假期安排的通知: 5月1日至4日放假，4月28日、5月5日上班.
    2019: {date(2019, 4, 28), date(2019, 5, 2), date(2019, 5, 3), date(2019, 5, 5)},
    # 国务院办公厅关于延长2020年春节假期的通知: the holiday ran to 2 February, 1 February was no longer a working day.
    2020: {date(2020, 1, 31), date(2020, 2, 1)},
}

# An invented notice for 2027 in the usual wording (the real one is published in November 2026).
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经国务院批准，现将2027年元旦、春节、国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日（周五）至3日（周日）放假，共3天。
　　二、春节：2月6日（周六）至14日（周日）放假调休，共9天。2月20日（周六）上班。
　　三、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
"""


def notice_text(year: int) -> str:
    """The text of a year's notice, as published."""
    return (NOTICES / f"{year}.txt").read_text(encoding="utf-8")


def effective_workday(notice, day: date) -> bool:
    """Whether `day` is worked when only the notice's days are known (Monday–Friday otherwise)."""
    named = {d.day: d.is_workday for d in notice.days}
    return named.get(day, day.weekday() < 5)


# ----- the parser on real notices -------------------------------------------------------------------------------
@pytest.mark.parametrize("year", KNOWN_YEARS)
def test_should_read_each_real_notice_as_chinese_calendar_has_that_year(year):
    notice = parse_holiday_notice(notice_text(year))
    assert notice.ok, [str(e) for e in notice.errors]
    assert notice.year == year
    # Days at the end of the year that next year's notice arranges (2018-12-29 … 31 come from the 2019 notice).
    next_notice = NOTICES / f"{year + 1}.txt"
    later = {d.day for d in parse_holiday_notice(notice_text(year + 1)).days} if next_notice.exists() else set()
    days = {date(year, 1, 1) + timedelta(n) for n in range(366) if (date(year, 1, 1) + timedelta(n)).year == year}
    days = (days | {d.day for d in notice.days}) - later
    differing = {d for d in days if effective_workday(notice, d) != chinese_calendar.is_workday(d)}
    assert differing == AMENDED.get(year, set())
    # The lists themselves: every make-up day of the library, every holiday named is one of the library's.
    library_workdays = {d for d in LIBRARY_WORKDAYS if d in days}
    assert set(notice.workdays()) ^ library_workdays <= AMENDED.get(year, set())
    assert set(notice.holidays()) - set(LIBRARY_HOLIDAYS) <= AMENDED.get(year, set())


def test_should_read_the_usual_wordings():
    notice = parse_holiday_notice(
        "一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。\n"
        "二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。"
        "2月14日（周六）、2月28日（周六）上班。",
        2026,
    )
    assert notice.ok
    assert notice.holidays()[:3] == [date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)]
    assert notice.workdays() == [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28)]
    assert len(notice.holidays()) == 12
    assert [d.line for d in notice.days if d.day.month == 2] == [2] * 11
    assert notice.days[0].holiday == "元旦" and notice.days[0].note == "元旦"
    assert notice.days[3].note == "元旦调休上班"

    older = parse_holiday_notice(
        "一、元旦：1月1日放假，1月2日（星期一）补休。\n四、劳动节：5月1日放假，与周末连休。\n"
        "六、中秋节、国庆节：10月1日至8日放假调休，共8天。9月30日（星期六）上班。",
        2017,
    )
    assert older.ok
    assert older.holidays() == [date(2017, 1, 1), date(2017, 1, 2), date(2017, 5, 1)] + [
        date(2017, 10, d) for d in range(1, 9)
    ]
    assert older.workdays() == [date(2017, 9, 30)]


def test_should_read_half_width_punctuation_full_width_digits_and_stray_spaces():
    plain = parse_holiday_notice("一、元旦:1月1日(周四)至3日(周六)放假调休,共3天。1月4日(周日)上班。", 2026)
    wide = parse_holiday_notice(
        "一、元旦：１月１日（星期四）至 ３日（星期六）放假调休，共 ３ 天。 1 月 4 日 （周日）上班。", 2026
    )
    assert plain.ok and wide.ok
    assert [(d.day, d.is_workday) for d in plain.days] == [(d.day, d.is_workday) for d in wide.days]
    assert plain.workdays() == [date(2026, 1, 4)]


def test_should_read_ranges_across_months_and_years():
    notice = parse_holiday_notice(
        "一、元旦：12月31日至1月1日放假，共2天。\n二、中秋节、国庆节：9月29日至10月6日放假调休，共8天。", 2027
    )
    assert notice.ok
    assert notice.holidays()[:2] == [date(2026, 12, 31), date(2027, 1, 1)]
    assert notice.holidays()[2:] == [date(2027, 9, 29) + timedelta(n) for n in range(8)]
    explicit = parse_holiday_notice(notice_text(2023))
    assert explicit.holidays()[:3] == [date(2022, 12, 31), date(2023, 1, 1), date(2023, 1, 2)]


def test_should_ignore_the_new_years_eve_encouragement():
    notice = parse_holiday_notice(notice_text(2024))
    assert date(2024, 2, 9) not in notice.holidays()
    assert notice.workdays()[:2] == [date(2024, 2, 4), date(2024, 2, 18)]


def test_should_read_a_notice_pasted_as_one_line():
    notice = parse_holiday_notice(notice_text(2025).replace("\n", ""))
    assert notice.ok
    assert [(d.day, d.is_workday) for d in notice.days] == [
        (d.day, d.is_workday) for d in parse_holiday_notice(notice_text(2025)).days
    ]


# ----- what it refuses --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "line, message",
    [
        (
            "二、春节：2月6日（周六）至14日（周日）放假调休，共9天。2月20日（周日）上班。",
            "2027年2月20日是星期六，不是通知中写的星期日",
        ),
        ("二、春节：2月6日至14日放假调休，共8天。", "写明共8天，但列出的放假日期共9天"),
        ("二、春节：2月6日至14日放假调休，共9天。2月20日（周六）加班。", "读不懂“2月20日加班”"),
        ("二、春节：2月30日放假。", "“2月30日”不是有效的日期"),
        ("二、春节：2月14日至6日放假。", "结束日期早于开始日期"),
        ("二、春节：二月六日至十四日放假调休。", "没有找到日期"),
        ("二、春节：2月6日放假。2月6日（周六）上班。", "2027-02-06在第4行是放假，这里又是上班"),
        ("二、春节：2026年2月6日放假。", "2026-02-06不在2027年的放假安排之内"),
    ],
)
def test_should_refuse_what_it_cannot_read_naming_the_line(line, message):
    text = "国务院办公厅关于2027年部分节假日安排的通知\n\n一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n" + line
    notice = parse_holiday_notice(text)
    assert not notice.ok
    assert [e.line for e in notice.errors] == [4]
    assert str(notice.errors[0]).startswith("第4行“二、春节：")
    assert message in str(notice.errors[0])


def test_should_need_a_year_from_the_title_or_the_admin():
    body = "一、元旦：1月1日（周五）至3日（周日）放假，共3天。"
    assert "找不到通知的年份" in str(parse_holiday_notice(body).errors[0])
    assert parse_holiday_notice(body, 2027).ok
    mismatch = parse_holiday_notice("国务院办公厅关于2027年部分节假日安排的通知\n" + body, 2028)
    assert "与填写的2028年不一致" in str(mismatch.errors[0])
    assert "没有读到任何放假或上班的日期" in str(
        parse_holiday_notice("国务院办公厅关于2027年部分节假日安排的通知").errors[0]
    )


# ----- the command line --------------------------------------------------------------------------------------------
def test_should_print_each_day_in_date_order_and_write_them_once(app, runner, tmp_path):
    path = tmp_path / "2027.txt"
    path.write_text(NOTICE_2027, encoding="utf-8")
    dry = runner.invoke(args=["import-holidays", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    lines = dry.stdout.splitlines()
    assert lines[:4] == ["2027-01-01 放假", "2027-01-02 放假", "2027-01-03 放假", "2027-02-06 放假"]
    assert "2027-02-20 上班" in lines and lines[-1] == "2027-10-09 上班"
    assert lines == sorted(lines) and len(lines) == 3 + 9 + 1 + 7 + 2
    assert db.session.scalar(db.select(db.func.count()).select_from(CalendarDay)) == 0

    first = runner.invoke(args=["import-holidays", str(path)])
    assert first.exit_code == 0 and first.stdout == dry.stdout
    assert "新增 22 天" in first.stderr
    again = runner.invoke(args=["import-holidays", str(path)])
    assert again.exit_code == 0 and "新增 0 天，修改 0 天，不变 22 天" in again.stderr
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(CalendarDay)) == 22
    calendar = WorkCalendar.load(db.session)
    assert calendar.knows(2027)
    assert not calendar.is_workday(date(2027, 2, 8)) and calendar.is_workday(date(2027, 2, 20))
    assert db.session.scalar(db.select(AuditEvent.actor_name).filter_by(entity="calendar_day").limit(1)) == "命令行导入"


def test_should_refuse_an_unreadable_file_with_a_non_zero_exit_naming_the_line(app, runner, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text(NOTICE_2027.replace("2月20日（周六）", "2月20日（周日）"), encoding="utf-8")
    result = runner.invoke(args=["import-holidays", str(path)])
    assert result.exit_code == 1
    assert "第6行" in result.stderr and "不是通知中写的星期日" in result.stderr
    assert result.stdout == ""
    assert db.session.scalar(db.select(db.func.count()).select_from(CalendarDay)) == 0
    missing = runner.invoke(args=["import-holidays", str(tmp_path / "none.txt")])
    assert missing.exit_code != 0 and "找不到文件" in missing.output


# ----- the admin page ----------------------------------------------------------------------------------------------
@pytest.fixture
def admin(client):
    """A client signed in as an admin."""
    make_user("root", Role.ADMIN, display_name="管理员")
    db.session.commit()
    login(client, "root")
    return client


def test_should_preview_then_confirm_a_pasted_notice_updating_existing_rows(admin):
    warning = admin.get("/admin/").get_data(as_text=True)  # 2027 has no holiday data yet: the dashboard says so
    assert "2027年的法定节假日" in warning and "/admin/calendar/notice/" in warning
    assert "粘贴放假通知导入" in admin.get("/admin/calendar/").get_data(as_text=True)
    db.session.add(CalendarDay(day=date(2027, 2, 20), is_workday=False, note="手工录入"))  # to be corrected
    db.session.add(CalendarDay(day=date(2027, 10, 1), is_workday=False, note="国庆节"))  # already right
    db.session.commit()

    preview = admin.post("/admin/calendar/notice/", data={"text": NOTICE_2027, "preview": ""})
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "2027-02-20" in page and "星期六" in page and "修改（原为放假）" in page
    assert "第6行" in page and "确认导入（新增 20 天，修改 1 天）" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(CalendarDay)) == 2

    digest = page.split('name="previewed" type="hidden" value="')[1].split('"')[0]
    form = {"text": NOTICE_2027, "previewed": digest, "confirm": ""}
    done = admin.post("/admin/calendar/notice/", data=form)
    assert done.status_code == 302
    assert "新增 20 天，修改 1 天，不变 1 天" in admin.get(done.headers["Location"]).get_data(as_text=True)
    again = admin.post("/admin/calendar/notice/", data=form)
    assert again.status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(db.select(CalendarDay)).all()
    assert len(rows) == 22
    corrected = next(r for r in rows if r.day == date(2027, 2, 20))
    assert corrected.is_workday and corrected.note == "春节调休上班"
    summaries = db.session.scalars(db.select(AuditEvent.summary).filter_by(entity="calendar_day", action="修改")).all()
    assert summaries == ["是否上班：否 → 是；说明：手工录入 → 春节调休上班"]
    assert db.session.scalar(db.select(AuditEvent.actor_name).filter_by(action="新建", entity="calendar_day").limit(1))


def test_should_not_confirm_text_changed_after_the_preview(admin):
    preview = admin.post("/admin/calendar/notice/", data={"text": NOTICE_2027})
    digest = preview.get_data(as_text=True).split('name="previewed" type="hidden" value="')[1].split('"')[0]
    edited = NOTICE_2027.replace("9月26日（周日）、", "")
    response = admin.post("/admin/calendar/notice/", data={"text": edited, "previewed": digest, "confirm": ""})
    assert response.status_code == 200 and "预览后有改动" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(CalendarDay)) == 0


def test_should_name_the_line_and_keep_the_text_when_the_notice_is_unreadable(admin):
    bad = NOTICE_2027.replace("共9天", "共8天")
    response = admin.post("/admin/calendar/notice/", data={"text": bad, "confirm": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "无法读取这份通知" in page and "第6行" in page and "写明共8天，但列出的放假日期共9天" in page
    assert "共8天。2月20日（周六）上班。" in page  # the pasted text is still in the textarea
    assert "确认导入" not in page
    assert db.session.scalar(db.select(db.func.count()).select_from(CalendarDay)) == 0
    empty = admin.post("/admin/calendar/notice/", data={"text": ""})
    assert empty.status_code == 200 and "请粘贴" in empty.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.LEADER])
def test_should_keep_the_notice_page_for_admins(client, role):
    make_user("someone", role)
    db.session.commit()
    login(client, "someone")
    assert client.get("/admin/calendar/notice/").status_code == 403
    assert client.post("/admin/calendar/notice/", data={"text": NOTICE_2027, "confirm": ""}).status_code == 403
    assert "粘贴国务院放假通知导入" not in client.get("/admin/").get_data(as_text=True)
    assert "粘贴放假通知导入" not in client.get("/admin/calendar/").get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(CalendarDay)) == 0


class TestWithCsrf:
    """The notice page with CSRF protection on, as in production."""

    @pytest.fixture
    def app_config(self, migrated_database):
        return make_config(migrated_database, WTF_CSRF_ENABLED=True)

    def test_should_refuse_a_post_without_the_token_and_accept_the_pages_own(self, client):
        make_user("root", Role.ADMIN)
        db.session.commit()
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"username": "root", "password": PASSWORD, "csrf_token": token})
        assert client.post("/admin/calendar/notice/", data={"text": NOTICE_2027}).status_code == 400
        page = client.get("/admin/calendar/notice/").get_data(as_text=True)
        preview = client.post(
            "/admin/calendar/notice/", data={"text": NOTICE_2027, "csrf_token": csrf_token_from(page)}
        )
        shown = preview.get_data(as_text=True)
        digest = shown.split('name="previewed" type="hidden" value="')[1].split('"')[0]
        form = {"text": NOTICE_2027, "previewed": digest, "confirm": "", "csrf_token": csrf_token_from(shown)}
        assert client.post("/admin/calendar/notice/", data=form).status_code == 302
        assert db.session.scalar(db.select(db.func.count()).select_from(CalendarDay)) == 22
