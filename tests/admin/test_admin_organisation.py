"""Units, the liaison roster and bureau leaders: CRUD, validation in Chinese, search, filters, details, export."""

import csv
import io

import pytest

from extensions import db
from models import Liaison, Role, Unit
from tests.factories import login, make_item, make_liaison, make_unit, make_user

# the screens' queries run on PostgreSQL in test_every_page, test_list_queries and the workflow tests
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def supervisor(client):
    """A client signed in as a supervisor."""
    make_user("sup", Role.SUPERVISOR, display_name="李督查")
    db.session.commit()
    login(client, "sup")
    return client


UNIT_FORM = {
    "code": "LC01",
    "name": "东方红林场",
    "kind": "affiliated",
    "head_name": "赵场长",
    "head_email": "head@lc01.example.org",
    "office_email": "office@lc01.example.org",
    "phone": "0457-2123456",
    "active": "y",
}


def test_should_create_a_unit(supervisor):
    assert supervisor.post("/admin/unit/new/", data=UNIT_FORM).status_code == 302
    unit = db.session.scalar(db.select(Unit))
    assert (unit.code, unit.name, unit.kind.label, unit.phone) == ("LC01", "东方红林场", "局直单位", "0457-2123456")


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"code": ""}, "请填写单位编码"),
        ({"name": ""}, "请填写单位名称"),
        ({"name": "林" * 101}, "不能超过 100 个字"),
        ({"head_email": "not-an-email"}, "电子邮箱格式不正确"),
        ({"phone": "电话号码"}, "电话号码格式不正确"),
    ],
)
def test_should_reject_bad_unit_input_in_chinese_and_keep_the_typed_values(supervisor, overrides, message):
    response = supervisor.post("/admin/unit/new/", data={**UNIT_FORM, **overrides})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert "赵场长" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Unit)) == 0


@pytest.mark.parametrize("field", ["code", "name"])
def test_should_reject_a_duplicate_unit_code_or_name(supervisor, field):
    make_unit(code="LC01", name="东方红林场")
    db.session.commit()
    other = {"code": "LC99", "name": "别的林场", field: UNIT_FORM[field]}
    response = supervisor.post("/admin/unit/new/", data={**UNIT_FORM, **other})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and ("已存在" in page or "已经存在" in page)
    assert db.session.scalar(db.select(db.func.count()).select_from(Unit)) == 1


def test_should_show_a_units_liaisons_and_open_assignments(supervisor):
    unit = make_unit("东方红林场")
    make_liaison(unit, "王联络")
    make_item(unit, title="冬季供暖保障")
    db.session.commit()
    page = supervisor.get(f"/admin/unit/details/?id={unit.id}").get_data(as_text=True)
    for text in ("王联络", "冬季供暖保障", "在办承办任务", "牵头"):
        assert text in page


def test_should_say_when_a_unit_has_no_liaison(supervisor):
    unit = make_unit("青山林场")
    db.session.commit()
    assert "该单位尚无联络员" in supervisor.get(f"/admin/unit/details/?id={unit.id}").get_data(as_text=True)


LIAISON_FORM = {
    "name": "王联络",
    "post": "办公室主任",
    "employment": "full_time",
    "office_phone": "0457-2123456",
    "mobile": "13900001111",
    "email": "wang@lc01.example.org",
    "active": "y",
    "since": "2025-03-01",
    "note": "兼管信息报送",
}


def test_should_add_a_liaison_and_make_the_first_one_of_a_unit_its_primary_contact(supervisor):
    unit = make_unit("东方红林场")
    db.session.commit()
    assert supervisor.post("/admin/liaison/new/", data={**LIAISON_FORM, "unit": unit.id}).status_code == 302
    liaison = db.session.scalar(db.select(Liaison))
    assert liaison.is_primary and liaison.unit_id == unit.id and liaison.employment.label == "专职"


def test_should_move_the_primary_flag_when_another_liaison_is_made_primary(supervisor):
    unit = make_unit("东方红林场")
    first = make_liaison(unit, "甲")
    db.session.commit()
    form = {**LIAISON_FORM, "unit": unit.id, "name": "乙", "email": "yi@example.org", "is_primary": "y"}
    assert supervisor.post("/admin/liaison/new/", data=form).status_code == 302
    db.session.expire_all()
    primaries = db.session.scalars(db.select(Liaison.name).where(Liaison.is_primary.is_(True))).all()
    assert primaries == ["乙"] and not db.session.get(Liaison, first.id).is_primary


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"name": ""}, "请填写姓名"),
        ({"unit": ""}, "请选择所在单位"),
        ({"mobile": "1390000"}, "手机号码应为 11 位数字"),
        ({"email": "wang@"}, "电子邮箱格式不正确"),
        ({"since": "去年"}, "日期"),
        ({"note": "长" * 501}, "备注不能超过 500 个字"),
    ],
)
def test_should_reject_bad_liaison_input_in_chinese_and_keep_the_typed_values(supervisor, overrides, message):
    unit = make_unit("东方红林场")
    db.session.commit()
    response = supervisor.post("/admin/liaison/new/", data={**LIAISON_FORM, "unit": unit.id, **overrides})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert "办公室主任" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Liaison)) == 0


def test_should_search_the_roster_by_name_unit_phone_and_email_and_filter_by_kind_and_employment(supervisor):
    forest, office = make_unit("东方红林场"), make_unit("营林科", kind="department")
    make_liaison(forest, "王甲", mobile="13900001111", email="a@example.org", employment="full_time")
    make_liaison(office, "李乙", office_phone="0457-7654321", email="b@example.org", employment="part_time")
    db.session.commit()

    def names(query):
        page = supervisor.get("/admin/liaison/?" + query).get_data(as_text=True)
        return {n for n in ("王甲", "李乙") if n in page}

    assert names("search=王甲") == {"王甲"}
    assert names("search=营林科") == {"李乙"}
    assert names("search=13900001111") == {"王甲"}
    assert names("search=7654321") == {"李乙"}
    assert names("search=b@example") == {"李乙"}
    view = next(
        v for v in supervisor.application.extensions["admin"][0]._views if getattr(v, "endpoint", "") == "liaison"
    )
    arg = {f"{f.name}{f.operation()}": view.get_filter_arg(i, f) for i, f in enumerate(view._filters)}
    assert names(f"flt0_{arg['单位类别等于']}=department") == {"李乙"}
    assert names(f"flt0_{arg['专兼职等于']}=full_time") == {"王甲"}


def test_should_export_the_roster_with_chinese_headers(supervisor):
    make_liaison(make_unit("东方红林场"), "王甲", mobile="13900001111", employment="full_time")
    db.session.commit()
    body = supervisor.get("/admin/liaison/export/csv/").get_data()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["所在单位", "姓名", "职务", "专兼职"]
    assert rows[1][:2] == ["东方红林场", "王甲"] and rows[1][3] == "专职" and "13900001111" in rows[1]


def test_should_add_a_bureau_leader_and_offer_it_as_leader_in_charge(supervisor):
    form = {"name": "王局长", "title": "局长", "email": "wang@example.org", "active": "y", "sort_order": "1"}
    assert supervisor.post("/admin/leader/new/", data=form).status_code == 302
    found = supervisor.get("/admin/unit/ajax/lookup/?name=leader_in_charge&query=王").get_json()
    assert [label for _, label in found] == ["王局长（局长）"]
