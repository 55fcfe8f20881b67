"""files in the database: attachment bytes beside their row, import uploads kept between preview and confirm

Revision ID: 0012_files
Revises: 0008_assessment
Create Date: 2026-11-29 15:30:00

Every app server must see every file, so the bytes go into the database (PostgreSQL bytea, SQLite BLOB), written in
the transaction of their row. Attachments of earlier releases stay on disk (content NULL) and are still served from
there until `flask --app app move-files-into-db` takes them in; import uploads on disk are a day's previews at most
and are taken in by the same command.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_files"
down_revision = "0008_assessment"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content", sa.LargeBinary(), nullable=True))
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:  # out of line, uncompressed: a download's substr() reads only the piece it asks for
        op.execute("ALTER TABLE attachment ALTER COLUMN content SET STORAGE EXTERNAL")
    op.create_table(
        "import_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_import_upload_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_upload")),
        sa.UniqueConstraint("token", name=op.f("uq_import_upload_token")),
    )
    with op.batch_alter_table("import_upload", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_upload_uploaded_at"), ["uploaded_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_import_upload_user_id"), ["user_id"], unique=False)
    if postgres:
        op.execute("ALTER TABLE import_upload ALTER COLUMN content SET STORAGE EXTERNAL")


def downgrade():
    with op.batch_alter_table("import_upload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_upload_user_id"))
        batch_op.drop_index(batch_op.f("ix_import_upload_uploaded_at"))
    op.drop_table("import_upload")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_column("content")
