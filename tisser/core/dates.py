"""Dates written as French typography wants them, in the current language."""


def short_day(value) -> str:
    """A day the way people write it: "ven. 19 juin" in French, "Fri 19 June" in English
    (Django's own abbreviations give "ven 19 Jui"; Babel has the CLDR's)."""
    import datetime

    from babel.dates import format_date
    from django.utils import timezone
    from django.utils.translation import get_language, to_locale

    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return format_date(value, "EEE d MMMM", locale=to_locale(get_language() or "fr"))
