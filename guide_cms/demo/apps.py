from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "guide_cms.demo"
    label = "demo"
    verbose_name = "Demo data"
