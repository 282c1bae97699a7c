"""Audit events are append-only in the database itself (PostgreSQL): no role can UPDATE or DELETE one,
the application's own included (unless it owns the table and disables the trigger: README)."""
from django.db import migrations

from guide_cms.core.migration_ops import run_on_postgresql

FORWARD = """
CREATE FUNCTION core_auditevent_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % of event % refused', TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_change();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0005_auditevent_object_index")]

    operations = [run_on_postgresql(FORWARD, BACKWARD)]
