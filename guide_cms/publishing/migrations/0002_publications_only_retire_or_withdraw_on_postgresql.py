"""Publication rows are kept in the database itself (PostgreSQL): none is deleted, and an update may
only retire a live one (is_live true to false) or withdraw it (withdrawn_at set once): no role can
revive an old publication, point one at another version or un-withdraw a translation."""
from django.db import migrations

from guide_cms.core.migration_ops import run_on_postgresql

FORWARD = """
CREATE FUNCTION publishing_publication_only_retire_or_withdraw() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'publications are never deleted: publication % kept', OLD.id USING ERRCODE = 'restrict_violation';
    END IF;
    IF (to_jsonb(NEW) - 'is_live' - 'withdrawn_at') IS DISTINCT FROM (to_jsonb(OLD) - 'is_live' - 'withdrawn_at')
        OR (NEW.is_live AND NOT OLD.is_live)
        OR (OLD.withdrawn_at IS NOT NULL AND NEW.withdrawn_at IS DISTINCT FROM OLD.withdrawn_at) THEN
        RAISE EXCEPTION 'publication %: only retiring or withdrawing it is allowed', OLD.id USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER publishing_publication_only_retire_or_withdraw
    BEFORE UPDATE OR DELETE ON publishing_publication
    FOR EACH ROW EXECUTE FUNCTION publishing_publication_only_retire_or_withdraw();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS publishing_publication_only_retire_or_withdraw ON publishing_publication;
DROP FUNCTION IF EXISTS publishing_publication_only_retire_or_withdraw();
"""


class Migration(migrations.Migration):
    dependencies = [("publishing", "0001_publications")]

    operations = [run_on_postgresql(FORWARD, BACKWARD)]
