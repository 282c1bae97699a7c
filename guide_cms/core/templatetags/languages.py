"""{{ code|language_attributes }}: lang="en" dir="ltr" on an element holding text in that language."""
from django import template

from guide_cms.core import languages

register = template.Library()


@register.filter
def language_attributes(code) -> str:
    return languages.language_attributes(code)
