"""Audit events as people read them: a name for each action, what an event is about, and
a word diff of the text it changed. Presentation only: the chain itself is core.audit."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .diffs import diff_words

# Every action appended to the trail, by its dotted name. An action not listed here
# (a newer one) is shown by its name, never hidden.
NO_PASSWORD = gettext_lazy("password login off (no password)")
ACTION_LABELS = {
    "access.refused": gettext_lazy("access refused"),
    "account.create": gettext_lazy("account created"),
    "account.change": gettext_lazy("account changed"),
    "account.delete": gettext_lazy("account deleted"),
    "account.activate": gettext_lazy("account activated"),
    "account.deactivate": gettext_lazy("account deactivated"),
    "account.password.set": gettext_lazy("password set"),
    "account.password.link": gettext_lazy("link to set a password sent"),
    "account.address.confirm": gettext_lazy("address on record confirmed by its owner"),
    "account.second_factor.set": gettext_lazy("authenticator app set up"),
    "account.second_factor.remove": gettext_lazy("authenticator app removed"),
    "checkpoint.restart": gettext_lazy("missing checkpoints accepted (checkpoint --restart)"),
    "account.profile": gettext_lazy("signature name or credentials changed"),
    "account.staff.grant": gettext_lazy("staff access granted"),
    "account.staff.revoke": gettext_lazy("staff access revoked"),
    "account.superuser.grant": gettext_lazy("superuser granted"),
    "account.superuser.revoke": gettext_lazy("superuser revoked"),
    "roles.change": gettext_lazy("roles or languages changed"),
    "group.create": gettext_lazy("group created"),
    "group.change": gettext_lazy("group renamed or its permissions changed"),
    "group.delete": gettext_lazy("group deleted"),
    "guide.create": gettext_lazy("guide created"),
    "guide.delete": gettext_lazy("guide deleted"),
    "guide.settings": gettext_lazy("guide settings changed"),
    "guide.document_import": gettext_lazy("guide document imported"),
    "section.create": gettext_lazy("section added"),
    "section.move": gettext_lazy("section moved"),
    "section.delete": gettext_lazy("section removed"),
    "draft.edit": gettext_lazy("text edited"),
    "translation.export": gettext_lazy("translation file downloaded"),
    "translation.import": gettext_lazy("translation file imported"),
    "translation.segment_states": gettext_lazy("sentence states changed"),
    "memory.export": gettext_lazy("translation memory exported"),
    "memory.import": gettext_lazy("translation memory imported"),
    "glossary.create": gettext_lazy("glossary term added"),
    "glossary.change": gettext_lazy("glossary term changed"),
    "glossary.delete": gettext_lazy("glossary term removed"),
    "version.submit": gettext_lazy("submitted for review"),
    "version.supersede": gettext_lazy("superseded by a newer submission"),
    "version.approved": gettext_lazy("version approved"),
    "version.changes_requested": gettext_lazy("changes requested"),
    "signature.approve": gettext_lazy("signed: approved"),
    "signature.request_changes": gettext_lazy("signed: changes requested"),
    "signature.failed": gettext_lazy("signature refused"),
    "publication.publish": gettext_lazy("published"),
    "publication.withdraw": gettext_lazy("withdrawn from the channels"),
    "export.channels": gettext_lazy("channels exported"),
}


# Fields events name, as the forms name them; a translated column also names its language.
FIELD_NAMES = {
    "title": gettext_lazy("title"),
    "summary": gettext_lazy("summary"),
    "body": gettext_lazy("text"),
    "printed_name": gettext_lazy("printed name"),
    "credentials": gettext_lazy("credentials"),
    "safety_critical": gettext_lazy("safety-critical"),
    "review_interval_months": gettext_lazy("review interval (months)"),
    # An account's roles (roles.change): its groups, direct permissions and (role:language) assignments.
    "groups": gettext_lazy("groups"),
    "permissions": gettext_lazy("permissions"),
    "languages": gettext_lazy("languages"),
}

# The name the trail records for an action no account took (core.audit.actor_label), and reasons the code records
# in English: shown in the interface language, stored as they are.
SYSTEM_ACTOR = "system"
RECORDED_WORDS = {
    SYSTEM_ACTOR: gettext_lazy("system"),
    "permission denied": gettext_lazy("permission denied"),
}
TRANSLATED_FIELDS = ("title", "summary", "body")


def field_name(field: str) -> str:
    """ "body_es" -> "text (Spanish)" in the interface language; an unknown field stays as recorded."""
    from .languages import all_languages

    for language in all_languages():
        for name in TRANSLATED_FIELDS:
            if field == language.field(name):
                return f"{FIELD_NAMES[name]} ({language.display_name})"
    return str(FIELD_NAMES.get(field, field))


def action_label(action: str, data: dict | None = None) -> str:
    """The action as a reader says it, in the interface language; with the event's data where it changes the meaning
    (a password "set" to nothing, at an account's creation or when password login is turned off, is no password)."""
    if action == "account.password.set" and isinstance(data, dict) and data.get("usable") is False:
        return str(NO_PASSWORD)
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def actor_name(label: str, actor_id: int | None = None) -> str:
    """Who acted, as the trail names them: "system" (no account) in the interface language, a username as it is."""
    if label == SYSTEM_ACTOR and actor_id is None:
        return str(RECORDED_WORDS[SYSTEM_ACTOR])
    return label


def recorded_text(text: str) -> str:
    """A reason the code recorded in English ("permission denied") in the interface language; any other text as typed."""
    word = RECORDED_WORDS.get(text) if text != SYSTEM_ACTOR else None
    return str(word) if word is not None else text


@dataclass(frozen=True)
class Change:
    """One value an event changed: what it is, and the old and new values."""

    field: str
    old: object
    new: object

    @property
    def html(self):
        """A word diff for text, "old → new" for anything else."""
        if isinstance(self.old, str) and isinstance(self.new, str):
            return diff_words(self.old, self.new)
        return format_html("{} → {}", _plain(self.old), _plain(self.new))


def _plain(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{field_name(str(key))}: {_plain(item)}" for key, item in value.items()) or "—"
    return str(value)


def _assignment(value: str) -> str:
    """ "reviewer:es" -> "Clinical reviewer (Spanish)" in the interface language; anything else as recorded."""
    from .languages import UnknownLanguage, get_language
    from .roles import Role

    role, _sep, code = value.partition(":")
    try:
        return f"{Role(role).label} ({get_language(code).display_name})"
    except (ValueError, UnknownLanguage):
        return value


def _values_of(field: str, value):
    """Recorded values as people name them: a role's group by its translated name, an assignment by its role and language."""
    if not isinstance(value, (list, tuple)):
        return value
    if field == "groups":
        from .roles import group_label

        return [group_label(name) if isinstance(name, str) else name for name in value]
    if field == "languages":
        return [_assignment(item) if isinstance(item, str) else item for item in value]
    return value


def _is_change(value) -> bool:
    return isinstance(value, dict) and set(value) >= {"old", "new"}


def event_changes(event) -> list[Change]:
    """The old and new values an event records, however its action lays them out:
    {"field", "old", "new"} (a text edit), {"fields": {name: {"old", "new"}}} or {name: {"old", "new"}}."""
    data = event.data if isinstance(event.data, dict) else {}
    if _is_change(data) and isinstance(data["old"], dict) and isinstance(data["new"], dict):
        # A record of several values (roles.change: groups, permissions, languages): one change for each that changed.
        old, new = data["old"], data["new"]
        return [
            Change(str(name), _values_of(name, old.get(name)), _values_of(name, new.get(name)))
            for name in dict.fromkeys([*old, *new])
            if old.get(name) != new.get(name)
        ]
    if _is_change(data):
        return [Change(str(data.get("field") or data.get("key") or ""), data["old"], data["new"])]
    changes = []
    for name, value in (data.get("fields") or {}).items() if isinstance(data.get("fields"), dict) else ():
        if _is_change(value):
            changes.append(Change(name, value["old"], value["new"]))
    for name, value in data.items():
        if name != "fields" and _is_change(value):
            changes.append(Change(name, value["old"], value["new"]))
    return changes


def changes_html(event):
    """Each change of an event as a labelled word diff (or old → new)."""
    changes = event_changes(event)
    if not changes:
        return ""
    return format_html_join(
        "", '<div class="gc-audit-change"><strong>{}</strong><div class="gc-audit-diff" dir="auto">{}</div></div>',
        ((field_name(change.field), change.html) for change in changes),
    )


def change_summary(event, limit: int = 80) -> str:
    """One line for the list: which fields changed, or the reason or file an event names."""
    changes = event_changes(event)
    if changes:
        return ", ".join(field_name(change.field) for change in changes if change.field)
    data = event.data if isinstance(event.data, dict) else {}
    for name in ("reason", "file", "comment", "path"):
        if data.get(name):
            text = recorded_text(str(data[name]))
            return text if len(text) <= limit else text[: limit - 1] + "…"
    return ""


# What a scope is about. A scope names the kind of object first ("guide:<pk>" or "guide:<pk>:<language>"); the
# app that owns that kind's model registers it in its AppConfig.ready() (guides registers "guide"), so the audit
# pages show the object's name while core imports no app above it.
_SCOPE_MODELS: dict[str, tuple[type, str]] = {}


def register_scope_model(kind: str, model: type, ordering: str = "pk") -> None:
    """Show the objects of scopes "<kind>:<pk>…" as model's instances (by str()), listed in ordering's order."""
    _SCOPE_MODELS[kind] = (model, ordering)


def scope_model(kind: str) -> tuple[type, str] | None:
    """(model, ordering) registered for kind's scopes, or None when no app registered one (then none is named)."""
    return _SCOPE_MODELS.get(kind)
