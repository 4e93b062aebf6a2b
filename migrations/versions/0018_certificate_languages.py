"""an audit-relief certificate in both languages: a rendition table for the PDF in the other language

A certificate keeps the PDF of the language it was issued in; the same version printed in the other
language (same serial, code and facts, its own bytes and SHA-256) is a row here, stored with it.
Certificates issued before this revision have their one language only: nothing is rendered for them.

Revision ID: 0018_certificate_languages
Revises: 0017_ocds_releases
"""
import sqlalchemy as sa
from alembic import op

revision = "0018_certificate_languages"
down_revision = "0017_ocds_releases"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "relief_certificate_renditions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("certificate_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["audit_relief_certificates.id"],
            name="fk_relief_renditions_certificate_id",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relief_certificate_renditions")),
        sa.UniqueConstraint("certificate_id", "language", name="uq_relief_certificate_renditions_language"),
    )
    with op.batch_alter_table("relief_certificate_renditions") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_relief_certificate_renditions_pdf_sha256"), ["pdf_sha256"], unique=False
        )


def downgrade():
    with op.batch_alter_table("relief_certificate_renditions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_relief_certificate_renditions_pdf_sha256"))
    op.drop_table("relief_certificate_renditions")
