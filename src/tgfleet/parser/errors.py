"""The parsers' one error."""

from __future__ import annotations


class MarkupError(ValueError):
    """Markup that cannot become message entities (a custom emoji without a numeric id, a date-time without a
    unix time or with an unknown format). Fix the markup, or send the text with ``ParseMode.DISABLED``."""
