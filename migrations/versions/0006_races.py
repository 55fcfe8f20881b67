"""races: at most one pending feedback per share and period, one pending extension request per share

Revision ID: 0004_races
Revises: 0004_auth
Create Date: 2026-11-26 10:00:00

Before the indexes, duplicates left by earlier races are settled: of several pending reports of one share and
period (or several pending extension requests of one share) the newest stays pending and the older ones are
closed as 退回 / 未批准 with a note saying why, so the upgrade never fails on an office's existing data.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004_races"
down_revision = "0004_auth"
branch_labels = None
depends_on = None

DUPLICATE_NOTE = "系统升级时发现同一期次有多份待审核的反馈（重复提交），保留最新一份待审核，此份不再审核。"
DUPLICATE_REQUEST_NOTE = "系统升级时发现多份待审批的延期申请（重复提交），保留最新一份待审批，此份不再审批。"


def _settle_duplicates() -> None:
    connection = op.get_bind()
    now = datetime.now(UTC)
    feedback = sa.table(
        "feedback",
        sa.column("id", sa.Integer),
        sa.column("assignment_id", sa.Integer),
        sa.column("period", sa.String),
        sa.column("review_status", sa.String),
        sa.column("review_comment", sa.Text),
        sa.column("reviewed_at", sa.DateTime(timezone=True)),
    )
    newest = (
        sa.select(sa.func.max(feedback.c.id))
        .where(feedback.c.review_status == "pending")
        .group_by(feedback.c.assignment_id, sa.func.coalesce(feedback.c.period, ""))
    )
    stale = (
        connection.execute(
            sa.select(feedback.c.id).where(feedback.c.review_status == "pending", feedback.c.id.not_in(newest))
        )
        .scalars()
        .all()
    )
    if stale:
        connection.execute(
            feedback.update()
            .where(feedback.c.id.in_(stale))
            .values(review_status="returned", review_comment=DUPLICATE_NOTE, reviewed_at=now)
        )
    request = sa.table(
        "extension_request",
        sa.column("id", sa.Integer),
        sa.column("assignment_id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("decided_by_name", sa.String),
        sa.column("decided_at", sa.DateTime(timezone=True)),
        sa.column("decision_comment", sa.Text),
    )
    newest = sa.select(sa.func.max(request.c.id)).where(request.c.status == "pending").group_by(request.c.assignment_id)
    stale = (
        connection.execute(sa.select(request.c.id).where(request.c.status == "pending", request.c.id.not_in(newest)))
        .scalars()
        .all()
    )
    if stale:
        connection.execute(
            request.update()
            .where(request.c.id.in_(stale))
            .values(status="refused", decided_by_name="系统", decided_at=now, decision_comment=DUPLICATE_REQUEST_NOTE)
        )


def upgrade():
    _settle_duplicates()
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(
            "uq_feedback_pending_final",
            ["assignment_id"],
            unique=True,
            sqlite_where=sa.text("review_status = 'pending' AND period IS NULL"),
            postgresql_where=sa.text("review_status = 'pending' AND period IS NULL"),
        )
        batch_op.create_index(
            "uq_feedback_pending_period",
            ["assignment_id", "period"],
            unique=True,
            sqlite_where=sa.text("review_status = 'pending' AND period IS NOT NULL"),
            postgresql_where=sa.text("review_status = 'pending' AND period IS NOT NULL"),
        )
    with op.batch_alter_table("extension_request", schema=None) as batch_op:
        batch_op.create_index(
            "uq_extension_request_pending",
            ["assignment_id"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )


def downgrade():
    with op.batch_alter_table("extension_request", schema=None) as batch_op:
        batch_op.drop_index("uq_extension_request_pending")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index("uq_feedback_pending_period")
        batch_op.drop_index("uq_feedback_pending_final")
