"""Pages every part of the admin shares: a refusal, a login lockout, changing one's own password."""
import base64

from django import forms
from django.contrib import admin
from django.contrib import messages as django_messages
from django.contrib.admin.forms import AdminAuthenticationForm, AdminPasswordChangeForm
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import (
    INTERNAL_RESET_SESSION_TOKEN,
    PasswordChangeView,
    PasswordResetConfirmView,
    PasswordResetView,
)
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _lazy

from . import credentials, logins, second_factor, services
from .audit import audit_append


def _admin_context(request, **extra):
    return {**admin.site.each_context(request), **extra}


def permission_denied(request, exception=None):
    """handler403: say why, in the admin's look, and put the refusal on record."""
    reason = str(exception) if exception is not None and str(exception) else ""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    audit_append(
        actor=actor,
        action="access.refused",
        data={
            "user": actor.get_username() if actor else "anonymous",
            "method": request.method,
            "path": request.path[:500],
            "reason": reason or "permission denied",
        },
    )
    context = _admin_context(request, title=_("Refused"), reason=reason or _("You do not have permission to do this."))
    return render(request, "403.html", context, status=403)


def bad_request(request, reason: str):
    """A malformed request: say what is wrong, in the admin's look."""
    return render(request, "400.html", _admin_context(request, title=_("Not understood"), reason=reason), status=400)


def database_busy(request):
    """A request that waited too long for a database lock another request held: nothing of it was saved."""
    reason = _("The database is busy: another save has held it for too long. Nothing of what you sent was saved; "
               "your page is as you left it: go back and send it again in a minute.")
    response = render(request, "400.html", _admin_context(request, title=_("Busy"), reason=reason), status=503)
    response["Retry-After"] = "30"
    return response


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page while a username or address is locked.

    Other pages that check a password (signing, changing one's password)
    say so in their own form, so their response is kept.
    """
    if original_response is not None and request.path != reverse("admin:login"):
        return original_response
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    message = logins.lock_message(logins.current_lock(request, username))
    return render(request, "core/locked_out.html", _admin_context(request, title=_("Locked"), message=message), status=429)


class LoginForm(AdminAuthenticationForm):
    """The admin's login form, with the username's length checked before any password is.

    Django sets the field's max_length after building it, so no validator enforces
    it: a longer username reached the password check and the login throttle, whose
    column is shorter (a crash on PostgreSQL).
    """

    def clean_username(self):
        username = self.cleaned_data["username"]
        MaxLengthValidator(self.fields["username"].max_length)(username)
        return username


class OwnPasswordChangeForm(AdminPasswordChangeForm):
    """Django's form, with the old password checked through the login throttle."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        try:
            right = logins.verify_password(request=self.request, user=self.user, password=old_password)
        except logins.LoginLocked as exc:
            raise ValidationError(str(exc), code="locked") from None
        if not right:
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class OwnPasswordChangeView(PasswordChangeView):
    form_class = OwnPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def form_valid(self, form):
        user = self.request.user
        services.account_set_password(actor=user, user=user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, user)
        return HttpResponseRedirect(self.get_success_url())


def password_change(request):
    """The admin's "Change password" page for one's own password (replaces the admin's view)."""
    return OwnPasswordChangeView.as_view(
        success_url=reverse("admin:password_change_done"), extra_context=admin.site.each_context(request)
    )(request)


# --- credentials set by their owner (core.credentials) ------------------------------------


class OwnerPasswordResetForm(PasswordResetForm):
    """"Forgotten your password?": a link to the address on record, through core.credentials (never to an
    address someone else changed and its owner has not confirmed; Django's form says nothing either way)."""

    def save(self, *args, request=None, **kwargs):
        for user in self.get_users(self.cleaned_data["email"]):
            try:
                credentials.send_password_link(actor=None, user=user, request=request)
            except credentials.CredentialRefused:
                continue


class OwnerPasswordResetView(PasswordResetView):
    form_class = OwnerPasswordResetForm
    success_url = reverse_lazy("password_reset_done")


class OwnerPasswordResetConfirmView(PasswordResetConfirmView):
    """The link's page: the password set here is its owner's (the link reached their address)."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        user = form.user
        services.account_set_password(actor=user, user=user, password=form.cleaned_data["new_password1"], via_link=True)
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class AddressConfirmForm(forms.Form):
    password = forms.CharField(label=_lazy("Your password"), widget=forms.PasswordInput, strip=False)


def _owners_password(request, form) -> bool:
    """Whether the form's password is the user's own (checked through the login throttle, and set by its owner:
    core.credentials); if not, the form says why."""
    user = request.user
    try:
        right = logins.verify_password(request=request, user=user, password=form.cleaned_data["password"])
    except logins.LoginLocked as exc:
        form.add_error("password", str(exc))
        return False
    if not right:
        form.add_error("password", _("Your password was entered incorrectly."))
        return False
    if not services.password_is_owners(user):
        form.add_error(None, _("Your password was set by someone else: set your own with "
                               "'Forgotten your password?' on the login page first."))
        return False
    return True


def address_confirm(request):
    """The owner confirms their address on record after someone else changed it (core.credentials)."""
    user = request.user
    hold = credentials.address_hold(user)
    form = AddressConfirmForm(request.POST or None)
    status = 200
    if request.method == "POST" and hold is not None:
        if form.is_valid() and _owners_password(request, form):
            services.account_confirm_address(user=user)
            django_messages.success(request, _("Your address on record is confirmed: %(email)s.") % {"email": user.email})
            return HttpResponseRedirect(reverse("admin:index"))
        status = 400
    context = _admin_context(request, title=_("Your address on record"), hold=hold, form=form, email=user.email)
    return render(request, "core/address_confirm.html", context, status=status)


class SecondFactorForm(forms.Form):
    password = forms.CharField(label=_lazy("Your password"), widget=forms.PasswordInput, strip=False)
    code = forms.CharField(label=_lazy("Code from your authenticator app"), max_length=8,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}))


def second_factor_setup(request):
    """Set up an authenticator app (TOTP) to sign with: scan the code, type what the app shows, with one's own password."""
    user = request.user
    device = second_factor.confirmed_device(user)
    form = SecondFactorForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and _owners_password(request, form):
            if second_factor.confirm_enrolment(user, form.cleaned_data["code"]):
                django_messages.success(request, _("Your authenticator app is set up: signing now asks for its code."))
                return HttpResponseRedirect(reverse("admin:index"))
            form.add_error("code", _("That is not the code your app shows now: type the six digits it shows, before they change."))
        status = 400
    pending = second_factor.enrolment(user)
    context = _admin_context(request, title=_("Second factor for signing"), device=device, form=form,
                             qr_code=mark_safe(second_factor.qr_code_svg(pending)),  # SVG made here from the device's key
                             secret=base64.b32encode(pending.bin_key).decode("ascii"))
    return render(request, "core/second_factor.html", context, status=status)
