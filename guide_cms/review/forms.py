from django import forms
from django.utils.translation import gettext_lazy as _

from guide_cms.guides.models import ChangeClass

from .models import Decision


class SignForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you request changes: say what must change."),
    )
    confirm_change_class = forms.BooleanField(label=_("I confirm the author's change class"), required=False)
    content_hash = forms.CharField(widget=forms.HiddenInput)
    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Re-enter your password to sign. Your signature is bound to exactly this text."),
    )

    code = forms.CharField(
        label=_("Code from your authenticator app"), max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}),
        help_text=_("The six digits your authenticator app shows now."),
    )

    def __init__(self, *args, decisions=None, second_factor: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not second_factor:
            del self.fields["code"]  # asked only of a signer who set up an app
        if decisions is not None:
            self.fields["decision"].choices = [(value, label) for value, label in Decision.choices if value in decisions]
            if len(decisions) == 1:
                self.fields["decision"].initial = decisions[0]

    def focus_password(self):
        """Where the eye goes after a refused signature: the password, to type again."""
        self.fields["password"].widget.attrs["autofocus"] = True


class SubmitForm(forms.Form):
    change_class = forms.ChoiceField(
        label=_("What kind of change is this?"), choices=[("", "—"), *ChangeClass.choices], required=False,
        help_text=_("Editorial changes leave translations current; clinical and safety changes make them outdated."),
    )
