"""user session epoch

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 23:20:00

Each account counts its sign-outs: a page session cookie carries the count it was issued
under, and logging out or changing the password moves it on, so that an old cookie is refused
on the server, not only forgotten by the browser.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
