"""Each person's own notifications page: how they are told, and what they were told."""
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import PreferenceForm
from .messages import render_one
from .models import NotificationPreference
from .services import preference_update


@staff_member_required
def preferences(request):
    current = NotificationPreference.objects.filter(user=request.user).first() or NotificationPreference(user=request.user)
    form = PreferenceForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        preference_update(user=request.user, delivery=form.cleaned_data["delivery"], language=form.cleaned_data["language"])
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:preferences")
    language = current.language
    recent = [
        {"notification": n, "subject": render_one(n, language)[0]}
        for n in request.user.notifications.order_by("-created_at", "-id")[:30]
    ]
    context = {**admin.site.each_context(request), "title": _("Notifications"), "form": form, "recent": recent,
               "has_email": bool(request.user.email)}
    return render(request, "notifications/preferences.html", context, status=400 if form.errors else 200)
