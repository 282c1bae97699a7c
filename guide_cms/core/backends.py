"""Django's model backend, keeping track of a password its owner chose across re-hashing."""
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .services import owner_password_rehashed


class OwnerPasswordBackend(ModelBackend):
    """ModelBackend. When Django re-hashes a password at login (PBKDF2 to
    Argon2, more iterations), the password is the same, so it stays the
    owner's if it was (core.services.password_is_owners)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        before = User._default_manager.filter(**{User.USERNAME_FIELD: username}).values_list("password", flat=True).first()
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and before and user.password != before:
            owner_password_rehashed(user, before)
        return user
