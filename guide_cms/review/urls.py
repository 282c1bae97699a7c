from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("versions/<int:pk>/", views.review_version, name="version"),
    path("guides/<int:pk>/submit/<str:language>/", views.submit, name="submit"),
]
