"""The 导入导出 screens: upload → preview → confirm, the stored file, CSRF, roles, and never a 500."""

import io
import re

import pytest

from extensions import db
from models import AuditEvent, ImportUpload, Liaison, Role, Unit
from tests.conftest import csrf_token_from
from tests.data.workbooks import ROSTER_HEADERS, UNIT_HEADERS, build_office, row_counts, xlsx
from tests.factories import PASSWORD, login, make_user

# the screens' queries run on PostgreSQL in test_every_page, test_list_queries and the workflow tests
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def office(app):
    """The test office plus one account of each role."""
    found = build_office()
    make_user("sup", Role.SUPERVISOR, display_name="王督查")
    make_user("adm", Role.ADMIN)
    make_user("boss", Role.LEADER)
    make_user("li", Role.LIAISON, unit=found["东方红"])
    db.session.commit()
    return found


def unit_file(*rows) -> bytes:
    """A units workbook with the template's headers."""
    return xlsx([UNIT_HEADERS, *rows])


NEW_UNIT = ["JZ07", "向阳林场", "局直单位", "周场长", "head@xy.example.org", "刘建华", None, "0457-2345678", "向阳"]


def upload(client, kind: str, data: bytes, filename: str = "导入.xlsx", **extra):
    """Post a file to an import's upload form."""
    return client.post(
        f"/admin/import/{kind}/upload",
        data={f"{kind}-file": (io.BytesIO(data), filename), **extra},
        content_type="multipart/form-data",
    )


def confirm_form(html: str) -> dict:
    """The hidden fields of the preview's confirm form."""
    return {name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1) for name in ("token", "sha256")}


def stored_files(app) -> list[str]:
    """The tokens of the uploads kept in the database between preview and confirm."""
    db.session.expire_all()
    return sorted(db.session.scalars(db.select(ImportUpload.token)))


def test_should_upload_preview_and_confirm_an_import_attributed_to_the_signed_in_user(app, client, office):
    login(client, "sup")
    index = client.get("/admin/import/").get_data(as_text=True)
    assert (
        "导入导出" in index
        and "/admin/import/template/units.xlsx" in index
        and "/admin/import/export/directory" in index
    )
    change = ["JZ03", "青山林场", "局直单位", "新场长", None, "刘建华", None, None, None]
    uploaded = upload(client, "units", unit_file(NEW_UNIT, change))
    assert uploaded.status_code == 302 and "/admin/import/units/preview/" in uploaded.location
    (token,) = stored_files(app)
    assert re.fullmatch(r"[0-9a-f]{32}", token) and token in uploaded.location
    preview = client.get(uploaded.location).get_data(as_text=True)
    assert "新建 1" in preview and "修改 1" in preview and "向阳林场" in preview
    assert '<del class="text-muted">（空）</del> → <strong>新场长</strong>' in preview
    assert db.session.scalar(db.select(Unit).filter_by(code="JZ07")) is None
    done = client.post("/admin/import/units/confirm", data=confirm_form(preview))
    assert done.status_code == 302 and done.location.endswith("/admin/unit/")
    assert "导入完成：新建 1 条，修改 1 条" in client.get(done.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(db.select(Unit).filter_by(code="JZ07")).aliases == "向阳"
    assert db.session.scalar(db.select(Unit).filter_by(code="JZ03")).head_name == "新场长"
    actors = set(db.session.scalars(db.select(AuditEvent.actor_name).where(AuditEvent.entity == "unit")))
    assert "王督查" in actors
    assert stored_files(app) == []


def test_should_check_csrf_on_both_the_upload_and_the_confirm(app, client, office):
    app.config["WTF_CSRF_ENABLED"] = True  # read on every request and form, as in production
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "sup", "password": PASSWORD, "csrf_token": csrf_token_from(page)})
    token = csrf_token_from(client.get("/admin/import/").get_data(as_text=True))
    assert upload(client, "units", unit_file(NEW_UNIT)).status_code == 400
    uploaded = upload(client, "units", unit_file(NEW_UNIT), **{"units-csrf_token": token})
    assert uploaded.status_code == 302, uploaded.get_data(as_text=True)
    preview = client.get(uploaded.location).get_data(as_text=True)
    refused = client.post("/admin/import/units/confirm", data=confirm_form(preview))
    assert refused.status_code == 400 and "安全令牌" in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(Unit).filter_by(code="JZ07")) is None
    fields = {**confirm_form(preview), "csrf_token": csrf_token_from(preview)}
    assert client.post("/admin/import/units/confirm", data=fields).status_code == 302
    assert db.session.scalar(db.select(Unit).filter_by(code="JZ07")) is not None


@pytest.mark.parametrize("username", ["boss", "li"])
def test_should_refuse_every_page_to_leaders_and_liaisons(client, office, username):
    login(client, username)
    for url in ("/admin/import/", "/admin/import/template/units.xlsx", "/admin/import/export/directory",
                "/admin/import/export/roster.xlsx", "/admin/import/export/units.xlsx",
                "/admin/import/units/preview/" + "0" * 32):  # fmt: skip
        assert client.get(url).status_code == 403, url
    assert upload(client, "units", unit_file(NEW_UNIT)).status_code == 403
    assert client.post("/admin/import/units/confirm", data={"token": "0" * 32, "sha256": "0"}).status_code == 403
    assert "导入导出" not in client.get("/admin/").get_data(as_text=True)


def test_should_send_a_visitor_who_is_not_signed_in_to_the_login_page(client, office):
    response = client.get("/admin/import/")
    assert response.status_code == 302 and "/login" in response.location


def test_should_refuse_a_file_over_10_mb_in_chinese_and_keep_nothing(app, client, office):
    login(client, "adm")
    response = upload(client, "units", unit_file(NEW_UNIT) + b"\0" * (10 * 1024 * 1024))
    assert response.status_code == 302 and stored_files(app) == []
    assert "承办单位：文件超过 10 MB，未导入" in client.get("/admin/import/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "名录.xls", "旧版 Excel 97-2003（.xls）"),
        ("单位,姓名\n".encode(), "名录.csv", "CSV 或文本文件"),
        (b"", "空.xlsx", "文件是空的"),
    ],
)
def test_should_explain_an_upload_that_is_not_an_xlsx_without_a_500(client, office, data, filename, expected):
    login(client, "sup")
    uploaded = upload(client, "roster", data, filename=filename)
    preview = client.get(uploaded.location)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert expected in html and "确认导入" not in html


def test_should_recheck_the_stored_file_on_confirm_and_write_nothing_when_the_office_changed(client, office):
    login(client, "sup")
    rows = [["青山林场", "李青", "干事", "兼职", None, "13900001111", "li@example.org", None]]
    preview = client.get(upload(client, "roster", xlsx([ROSTER_HEADERS, *rows])).location).get_data(as_text=True)
    assert "确认导入" in preview
    office["青山"].active = False  # someone deactivates the unit between preview and confirm
    db.session.commit()
    before = row_counts()
    again = client.post("/admin/import/roster/confirm", data=confirm_form(preview))
    html = again.get_data(as_text=True)
    assert again.status_code == 200 and "重新检查时发现问题" in html and "单位“青山林场”已停用" in html
    assert row_counts() == before


def test_should_refuse_a_confirm_with_another_sha_a_strange_token_or_someone_elses_upload(app, client, office):
    login(client, "sup")
    preview = client.get(upload(client, "units", unit_file(NEW_UNIT)).location).get_data(as_text=True)
    fields = confirm_form(preview)
    for tampered in ({**fields, "sha256": "0" * 64}, {**fields, "token": "../../instance/secret_key"}):
        response = client.post("/admin/import/units/confirm", data=tampered)
        assert response.status_code == 302
        assert "已过期、不存在或已被替换" in client.get("/admin/import/").get_data(as_text=True)
    assert client.post("/admin/import/roster/confirm", data=fields).status_code == 302  # a units file is no roster
    client.post("/logout")
    login(client, "adm")
    assert client.get(f"/admin/import/units/preview/{fields['token']}").status_code == 302
    assert client.post("/admin/import/units/confirm", data=fields).status_code == 302
    assert db.session.scalar(db.select(Unit).filter_by(code="JZ07")) is None


def test_should_show_every_problem_but_only_the_first_200_rows_of_a_big_file(client, office):
    login(client, "sup")
    rows = [[f"JZ{n:03d}", f"新林场{n}", "局直单位", None, None, None, None, None, None] for n in range(100, 400)]
    rows[-1][2] = "林场"
    html = client.get(upload(client, "units", unit_file(*rows)).location).get_data(as_text=True)
    assert "发现 1 处错误" in html and "第301行「单位类别」：“林场”不是可选的单位类别" in html
    assert html.count('<td class="text-nowrap">新建</td>') == 200 and "另有 100 行未显示" in html
    errors_only = client.get(re.search(r'href="([^"]*show=errors)"', html).group(1).replace("&amp;", "&"))
    assert "新林场399" in errors_only.get_data(as_text=True) and "新林场100" not in errors_only.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Liaison)) == 0


def test_should_answer_in_chinese_even_when_reading_a_file_fails_unexpectedly(client, office, monkeypatch):
    import admin_views.imports as screens

    def broken(*args, **kwargs):
        """A reader that fails in a way nobody foresaw."""
        raise RuntimeError("a file nobody foresaw")

    login(client, "sup")
    location = upload(client, "units", unit_file(NEW_UNIT)).location
    monkeypatch.setattr(screens, "plan_import", broken)
    response = client.get(location)
    assert response.status_code == 302
    assert "文件处理时出错，未导入任何数据" in client.get("/admin/import/").get_data(as_text=True)


def test_should_list_the_screen_in_the_network_menu_for_supervisors(client, office):
    login(client, "sup")
    menu = client.get("/admin/").get_data(as_text=True)
    network = menu[menu.index("督查网络") :]
    assert 'href="/admin/import/"' in network and "导入导出" in network
