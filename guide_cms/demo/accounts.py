"""The demo accounts. Their password is published in the README, so the
demo refuses to run where settings.DEMO_ALLOWED is off (production)."""
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from guide_cms.notifications.models import Delivery, NotificationPreference
from guide_cms.core.services import (
    account_create,
    account_set_password,
    account_set_roles,
    account_update,
    password_is_owners,
    staff_profile_update,
)
from guide_cms.core.roles import ROLE_GROUPS, Role

DEMO_PASSWORD = "guide-demo-2026"
ALL_LANGUAGES = ("en", "es", "ar", "zh-hans", "vi")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    printed_name: str
    credentials: str
    role: Role | None
    languages: tuple[str, ...] = field(default=())
    superuser: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("editor", "Dr Sam Carter", "MD, Physical Medicine and Rehabilitation", Role.EDITOR),
    DemoAccount("translator_es", "Lucía Fernández", "Medical translator (EN>ES)", Role.TRANSLATOR, ("es",)),
    DemoAccount("translator_ar", "Omar Haddad", "Medical translator (EN>AR)", Role.TRANSLATOR, ("ar",)),
    DemoAccount("translator_zh_hans", "Wang Fang", "Medical translator (EN>ZH)", Role.TRANSLATOR, ("zh-hans",)),
    DemoAccount("translator_vi", "Nguyễn Thị Lan", "Medical translator (EN>VI)", Role.TRANSLATOR, ("vi",)),
    DemoAccount("reviewer1", "Dr Amal Nasser", "MD, Neurology", Role.REVIEWER, ALL_LANGUAGES),
    DemoAccount("reviewer2", "Dr Elena Ruiz", "MD, PharmD", Role.REVIEWER, ALL_LANGUAGES),
    DemoAccount("publisher", "Chris Morgan", "Patient information publisher", Role.PUBLISHER),
    DemoAccount("admin", "Site administrator", "", None, superuser=True),
]


@transaction.atomic
def ensure_demo_accounts() -> list:
    """Create or update the demo accounts; safe to run again.

    Their published password counts as one each account chose itself, so
    the demo reviewers can sign (core.services.password_is_owners).
    """
    User = get_user_model()
    users = []
    for account in DEMO_ACCOUNTS:
        flags = {
            "is_staff": True, "is_superuser": account.superuser, "is_active": True,
            "email": f"{account.username.replace('_', '.')}@guides.example.org",
        }
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = account_create(actor=None, username=account.username, password=None, **flags)
        else:
            account_update(actor=None, user=user, values=flags)
        if not user.check_password(DEMO_PASSWORD) or not password_is_owners(user):
            account_set_password(actor=None, user=user, password=DEMO_PASSWORD, owner_chosen=True)
        staff_profile_update(actor=None, user=user, printed_name=account.printed_name, credentials=account.credentials)
        groups = [Group.objects.get_or_create(name=ROLE_GROUPS[account.role])[0]] if account.role else []
        account_set_roles(actor=None, user=user, groups=groups, languages=[(account.role.value, language) for language in account.languages])
        # Emails in the person's own language; one reviewer reads a daily digest (send_notifications --digest).
        language = account.languages[0] if account.role == Role.TRANSLATOR else "en"
        delivery = Delivery.DIGEST if account.username == "reviewer2" else Delivery.IMMEDIATE
        NotificationPreference.objects.get_or_create(user=user, defaults={"language": language, "delivery": delivery})
        users.append(user)
    return users
