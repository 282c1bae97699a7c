from django.urls import path, register_converter

from guide_cms.core.converters import LanguageCodeConverter

from . import translator_views, views

# An unknown language code in a URL is a 404, never an error page.
register_converter(LanguageCodeConverter, "language")

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("versions/<int:pk>/", views.review_version, name="version"),
    path("guides/<int:pk>/submit/<language:language>/", views.submit, name="submit"),
    path("translate/", translator_views.dashboard, name="translate"),
    path("translate/<slug:slug>/<language:language>.<str:fmt>", translator_views.download, name="download"),
    path("translate/upload/", translator_views.upload, name="upload"),
    path("translate/<slug:slug>/<language:language>/", translator_views.segments, name="segments"),
]
