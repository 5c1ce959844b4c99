"""Languages: Simplified Chinese first, English complete, chosen by cookie or browser."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask_babel import get_locale

SUPPORTED_LOCALES = ("zh_Hans", "en")
DEFAULT_LOCALE = "zh_Hans"
LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"zh_Hans": "中文", "en": "English"}


def match_language_tag(tag: str) -> str | None:
    """Map a browser language tag (``zh-CN``, ``zh-Hans``, ``en-GB``...) to a locale we speak.

    Babel's own negotiation does not equate ``zh-CN`` with ``zh_Hans``; every Chinese tag,
    traditional ones included, reads the Simplified Chinese pages better than English ones.
    """
    primary = tag.replace("_", "-").split("-", 1)[0].lower()
    if primary == "zh":
        return "zh_Hans"
    if primary == "en":
        return "en"
    return None


def select_locale() -> str:
    """Choose the language of this request: the switch's cookie, then the browser's wishes."""
    if not has_request_context():  # commands and background work speak the default
        return DEFAULT_LOCALE
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in SUPPORTED_LOCALES:
        return chosen
    for tag, _quality in request.accept_languages:
        locale = match_language_tag(tag)
        if locale:
            return locale
    return DEFAULT_LOCALE


def current_language() -> str:
    """Return the locale code of the current request, as the models' ``display_*`` take it."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh_Hans"


def html_lang() -> str:
    """Return the value of the page's ``lang`` attribute."""
    return "en" if current_language() == "en" else "zh-Hans"


def init_app(app: Flask) -> None:
    """Give templates the language helpers."""
    app.jinja_env.globals.update(
        current_language=current_language,
        html_lang=html_lang,
        language_names=LANGUAGE_NAMES,
        supported_locales=SUPPORTED_LOCALES,
    )
