"""Attachments and import uploads live in the database: streamed out in chunks, older files on disk moved in."""

import hashlib
import json

import pytest

import file_store
from extensions import db
from models import Attachment, ImportUpload, Role, User
from tests.conftest import make_config
from tests.factories import login, make_user
from tests.office import build_office, report
from workflows.feedback import Upload

BODY = bytes(range(256)) * 40  # 10 KB, every byte value


@pytest.fixture
def app_config(migrated_database, tmp_path):
    """Files of an older release sit in the test's own folders."""
    return make_config(
        migrated_database, UPLOAD_FOLDER=str(tmp_path / "uploads"), IMPORT_FOLDER=str(tmp_path / "imports")
    )


@pytest.fixture
def attachment(app, now):
    """A report with one 10 KB attachment, and a supervisor to download it."""
    from tests.office import assigned_item

    office = build_office()
    item = assigned_item(office, deadline=now.date().replace(day=30), now=now)
    share = item.assignments[0]
    feedback = report(share, 50, now=now)
    feedback.attachments.append(
        Attachment(
            filename="整改报告.pdf",
            content_type="application/pdf",
            size=len(BODY),
            sha256=hashlib.sha256(BODY).hexdigest(),
            stored_name="a" * 32 + ".pdf",
            content=BODY,
        )
    )
    make_user("sup", Role.SUPERVISOR)
    db.session.commit()
    return feedback.attachments[0]


def test_should_keep_the_attachment_bytes_in_its_row_written_by_the_report(app, now):
    office = build_office()
    from tests.office import assigned_item
    from workflows.feedback import FeedbackInput, submit_feedback

    item = assigned_item(office, deadline=now.date().replace(day=30), now=now)
    upload = Upload("照片.jpg", "image/jpeg", b"\xff\xd8jpeg")
    feedback = submit_feedback(
        db.session,
        item.assignments[0],
        FeedbackInput(progress="进展", percent_complete=10, contact_name="王林", contact_phone="0457-1234567"),
        [upload],
        by_name="王林",
        now=now,
    )
    db.session.commit()
    db.session.expire_all()
    (stored,) = feedback.attachments
    assert stored.content == b"\xff\xd8jpeg" and stored.sha256 == hashlib.sha256(b"\xff\xd8jpeg").hexdigest()


def test_should_stream_an_attachment_from_the_database_in_chunks(app, client, attachment, monkeypatch):
    reads = []
    original = file_store.DatabaseFile.readinto
    monkeypatch.setattr(file_store, "CHUNK", 4096)
    monkeypatch.setattr(file_store.DatabaseFile, "readinto", lambda self, b: reads.append(len(b)) or original(self, b))
    login(client, "sup")
    response = client.get(f"/admin/feedback/attachment/?id={attachment.id}")
    assert response.status_code == 200 and response.data == BODY
    assert response.content_length == len(BODY) and "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert len(reads) >= 2 and max(reads) < len(BODY)  # 10 KB in pieces, never whole


def test_should_serve_an_older_file_from_disk_until_moved_in_then_from_the_database(app, client, attachment, runner):
    folder = file_store.Path(app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True)
    (folder / attachment.stored_name).write_bytes(BODY)
    missing = Attachment(
        feedback_id=attachment.feedback_id,
        filename="丢失.pdf",
        content_type="application/pdf",
        size=3,
        sha256="0" * 64,
        stored_name="b" * 32 + ".pdf",
    )
    db.session.add(missing)
    db.session.execute(db.update(Attachment).where(Attachment.id == attachment.id).values(content=None))
    db.session.commit()
    login(client, "sup")
    assert client.get(f"/admin/feedback/attachment/?id={attachment.id}").data == BODY  # from disk
    assert "还有 2 个反馈附件保存在本机磁盘上" in runner.invoke(args=["init-db"]).output

    result = runner.invoke(args=["move-files-into-db"])
    assert result.exit_code == 0, result.output
    assert "已将 1 个反馈附件、0 个导入预览文件移入数据库" in result.output and "1 个附件在" in result.output
    assert not (folder / attachment.stored_name).exists()
    db.session.expire_all()
    assert db.session.get(Attachment, attachment.id).content == BODY
    assert client.get(f"/admin/feedback/attachment/?id={attachment.id}").data == BODY  # from the database
    assert client.get(f"/admin/feedback/attachment/?id={missing.id}").status_code == 404
    assert "已将 0 个反馈附件" in runner.invoke(args=["move-files-into-db"]).output  # safe to run again


def test_should_move_a_fresh_import_preview_in_and_drop_a_stale_one(app, runner, now):
    user = make_user("sup", Role.SUPERVISOR)
    db.session.commit()
    folder = file_store.Path(app.config["IMPORT_FOLDER"])
    folder.mkdir(parents=True)
    for token, uploaded in (("1" * 32, now), ("2" * 32, now.replace(year=2025))):
        data = b"PK-xlsx-" + token.encode()
        meta = {
            "token": token,
            "kind": "units",
            "filename": "单位.xlsx",
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            "user_id": user.id,
            "uploaded_at": uploaded.isoformat(),
        }
        (folder / f"{token}.xlsx").write_bytes(data)
        (folder / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    result = runner.invoke(args=["move-files-into-db", "--now", "2026-11-26T10:30"])
    assert "0 个反馈附件、1 个导入预览文件移入数据库（过期或不完整的导入预览文件 1 个已删除）" in result.output
    assert list(folder.iterdir()) == []
    from importing.uploads import load_upload

    meta, data = load_upload(db.session, "1" * 32)
    assert (meta.kind, meta.user_id, data) == ("units", user.id, b"PK-xlsx-" + b"1" * 32)
    assert db.session.scalar(db.select(db.func.count()).select_from(ImportUpload)) == 1
    assert db.session.get(User, user.id) is not None
