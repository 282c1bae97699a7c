"""{{ value|moment }}: a moment in the interface language, CLDR's long form with its time zone
(core.languages.format_moment), where Django's formats put Arabic dates in US order."""
from django import template

from guide_cms.core.languages import format_moment

register = template.Library()


@register.filter
def moment(value) -> str:
    return format_moment(value) if value else ""
