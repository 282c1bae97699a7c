"""WSGI entry point; production servers set DJANGO_SETTINGS_MODULE=guide_cms.settings.production.

``manage.py runserver`` serves through this module too (settings.WSGI_APPLICATION). Both start the
warm-up (guide_cms.warmup) in a background thread, so the first submit does not wait for fonts and word
lists; management commands and tests never import this module.
"""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guide_cms.settings.production")
application = get_wsgi_application()

from guide_cms import warmup  # noqa: E402 - after Django is set up

warmup.start()
