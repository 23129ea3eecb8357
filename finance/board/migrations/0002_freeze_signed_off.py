"""A database-level guard: a signed-off board summary's frozen columns never change, nor is it deleted.

The services refuse too; this catches anything else (admin, shell, raw SQL). Only the
user foreign keys may still change (SET NULL when a user is deleted).
"""

from django.db import migrations

FROZEN = [
    "year", "period", "version", "status", "content", "content_hash", "built_at", "commentary",
    "decisions_needed", "signed_off_by_name", "signed_off_at",
]

CREATE = f"""
CREATE OR REPLACE FUNCTION board_summary_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'signed_off' THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'board summary % is signed off and cannot be deleted', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF {" OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN)} THEN
            RAISE EXCEPTION 'board summary % is signed off and cannot be changed', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER board_summary_frozen
    BEFORE UPDATE OR DELETE ON board_boardsummary
    FOR EACH ROW EXECUTE FUNCTION board_summary_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS board_summary_frozen ON board_boardsummary;
DROP FUNCTION IF EXISTS board_summary_frozen();
"""


class Migration(migrations.Migration):
    dependencies = [("board", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
