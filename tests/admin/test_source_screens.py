"""The sources' screens: a hotline call registered from the quick entry and called back, what a liaison sees of the
calls, the upward report page with its file, a supervisor's judgement, and the representative's link page."""

import io
from datetime import date

import pytest
import sqlalchemy as sa

from extensions import db
from models import HigherInstruction, HotlineCall, ItemSource, ItemStatus, Proposal, ProposalJudgement, Role
from tests.factories import login, make_user
from tests.office import assigned_item, at, build_office
from workflows.hotline import CallInput, ensure_categories, register_call
from workflows.proposals import answer_proposal, make_link_token

# the screens' queries run on PostgreSQL in test_every_page, test_list_queries and the workflow tests
pytestmark = pytest.mark.sqlite_only

NOW = at(2026, 11, 26, 10)


@pytest.fixture
def office(app):
    office = build_office()
    make_user("duchayuan", Role.SUPERVISOR, email="duchayuan@example.org")
    make_user("lianluo_school", Role.LIAISON, unit=office.school)
    make_user("lianluo_forest", Role.LIAISON, unit=office.forest)
    db.session.commit()
    return office


def a_call(office, unit, phone="04573221234") -> HotlineCall:
    category = ensure_categories(db.session)[0]
    call = register_call(
        db.session,
        CallInput(NOW, "刘女士", phone, category.id, "暖气不热。", unit.id, 5),
        actor=None,
        now=NOW,
    )
    db.session.commit()
    return call


def test_a_supervisor_registers_a_call_from_the_quick_entry_and_calls_back(client, office):
    login(client, "duchayuan")
    page = client.get("/admin/hotline/new/")
    assert page.status_code == 200 and "来电登记" in page.text and "供暖" in page.text
    category = db.session.scalar(sa.select(sa.func.min(sa.text("id"))).select_from(sa.text("hotline_category")))
    form = {
        "called_at": "2026-11-26T09:55",
        "caller": "刘女士",
        "phone": "0457-3221234",
        "category": str(category),
        "said": "林苑小区3号楼暖气不热。",
        "unit": str(office.forest.id),
        "days": "5",
    }
    done = client.post("/admin/hotline/new/", data=form, follow_redirects=True)
    assert done.status_code == 200 and "来电已登记为督〔2026〕" in done.text
    call = db.session.scalar(sa.select(HotlineCall))
    assert call.item.status == ItemStatus.ASSIGNED and call.phone == "04573221234"
    refused = client.post("/admin/hotline/new/", data={**form, "phone": "abc", "days": "99"})
    assert "来电号码格式不正确" in refused.text and "办理时限应为 1 到 60 个工作日" in refused.text
    back = client.post(
        f"/admin/hotline/callback/?id={call.id}",
        data={"on": "2026-11-26", "method": "phone", "satisfaction": "satisfied", "note": "已修复。"},
        follow_redirects=True,
    )
    assert "回访已登记" in back.text
    db.session.expire_all()
    assert db.session.get(HotlineCall, call.id).satisfaction.value == "satisfied"


def test_the_calls_list_filters_by_category_unit_and_satisfaction(client, office):
    a_call(office, office.forest)
    a_call(office, office.school, phone="13900001111")
    login(client, "duchayuan")
    listing = client.get("/admin/hotline/")
    assert listing.status_code == 200 and "04573221234" in listing.text and "13900001111" in listing.text
    for flt in range(5):
        assert client.get(f"/admin/hotline/?flt0_{flt}=1").status_code == 200


def test_the_calls_list_costs_the_same_statements_for_two_calls_as_for_six(client, office):
    login(client, "duchayuan")

    def statements_of_the_list() -> int:
        counted = []
        listener = lambda *args: counted.append(1)  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/admin/hotline/").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(counted)

    for n in range(2):
        a_call(office, [office.forest, office.school][n % 2], phone=f"1390000{n:04d}")
    two = statements_of_the_list()
    for n in range(2, 6):
        a_call(office, [office.forest, office.school, office.finance][n % 3], phone=f"1390000{n:04d}")
    assert statements_of_the_list() == two


def test_a_liaison_never_sees_another_unit_s_caller(client, office):
    mine = a_call(office, office.school, phone="13900001111")
    theirs = a_call(office, office.forest)
    login(client, "lianluo_school")
    listing = client.get("/admin/hotline/")
    assert "13900001111" in listing.text and "04573221234" not in listing.text
    assert client.get(f"/admin/hotline/details/?id={mine.id}").status_code == 200
    assert client.get(f"/admin/hotline/details/?id={theirs.id}").status_code in (302, 404)
    assert client.get("/admin/hotline/new/").status_code == 403
    assert client.get(f"/admin/hotline/callback/?id={mine.id}").status_code == 403


def test_the_upward_report_page_takes_the_date_text_and_file(client, office):
    item = assigned_item(
        office, deadline=date(2026, 12, 31), now=at(2026, 11, 20), source=ItemSource.HIGHER_INSTRUCTION
    )
    record = HigherInstruction(
        item=item, issuing_body="省林草局", received_on=date(2026, 11, 20), report_due=date(2026, 11, 25)
    )
    db.session.add(record)
    db.session.commit()
    login(client, "duchayuan")
    listing = client.get("/admin/higher_instruction/")
    assert "逾期" in listing.text
    bad = client.post(
        f"/admin/higher_instruction/report/?id={record.id}",
        data={"on": "2026-11-26", "text": "已上报。", "file": (io.BytesIO(b"MZ"), "tool.exe")},
        content_type="multipart/form-data",
    )
    assert "类型不允许" in bad.text
    done = client.post(
        f"/admin/higher_instruction/report/?id={record.id}",
        data={"on": "2026-11-26", "text": "已上报。", "file": (io.BytesIO(b"%PDF-1.4"), "report.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "上报已登记" in done.text and "逾期上报" in done.text
    db.session.expire_all()
    assert db.session.get(HigherInstruction, record.id).report_file.filename == "report.pdf"


def proposal_answered(office) -> Proposal:
    item = assigned_item(office, deadline=date(2026, 12, 31), now=at(2026, 11, 20), source=ItemSource.STAFF_PROPOSAL)
    proposal = Proposal(item=item, number="提案2026-01", representatives="马代表", email="rep@example.org")
    db.session.add(proposal)
    db.session.flush()
    answer_proposal(db.session, proposal, "已研究落实。", actor=None, now=NOW)
    db.session.commit()
    return proposal


def test_the_representative_judges_from_the_link_once(client, office):
    proposal = proposal_answered(office)
    token = make_link_token(proposal)
    page = client.get(f"/proposal/{token}")
    assert page.status_code == 200 and "已研究落实" in page.text
    assert "请选择评价" in client.post(f"/proposal/{token}", data={"satisfaction": ""}).text
    done = client.post(f"/proposal/{token}", data={"satisfaction": "dissatisfied", "comment": "未解决"})
    assert done.status_code == 302
    again = client.get(f"/proposal/{token}")
    assert again.status_code == 403 and "只能使用一次" in again.text
    tampered = client.get(f"/proposal/{token[:-3]}xyz")
    assert tampered.status_code == 403 and "链接无效" in tampered.text
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.round == 2 and proposal.item.status != ItemStatus.CLOSED and proposal.item.answer is None


def test_a_supervisor_enters_the_judgement_and_a_leader_may_not(client, office):
    proposal = proposal_answered(office)
    make_user("juzhang", Role.LEADER)
    db.session.commit()
    login(client, "juzhang")
    assert client.get(f"/admin/proposal/details/?id={proposal.id}").status_code == 200
    assert client.get(f"/admin/proposal/judge/?id={proposal.id}").status_code == 403
    client = client.application.test_client()
    login(client, "duchayuan")
    done = client.post(
        f"/admin/proposal/judge/?id={proposal.id}", data={"satisfaction": "satisfied"}, follow_redirects=True
    )
    assert "评价已登记" in done.text
    assert db.session.scalar(sa.select(sa.func.count(ProposalJudgement.id))) == 1


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("/admin/higher_instruction/new/", ItemSource.HIGHER_INSTRUCTION),
        ("/admin/proposal/new/", ItemSource.STAFF_PROPOSAL),
    ],
)
def test_the_record_form_opened_from_an_item_has_the_item_chosen(client, office, url, source):
    item = assigned_item(office, deadline=date(2026, 12, 31), now=at(2026, 11, 20), source=source)
    db.session.commit()
    login(client, "duchayuan")
    form = client.get(f"{url}?item_id={item.id}").get_data(as_text=True)
    assert f'id="item" name="item" type="hidden" value="{item.id}"' in form
    unnamed = client.get(f"{url}?item_id=abc").get_data(as_text=True)
    assert f'name="item" type="hidden" value="{item.id}"' not in unnamed
