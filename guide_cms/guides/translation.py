"""django-modeltranslation registration: the translated fields of the content."""
from modeltranslation.translator import TranslationOptions, register

from .models import Guide, Section


@register(Guide)
class GuideTranslationOptions(TranslationOptions):
    fields = ("title", "summary")


@register(Section)
class SectionTranslationOptions(TranslationOptions):
    fields = ("title", "body")
