from django.urls import path

from . import translator_views, views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("versions/<int:pk>/", views.review_version, name="version"),
    path("guides/<int:pk>/submit/<str:language>/", views.submit, name="submit"),
    path("translate/", translator_views.dashboard, name="translate"),
    path("translate/<slug:slug>/<str:language>.<str:fmt>", translator_views.download, name="download"),
    path("translate/upload/", translator_views.upload, name="upload"),
    path("translate/<slug:slug>/<str:language>/", translator_views.segments, name="segments"),
]
