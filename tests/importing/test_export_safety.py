"""Every workbook and CSV the product offers, filled with formula-like text: no cell is a formula, none holds markup."""

import csv
import io
import re
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from admin_views.base import SecureModelView
from admin_views.permissions import EXPORT, allowed
from extensions import db
from importing.directory import roster_workbook, units_workbook
from importing.runner import plan_import
from importing.spreadsheets import FORMULA_START, PLAIN_NUMBER, defuse_text, restore_text
from models import Base, Role, Unit
from tests.factories import login, make_user

# What a person (or the public roster link) can type, and what Excel or WPS would run if it came out as is.
PAYLOADS = (
    '=HYPERLINK("http://evil.example/x","核对")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)
# Codes the program itself reads back (a poisoned one is not data a person could have typed).
NOT_TYPED = {("user", "password_hash"), ("user", "username"), ("outbox_message", "message_id")}
ROLES = (Role.ADMIN, Role.SUPERVISOR, Role.LEADER, Role.LIAISON)
IMPORT_EXPORTS = (
    "/admin/import/export/roster.xlsx",
    "/admin/import/export/units.xlsx",
    "/admin/import/template/units.xlsx",
    "/admin/import/template/roster.xlsx",
    "/admin/import/template/items.xlsx",
)


def poison_every_text_column() -> int:
    """Prefix every free-text value in the database with one of the payloads; returns how many were changed."""
    changed = 0
    with db.session.no_autoflush:
        for table in Base.metadata.sorted_tables:
            texts = [
                c
                for c in table.columns
                if isinstance(c.type, sa.String)
                and not isinstance(c.type, sa.Enum)
                and not c.foreign_keys
                and not c.primary_key
                and (table.name, c.name) not in NOT_TYPED
            ]
            if not texts:
                continue
            key = list(table.primary_key.columns)
            for n, row in enumerate(db.session.execute(sa.select(*key, *texts)).all()):
                values = {}
                for i, column in enumerate(texts):
                    old = row[len(key) + i]
                    if old:
                        new = PAYLOADS[(n + i) % len(PAYLOADS)] + old
                        if column.type.length and len(new) > column.type.length:
                            if column.unique:
                                continue  # cut short, two values could become one
                            new = new[: column.type.length]
                        values[column.name] = new
                if values:
                    where = sa.and_(*(k == row[j] for j, k in enumerate(key)))
                    db.session.execute(table.update().where(where).values(**values))
                    changed += 1
    return changed


@pytest.fixture
def poisoned(app, demo_office):
    """The demo office after a sweep, every text in it starting like a formula, and an account per role."""
    demo_office(sweep=True)
    assert poison_every_text_column() > 100
    unit = db.session.scalar(db.select(Unit).order_by(Unit.id))
    for role in ROLES:
        make_user(f"x-{role.value}", role, unit=unit if role == Role.LIAISON else None)
    db.session.commit()


def list_views(app) -> list[SecureModelView]:
    """Every list screen of the admin (each may offer CSV and xlsx exports)."""
    admin = app.extensions["admin"][0]
    return [view for view in admin._views if isinstance(view, SecureModelView)]


def formula_like(text: str) -> bool:
    """True when a spreadsheet would take the text for a formula."""
    return text.startswith(FORMULA_START) and not PLAIN_NUMBER.match(text)


def csv_cells(body: bytes) -> list[str]:
    """Every field of a CSV export (UTF-8 with BOM)."""
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return [field for row in csv.reader(io.StringIO(text[1:])) for field in row]


def xlsx_cells(body: bytes) -> list[str]:
    """Every text cell of every sheet of a workbook; fails on any formula cell."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(?:\w+:)?f[\s>/]", archive.read(name)), f"{name} has a formula"
    workbook = load_workbook(io.BytesIO(body))  # not data_only: formulas would show as formulas
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def check(url: str, cells: list[str]) -> list[str]:
    """No cell would run as a formula and none holds markup; returns the defused cells."""
    for text in cells:
        assert not formula_like(text), f"{url}: {text!r} would run as a formula"
        assert "<" not in text and not re.search(r"&(?:lt|gt|amp|quot|#\d+);", text), f"{url}: markup in {text!r}"
    return [text for text in cells if text.startswith("'") and restore_text(text) != text]


def test_should_defuse_formulas_and_strip_markup_in_every_export_the_product_offers(app, client, poisoned):
    exported, defused = [], set()
    for view in list_views(app):
        role = next((r for r in ROLES if allowed(view.endpoint_name, r, EXPORT)), None)
        if role is None:
            continue
        login(client, f"x-{role.value}")
        for kind in view.export_types:
            url = f"/admin/{view.endpoint}/export/{kind}/"
            response = client.get(url)
            assert response.status_code == 200, url
            cells = csv_cells(response.data) if kind == "csv" else xlsx_cells(response.data)
            defused.update(check(url, cells))
            exported.append(url)
        client.post("/logout")
    login(client, f"x-{Role.SUPERVISOR.value}")
    for url in IMPORT_EXPORTS:
        response = client.get(url)
        assert response.status_code == 200, url
        defused.update(check(url, xlsx_cells(response.data)))
        exported.append(url)
    assert len(exported) >= 2 * 10 + len(IMPORT_EXPORTS)
    for payload in PAYLOADS:
        assert any(text.startswith("'" + payload) for text in defused), f"{payload!r} never reached an export"


def test_should_export_notices_and_instructions_as_plain_numbers_and_titles(app, client, demo_office):
    from models import Instruction, Notice

    demo_office(sweep=True)
    make_user("x-sup", Role.SUPERVISOR)
    db.session.commit()
    login(client, "x-sup")
    for endpoint, model in (("notice", Notice), ("instruction", Instruction)):
        body = client.get(f"/admin/{endpoint}/export/csv/").get_data(as_text=True)
        rows = list(csv.DictReader(io.StringIO(body[1:])))
        records = db.session.scalars(sa.select(model).order_by(model.id.desc())).all()
        assert len(rows) == len(records) > 0
        for row, record in zip(rows, records, strict=True):
            item = record.item
            assert row["督查事项"] == (f"{item.number} {item.title}" if item else ""), row
            if endpoint == "notice":
                assert row["文号"] == (record.number or "待签发"), row  # a draft has no number yet


@pytest.mark.parametrize("text", [*PAYLOADS, "'", "''=1", "'=1", "'abc", "+86 139 0000 1111", "-5", "普通文字", ""])
def test_should_give_back_exactly_what_was_defused(text):
    assert restore_text(defuse_text(text)) == text


def test_should_import_an_exported_roster_and_units_back_unchanged_despite_formula_like_text(app, demo_office):
    from models import Liaison
    from tests.conftest import DEMO_MOMENT as now

    demo_office(sweep=False)
    # as the system stores text (outer spaces and tabs trimmed), some with an apostrophe of its own in front
    stored = [p.strip() for p in PAYLOADS] + ["'=1+1", "''@x", "'普通"]
    for n, liaison in enumerate(db.session.scalars(sa.select(Liaison).order_by(Liaison.id))):
        liaison.post = stored[n % len(stored)][:50]
        liaison.note = stored[(n + 1) % len(stored)] + "\n" + stored[n % len(stored)]
    for n, unit in enumerate(db.session.scalars(sa.select(Unit).order_by(Unit.id))):
        unit.head_name = stored[n % len(stored)][:40]
    db.session.commit()
    for kind, body in (("roster", roster_workbook(db.session)), ("units", units_workbook(db.session))):
        defused = check(kind, xlsx_cells(body))
        assert len(defused) > 10
        plan = plan_import(db.session, kind, body, now=now)
        db.session.rollback()
        changes = [
            (r.row, r.label, r.problems, [str(c) for c in r.changes]) for r in plan.rows if r.action != "unchanged"
        ]
        assert not changes, changes[:3]
        assert not plan.file_problems, plan.file_problems
