"""What a user reads is Chinese: no stray English or raw codes on any screen of the demo, as any role."""

import html
import re

import pytest

from clock import CHINA
from extensions import db
from models import Role, Unit, User
from tests.factories import login, make_user

pytestmark = pytest.mark.sqlite_only  # nothing here depends on the database's dialect

# Latin words a Chinese user may well see: names of file formats and the product.
ALLOWED_WORDS = {
    "CSV",
    "XLSX",
    "XLS",
    "PDF",
    "EXCEL",
    "HTML",
    "DUBAN",
    "ID",
    "KB",
    "MB",
    "GB",
    "WORD",
    "WPS",
    "A4",
    "LED",
}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
# addresses, e-mail addresses and Message-IDs (<…@host>)
URLISH = re.compile(r"(?:https?://|mailto:)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)*|\b[\w-]+(?:\.[\w-]+)+/\S*")
NAMES = {"a": ("管理员甲", Role.ADMIN), "s": ("督查员乙", Role.SUPERVISOR), "l": ("领导丙", Role.LEADER)}
NAMES["i"] = ("联络员丁", Role.LIAISON)
DETAIL_LINK = r"(?:details|edit|new|print|review|decide|deadline|stop|assign|suspend|cancel|answer|resume)/[^\"]*"


@pytest.fixture
def office(app, demo_office):
    """The demo office after a sweep, and an account per role with a Chinese name."""
    demo_office(sweep=True)
    unit = db.session.scalar(db.select(Unit).order_by(Unit.id))
    for key, (name, role) in NAMES.items():
        make_user(f"word-{key}", role, unit=unit if role == Role.LIAISON else None, display_name=name)
    db.session.commit()


def visible_text(page: str) -> str:
    """The text a reader sees: tags, scripts, styles and hidden data removed; a quoted server reply (<code>) left
    out; placeholders, titles and button labels kept; a mail shown in an iframe read as its own page."""
    framed = [visible_text(html.unescape(doc)) for doc in re.findall(r'\bsrcdoc="([^"]*)"', page)]
    page = re.sub(r'\bsrcdoc="[^"]*"', "", page)
    page = re.sub(r"<(script|style|code)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r'<div[^>]*class="d-none"[^>]*>.*?</div>', " ", page, flags=re.S)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    shown = re.findall(r'\b(?:placeholder|title|alt)="([^"]*)"', page)
    shown += re.findall(r'<input[^>]*type="(?:submit|button|reset)"[^>]*value="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(text + " " + " ".join(shown + framed))


def latin_words(text: str, identifiers: frozenset[str] = frozenset()) -> set[str]:
    """Latin words in a text outside the allow-list, addresses, e-mail addresses and the given identifiers
    (login names and unit codes, which are Latin by design)."""
    words = LATIN_WORD.findall(URLISH.sub(" ", text))
    return {word for word in words if word not in identifiers and word.upper() not in ALLOWED_WORDS}


def screens(client) -> list[str]:
    """Every screen reachable from the menu: the lists and up to 25 links from each into details and forms."""
    menu = client.get("/admin/").get_data(as_text=True)
    urls = ["/admin/", "/admin/directory_health/", "/account/password"]
    for list_url in sorted(set(re.findall(r'href="(/admin/[a-z_]+/)"', menu))):
        urls.append(list_url)
        listing = client.get(list_url).get_data(as_text=True)
        links = set(re.findall(r'href="(' + re.escape(list_url) + DETAIL_LINK + ')"', listing))
        urls += sorted(link.replace("&amp;", "&") for link in links)[:25]
    return urls


@pytest.mark.parametrize("role", sorted(NAMES))
def test_should_show_no_english_word_on_any_screen(client, office, role):
    identifiers = frozenset(db.session.scalars(db.select(User.username))) | frozenset(
        db.session.scalars(db.select(Unit.code))
    )
    login(client, f"word-{role}")
    found: dict[str, set[str]] = {}
    for url in screens(client):
        response = client.get(url)
        if response.status_code != 200 or not response.mimetype.startswith("text/html"):
            continue
        words = latin_words(visible_text(response.get_data(as_text=True)), identifiers)
        if words:
            found[url] = words
    assert not found, "\n".join(f"{url}: {' '.join(sorted(words))}" for url, words in found.items())


def test_should_show_no_english_word_on_the_login_page(client, app):
    assert not latin_words(visible_text(client.get("/login").get_data(as_text=True)))


@pytest.mark.parametrize(
    "key, text",
    [
        ("2026Q3", "2026年第三季度"),
        ("2027Q1", "2027年第一季度"),
        ("2026-H2", "2026年下半年"),
        ("2026-H1", "2026年上半年"),
        ("2026-11", "2026年11月"),
        ("2026-01", "2026年1月"),
        (None, ""),
        ("其他", "其他"),
    ],
)
def test_should_write_a_period_as_the_office_says_it(key, text):
    from formatting import period_text

    assert period_text(key) == text


@pytest.mark.parametrize(
    "size, text", [(0, "0 字节"), (49, "49 字节"), (1023, "1023 字节"), (1229, "1.2 KB"), (3565158, "3.4 MB")]
)
def test_should_write_a_file_size_a_person_can_read(size, text):
    from formatting import file_size

    assert file_size(size) == text


def test_should_write_enum_values_in_the_change_log_by_their_chinese_names(client, app):
    from models import AuditEvent
    from tests.factories import make_item, make_unit

    make_user("log-s", Role.SUPERVISOR, display_name="督查员")
    item = make_item(make_unit("第一林场"), source="leader_instruction", rhythm="one_off")
    item.rhythm = "monthly"
    db.session.commit()
    summaries = " ".join(db.session.scalars(db.select(AuditEvent.summary).where(AuditEvent.entity == "item")))
    assert "来源：局党政领导批办事项" in summaries and "办理周期：一次性 → 每月" in summaries, summaries
    login(client, "log-s")
    for url in ("/admin/audit/", "/admin/audit/export/csv/"):
        page = client.get(url).get_data(as_text=True)
        assert "局党政领导批办事项" in page and "leader_instruction" not in page and "one_off" not in page, url


def test_should_load_chinese_words_for_select2_before_any_widget_is_built(client, app):
    make_user("s2-s", Role.SUPERVISOR, display_name="督查员")
    db.session.commit()
    login(client, "s2-s")
    page = client.get("/admin/item/new/").get_data(as_text=True)
    order = [page.find(name) for name in ("select2.min.js", "select2-zh-CN.js", "admin/js/form.js")]
    assert -1 not in order and order == sorted(order), order
    script = client.get("/static/select2-zh-CN.js").get_data(as_text=True)
    assert "没有找到匹配项" in script and "formatSearching" in script


def test_should_search_the_shares_by_unit_name_with_a_chinese_placeholder(client, app):
    from tests.factories import make_item, make_unit

    make_user("find-s", Role.SUPERVISOR, display_name="督查员")
    make_item(make_unit("第一林场"), title="春季防火")
    make_item(make_unit("营林科"), title="苗圃建设")
    db.session.commit()
    login(client, "find-s")
    listing = client.get("/admin/assignment/").get_data(as_text=True)
    assert 'placeholder="事项编号、事项名称、承办单位"' in listing
    found = client.get("/admin/assignment/?search=营林科").get_data(as_text=True)
    assert "苗圃建设" in found and "春季防火" not in found


@pytest.mark.parametrize("kind", ["units", "roster", "items"])
def test_should_head_the_templates_option_lists_in_chinese(client, app, kind):
    import io

    from openpyxl import load_workbook

    from tests.factories import make_unit

    make_unit("第一林场")
    make_user("tpl-s", Role.SUPERVISOR, display_name="督查员")
    db.session.commit()
    login(client, "tpl-s")
    book = load_workbook(io.BytesIO(client.get(f"/admin/import/template/{kind}.xlsx").data))
    headers = [cell.value for cell in book["选项"][1] if cell.value]
    assert headers and all(h.startswith("选项：") for h in headers), headers
    assert not latin_words(" ".join(headers)), headers


@pytest.mark.parametrize(
    "today, week",
    [
        ("2026-11-26", ("2026-11-23", "2026-11-29")),  # Thursday: this week
        ("2026-11-23", ("2026-11-23", "2026-11-29")),  # Monday
        ("2026-11-28", ("2026-11-30", "2026-12-06")),  # Saturday: the week ahead
        ("2026-11-29", ("2026-11-30", "2026-12-06")),  # Sunday: the week ahead, not the one ending
    ],
)
def test_should_count_this_weeks_deadlines_over_the_working_week_ahead(app, today, week):
    from datetime import date

    from tests.factories import make_item, make_unit
    from workflows.dashboard import dashboard_figures

    unit = make_unit("第一林场")
    for deadline in ("2026-11-27", "2026-11-29", "2026-12-02", "2026-12-07"):
        make_item(unit, title=f"时限{deadline}", deadline=date.fromisoformat(deadline))
    db.session.flush()
    figures = dashboard_figures(db.session, today=date.fromisoformat(today))
    assert tuple(str(d) for d in figures["week"]) == week
    due = sorted(str(a.deadline) for a in figures["due_this_week"])
    assert due == [d for d in ("2026-11-27", "2026-11-29", "2026-12-02") if today <= d <= week[1]]


def test_should_not_repeat_the_role_when_the_name_is_the_role(client, app):
    make_user("boss", Role.ADMIN, display_name="系统管理员")
    make_user("li", Role.SUPERVISOR, display_name="李督查")
    db.session.commit()
    login(client, "boss")
    page = client.get("/admin/").get_data(as_text=True)
    assert "系统管理员（系统管理员）" not in page and 'title="修改密码">系统管理员</a>' in page
    client.post("/logout")
    login(client, "li")
    assert "李督查（督查员）" in client.get("/admin/").get_data(as_text=True)


def test_should_star_the_main_liaison_in_the_printed_directory_of_the_demo(client, office):
    login(client, "word-s")
    page = client.get("/admin/import/export/directory").get_data(as_text=True)
    starred = re.findall(r"<td[^>]*>[^<]+<sup>★</sup></td>", page)
    units = db.session.scalar(db.select(db.func.count()).select_from(Unit))
    assert len(starred) >= units // 2, len(starred)


def test_should_date_the_demo_history_in_office_hours_and_in_order(office):
    from datetime import time

    from models import AuditEvent, Feedback, Instruction, Notice

    def china_time(moment):
        return moment.astimezone(CHINA).time()

    stamps = [(f"留痕 {e.id} {e.action}", e.at) for e in db.session.scalars(db.select(AuditEvent))]
    stamps += [(f"批示 {i.id}", i.created_at) for i in db.session.scalars(db.select(Instruction))]
    stamps += [(f"反馈 {f.id}", f.submitted_at) for f in db.session.scalars(db.select(Feedback))]
    stamps += [(f"文书 {n.id}", n.issued_at) for n in db.session.scalars(db.select(Notice)) if n.issued_at]  # drafts
    outside = [(what, str(at.astimezone(CHINA))) for what, at in stamps if not time(8) <= china_time(at) <= time(18)]
    assert not outside, outside[:20]
    events = db.session.execute(db.select(AuditEvent.id, AuditEvent.at).order_by(AuditEvent.id)).all()
    backwards = [(a, b) for a, b in zip(events, events[1:], strict=False) if b.at < a.at]
    assert not backwards, backwards[:10]


@pytest.mark.parametrize("label, status", [("待发送邮件", "queued"), ("发送失败邮件", "failed")])
def test_should_open_the_outbox_filtered_to_what_the_dashboard_card_counts(client, office, label, status):
    from models import OutboxMessage

    messages = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id).limit(5)).all()
    for message in messages[:2]:
        message.status = status
    db.session.commit()
    expected = db.session.scalar(db.select(db.func.count()).where(OutboxMessage.status == status))
    login(client, "word-s")
    dashboard = client.get("/admin/").get_data(as_text=True)
    card = re.search(
        r'href="([^"]+)"[^>]*><div class="card-body py-2">\s*<div class="small text-muted">' + label, dashboard
    )
    listing = client.get(html.unescape(card.group(1))).get_data(as_text=True)
    rows = re.findall(r'<td class="col-status">\s*<span class="badge [^"]*">([^<]+)</span>', listing)
    assert len(rows) == min(expected, 20) and set(rows) == {dict(queued="待发送", failed="发送失败")[status]}, rows[:5]
