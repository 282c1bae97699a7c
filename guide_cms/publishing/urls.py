from django.contrib import admin
from django.urls import path

from . import views

app_name = "publishing"
urlpatterns = [
    path("job/<int:pk>/", admin.site.admin_view(views.publish_job), name="job"),
    path("job/<int:pk>/state/", admin.site.admin_view(views.publish_job_state), name="job-state"),
]
