"""The files of a source's steps (the upward report's 上报材料, a proposal's 答复文件): downloaded from their
record's page by whoever may read the record, refused to the others, 404 when there is none, never loaded by a
list."""

import re
from datetime import date
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from extensions import db
from models import HigherInstruction, ItemSource, Proposal, Role
from models.research import ResearchArticle, ResearchKind
from models.upward import SourceFile
from tests.factories import login, make_user
from tests.office import assigned_item, at, build_office
from workflows.feedback import Upload
from workflows.proposals import answer_proposal
from workflows.research import store_attachment
from workflows.upward import report_upward, store_source_file

NOW = at(2026, 11, 26, 10)
REPORT = b"%PDF-1.4 upward report " + bytes(range(256)) * 8
ANSWER = b"%PDF-1.4 proposal answer " + bytes(range(256)) * 4
BYTES = re.compile(r"source_file\.content\b")  # the file's bytes in a statement (not its content_type)


@pytest.fixture
def office(app):
    """The office, a supervisor, a leader, and a liaison of the unit leading every item."""
    office = build_office()
    make_user("duchayuan", Role.SUPERVISOR)
    make_user("juzhang", Role.LEADER)
    make_user("lianluo_forest", Role.LIAISON, unit=office.forest)
    db.session.commit()
    return office


def reported(office, *, body: bytes | None = REPORT, name: str = "上报材料.pdf") -> HigherInstruction:
    """An instruction from above, reported upward (with a file unless `body` is None)."""
    item = assigned_item(
        office, deadline=date(2026, 12, 31), now=at(2026, 11, 20), source=ItemSource.HIGHER_INSTRUCTION
    )
    record = HigherInstruction(
        item=item, issuing_body="省林草局", received_on=date(2026, 11, 20), report_due=date(2026, 11, 30)
    )
    db.session.add(record)
    db.session.flush()
    upload = Upload(name, "application/pdf", body) if body is not None else None
    report_upward(db.session, record, on=date(2026, 11, 25), text="已上报。", upload=upload, actor=None, now=NOW)
    db.session.commit()
    return record


def answered(office, *, body: bytes | None = ANSWER, name: str = "答复文件.pdf") -> Proposal:
    """A proposal answered (with a file unless `body` is None)."""
    item = assigned_item(office, deadline=date(2026, 12, 31), now=at(2026, 11, 20), source=ItemSource.STAFF_PROPOSAL)
    proposal = Proposal(item=item, number=f"提案2026-{item.id:02d}", representatives="马代表")
    db.session.add(proposal)
    db.session.flush()
    stored = store_source_file(db.session, Upload(name, "application/pdf", body)) if body is not None else None
    answer_proposal(db.session, proposal, "已研究落实。", file=stored, actor=None, now=NOW)
    db.session.commit()
    return proposal


def report_url(record) -> str:
    return f"/admin/higher_instruction/report-file/{record.id}"


def answer_url(proposal) -> str:
    return f"/admin/proposal/answer-file/{proposal.id}"


def assert_download(response, body: bytes, name: str) -> None:
    """The file's bytes, sent as an attachment under its Chinese name, not sniffed, not cached."""
    assert response.status_code == 200 and response.data == body
    assert response.content_length == len(body) and response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{quote(name)}" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]


def test_a_supervisor_downloads_the_upward_report_file(client, office):
    record = reported(office)
    login(client, "duchayuan")
    assert_download(client.get(report_url(record)), REPORT, "上报材料.pdf")


def test_a_supervisor_downloads_the_proposal_answer_file(client, office):
    proposal = answered(office)
    login(client, "duchayuan")
    assert_download(client.get(answer_url(proposal)), ANSWER, "答复文件.pdf")


def test_the_details_pages_link_the_file_by_its_record(client, office):
    record, proposal = reported(office), answered(office)
    login(client, "duchayuan")
    details = client.get(f"/admin/higher_instruction/details/?id={record.id}").text
    assert f'<a href="{report_url(record)}">上报材料.pdf</a>' in details
    details = client.get(f"/admin/proposal/details/?id={proposal.id}").text
    assert f'<a href="{answer_url(proposal)}">答复文件.pdf</a>' in details


def test_a_leader_downloads_both_files(client, office):
    record, proposal = reported(office), answered(office)
    login(client, "juzhang")
    assert f'href="{report_url(record)}"' in client.get(f"/admin/higher_instruction/details/?id={record.id}").text
    assert_download(client.get(report_url(record)), REPORT, "上报材料.pdf")
    assert_download(client.get(answer_url(proposal)), ANSWER, "答复文件.pdf")


def test_a_liaison_is_refused_even_the_files_of_their_own_unit_s_items(client, office):
    record, proposal = reported(office), answered(office)
    login(client, "lianluo_forest")
    for url in (report_url(record), answer_url(proposal)):
        refused = client.get(url)
        assert refused.status_code == 403 and "无权访问" in refused.text and REPORT[:8] not in refused.data


def test_a_visitor_not_signed_in_is_sent_to_the_login(client, office):
    record = reported(office)
    response = client.get(report_url(record))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_no_file_no_record_or_no_bytes_is_a_chinese_404(client, office):
    bare_record, bare_proposal = reported(office, body=None), answered(office, body=None)
    record, proposal = reported(office), answered(office)
    db.session.execute(sa.update(SourceFile).where(SourceFile.id == proposal.answer_file_id).values(content=None))
    db.session.commit()
    login(client, "duchayuan")
    details = client.get(f"/admin/higher_instruction/details/?id={bare_record.id}").text
    assert "report-file" not in details
    missing = [
        report_url(bare_record),
        answer_url(bare_proposal),
        answer_url(proposal),  # its bytes are gone
        f"/admin/proposal/answer-file/{record.id + proposal.id + 100}",
        "/admin/higher_instruction/report-file/99999999999999999999",
        "/admin/higher_instruction/report-file/abc",
        "/admin/higher_instruction/report-file/-1",
    ]
    for url in missing:
        response = client.get(url)
        assert response.status_code == 404 and "页面不存在" in response.text, url


def statements_of(client, url: str) -> list[str]:
    """The SQL statements a page costs."""
    seen = []
    listener = lambda conn, cursor, statement, *args: seen.append(statement)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    return seen


@pytest.mark.parametrize(("url", "make"), [("/admin/higher_instruction/", reported), ("/admin/proposal/", answered)])
def test_the_lists_cost_the_same_statements_for_two_files_as_for_six_and_never_read_the_bytes(
    client, office, url, make
):
    login(client, "duchayuan")
    for _ in range(2):
        make(office)
    two = statements_of(client, url)
    for _ in range(4):
        make(office)
    six = statements_of(client, url)
    assert len(six) == len(two)
    assert not [s for s in six if BYTES.search(s)]


def test_the_details_page_never_reads_the_bytes(client, office):
    record = reported(office)
    login(client, "duchayuan")
    statements = statements_of(client, f"/admin/higher_instruction/details/?id={record.id}")
    assert not [s for s in statements if BYTES.search(s)]


def test_a_research_article_s_file_downloads_for_its_readers_only(client, office):
    """The research register's attachment goes through the same download: the supervisor and a liaison of a unit
    the article concerns get it; a liaison of another unit is told there is no such page."""
    article = ResearchArticle(
        title="林场改革调研", authors="督查室", written_on=date(2026, 11, 2), kind=ResearchKind.REPORT
    )
    article.units.append(office.forest)
    store_attachment(article, Upload("调研报告.pdf", "application/pdf", REPORT))
    db.session.add(article)
    make_user("lianluo_school", Role.LIAISON, unit=office.school)
    db.session.commit()
    url = f"/admin/research/attachment/?id={article.id}"
    for reader in ("duchayuan", "lianluo_forest"):
        login(client, reader)
        assert_download(client.get(url), REPORT, "调研报告.pdf")
        client.post("/logout")
    login(client, "lianluo_school")
    refused = client.get(url)
    assert refused.status_code == 404 and "页面不存在" in refused.text
