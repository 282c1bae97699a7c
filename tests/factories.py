"""Factories for the tests: users with roles, guides with sections."""
import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from guide_cms.core.models import StaffProfile
from guide_cms.core.roles import ROLE_GROUPS, Role
from guide_cms.guides.models import Guide, Section

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.django.Password(PASSWORD)
    profile = factory.RelatedFactory(
        "tests.factories.StaffProfileFactory", factory_related_name="user"
    )

    @factory.post_generation
    def password_chosen_by_owner(user, create, extracted, **kwargs):
        """Test users chose their own password, as a real user does by changing the one they were given.
        make_user(..., password_chosen_by_owner=False) for an account whose password an administrator set."""
        if create and extracted is not False:
            from guide_cms.core.services import owner_password_record

            owner_password_record(user)


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    printed_name = factory.Sequence(lambda n: f"Dr Person {n}")
    credentials = "MD"


def make_user(role: Role | None = None, languages: tuple[str, ...] = (), **kwargs):
    """A staff user in role's group, assigned to languages."""
    user = UserFactory(**kwargs)
    if role is not None:
        from guide_cms.core.services import account_set_roles

        # get_or_create: transactional tests flush the groups the migration made. Through the audited service,
        # as the admin does: roles are sealed facts (verify_integrity compares them with the trail).
        group = Group.objects.get_or_create(name=ROLE_GROUPS[role])[0]
        account_set_roles(actor=None, user=user, groups=[group], languages=[(role.value, language) for language in languages])
    return user


class GuideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guide

    slug = factory.Sequence(lambda n: f"guide-{n}")
    title_en = factory.Sequence(lambda n: f"Guide {n}")
    summary_en = "A short summary."


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    guide = factory.SubFactory(GuideFactory)
    key = factory.Sequence(lambda n: f"section-{n}")
    position = factory.Sequence(lambda n: n + 1)
    title_en = factory.Iterator(["Dosing", "Side effects", "Storage"])
    body_en = "Take 5 mg of Baclofen three times a day."
