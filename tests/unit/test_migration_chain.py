"""The migrations form one line: branches merged in parallel must be renumbered, not left as two heads."""

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def test_the_migrations_have_one_head_and_each_file_is_named_by_its_revision():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    scripts = ScriptDirectory.from_config(config)
    assert len(scripts.get_heads()) == 1, scripts.get_heads()
    for revision in scripts.walk_revisions():
        assert Path(revision.path).stem == revision.revision
        number = int(revision.revision[:4])
        parent = revision.down_revision
        assert parent is None or int(parent[:4]) == number - 1, (revision.revision, parent)
