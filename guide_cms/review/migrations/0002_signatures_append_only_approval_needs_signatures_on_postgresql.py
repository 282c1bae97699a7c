"""Signatures are append-only in the database itself (PostgreSQL): no role can UPDATE or DELETE one.
And a version becomes approved only with as many approving signatures from different reviewers as it
needs (sealed rows are still checked by verify_integrity: this stops the plain SQL edit)."""
from django.db import migrations

from guide_cms.core.migration_ops import run_on_postgresql

FORWARD = """
CREATE FUNCTION review_signature_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'signatures are append-only: % of signature % refused', TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER review_signature_append_only
    BEFORE UPDATE OR DELETE ON review_signature
    FOR EACH ROW EXECUTE FUNCTION review_signature_refuse_change();

CREATE FUNCTION review_version_approved_by_signatures() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    approvers integer;
BEGIN
    IF NEW.status = 'approved' AND OLD.status IS DISTINCT FROM 'approved' THEN
        SELECT count(DISTINCT signer_id) INTO approvers FROM review_signature
            WHERE version_id = NEW.id AND decision = 'approve' AND content_hash = NEW.content_hash;
        IF approvers < NEW.approvals_required THEN
            RAISE EXCEPTION 'version % needs % approving signatures, it has %', NEW.id, NEW.approvals_required, approvers
                USING ERRCODE = 'restrict_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER review_version_approved_by_signatures
    BEFORE UPDATE ON guides_version
    FOR EACH ROW EXECUTE FUNCTION review_version_approved_by_signatures();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS review_version_approved_by_signatures ON guides_version;
DROP FUNCTION IF EXISTS review_version_approved_by_signatures();
DROP TRIGGER IF EXISTS review_signature_append_only ON review_signature;
DROP FUNCTION IF EXISTS review_signature_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("review", "0001_signatures"), ("guides", "0006_versions_append_only_status_moves_once_on_postgresql")]

    operations = [run_on_postgresql(FORWARD, BACKWARD)]
