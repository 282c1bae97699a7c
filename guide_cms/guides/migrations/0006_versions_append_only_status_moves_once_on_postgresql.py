"""Versions are append-only in the database itself (PostgreSQL), with one narrow exception: the review
status moves once, from in review to approved, changes requested or superseded (with its decision time).
No role can change a version's text, hash, author, contributors or approvals required, move a decided
status, or delete a version, the application's own included."""
from django.db import migrations

from guide_cms.core.migration_ops import run_on_postgresql

FORWARD = """
CREATE FUNCTION guides_version_only_status_moves() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'versions are never deleted: version % kept', OLD.id USING ERRCODE = 'restrict_violation';
    END IF;
    IF (to_jsonb(NEW) - 'status' - 'decided_at') IS DISTINCT FROM (to_jsonb(OLD) - 'status' - 'decided_at') THEN
        RAISE EXCEPTION 'version % is frozen: only its review status moves', OLD.id USING ERRCODE = 'restrict_violation';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NOT (OLD.status = 'in_review' AND NEW.status IN ('approved', 'changes_requested', 'superseded')) THEN
            RAISE EXCEPTION 'version %: status % cannot become %', OLD.id, OLD.status, NEW.status USING ERRCODE = 'restrict_violation';
        END IF;
    ELSIF NEW.decided_at IS DISTINCT FROM OLD.decided_at THEN
        RAISE EXCEPTION 'version %: the decision time moves only with the status', OLD.id USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER guides_version_append_only
    BEFORE UPDATE OR DELETE ON guides_version
    FOR EACH ROW EXECUTE FUNCTION guides_version_only_status_moves();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS guides_version_append_only ON guides_version;
DROP FUNCTION IF EXISTS guides_version_only_status_moves();
"""


class Migration(migrations.Migration):
    dependencies = [("guides", "0005_version_segment_states")]

    operations = [run_on_postgresql(FORWARD, BACKWARD)]
