"""Parse modes case by case, and each place where Kurigram's parser is wrong: the test shows Kurigram's
answer and ours, which follows Telegram's documents (UTF-16 lengths: https://core.telegram.org/api/entities;
the HTML style: https://core.telegram.org/bots/api#html-style) and reads back what it writes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pyro import kurigram
from tgfleet import parser
from tgfleet.enums import ParseMode
from tgfleet.parser import MarkupError
from tgfleet.tl import TLObject
from tgfleet.tl import types as t


def spans(entities: list[TLObject]) -> list[tuple[str, int, int]]:
    return [(type(e).__name__, e.offset, e.length) for e in entities]  # type: ignore[attr-defined]


def ours(markup: str, mode: ParseMode = ParseMode.HTML) -> tuple[str, list[tuple[str, int, int]]]:
    text, entities = parser.parse(markup, mode)
    return text, spans(entities)


def theirs(markup: str, mode: str = "html") -> tuple[str, list[tuple[int, int]]]:
    text, entities = kurigram.parse(markup, mode)
    return text, [(e[0], e[1]) for e in entities]


def test_offsets_and_lengths_count_utf16_units() -> None:
    assert ours("😀 <b>a👍🏽b</b>") == ("😀 a👍🏽b", [("MessageEntityBold", 3, 6)])


def test_default_mode_reads_markdown_and_html_together() -> None:
    assert ours("**a** <i>b</i>", ParseMode.DEFAULT) == (
        "a b",
        [("MessageEntityBold", 0, 1), ("MessageEntityItalic", 2, 1)],
    )


def test_markdown_mode_keeps_html_as_text() -> None:
    assert ours("**a** <i>b</i> &amp;", ParseMode.MARKDOWN) == ("a <i>b</i> &amp;", [("MessageEntityBold", 0, 1)])


def test_disabled_mode_keeps_everything_as_text() -> None:
    assert ours("  **a** <b>b</b> ", ParseMode.DISABLED) == ("**a** <b>b</b>", [])


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown parse mode"):
        parser.parse("x", "html")  # type: ignore[arg-type]


def test_unclosed_and_unmatched_tags_make_no_entity() -> None:
    assert ours("a <b>b</i> c") == ("a b c", [])
    assert ours("a **b", ParseMode.DEFAULT) == ("a b", [])


def test_mentions_read_as_the_users_id() -> None:
    _, entities = parser.parse('<a href="tg://user?id=42">Bob</a>', ParseMode.HTML)
    assert entities == [t.MessageEntityMentionName(offset=0, length=3, user_id=42)]
    assert parser.parse("[Bob](tg://user?id=42)", ParseMode.DEFAULT)[1] == entities


# --- where Kurigram is wrong -------------------------------------------------------------------------------


def test_html_writer_escapes_text_outside_every_tag() -> None:
    entities: list[TLObject] = [t.MessageEntityBold(offset=4, length=1)]
    assert parser.unparse_html("a<b>c", entities) == "a&lt;b&gt;<b>c</b>"
    assert parser.parse(parser.unparse_html("a<b>c", entities), ParseMode.HTML) == ("a<b>c", entities)
    assert kurigram.unparse("a<b>c", entities, is_html=True) == "a<b><b>c</b>"  # Kurigram: the text became a tag


def test_html_writer_escapes_a_text_without_entities() -> None:
    assert parser.unparse_html("1 < 2 & 3", []) == "1 &lt; 2 &amp; 3"
    assert kurigram.unparse("1 < 2 & 3", [], is_html=True) == "1 < 2 & 3"


def test_html_character_references_are_decoded_once() -> None:
    assert ours("&amp;lt;b&amp;gt;") == ("&lt;b&gt;", [])
    assert theirs("&amp;lt;b&amp;gt;") == ("<b>", [])  # Kurigram decodes twice


def test_html_reference_to_an_astral_character_counts_two_utf16_units() -> None:
    assert ours("<b>&#128512;</b>x") == ("😀x", [("MessageEntityBold", 0, 2)])
    assert theirs("<b>&#128512;</b>x") == ("😀x", [(0, 1)])


def test_html_keeps_a_space_inside_the_text() -> None:
    assert ours("<b>a<i> b</i></b>") == ("a b", [("MessageEntityBold", 0, 3), ("MessageEntityItalic", 1, 2)])
    assert theirs("<b>a<i> b</i></b>")[0] == "ab"  # Kurigram's trim of the first tag swallowed it


def test_html_text_is_stripped_whatever_tag_starts_it() -> None:
    assert ours('<a href="https://x.org"> a</a>') == ("a", [("MessageEntityTextUrl", 0, 1)])
    assert theirs('<a href="https://x.org"> a</a>') == (" a", [(0, 2)])


def test_bot_api_spoiler_span_and_pre_code_language() -> None:
    assert ours('<span class="tg-spoiler">a</span> <span>b</span>') == ("a b", [("MessageEntitySpoiler", 0, 1)])
    _, entities = parser.parse('<pre><code class="language-python">x = 1</code></pre>', ParseMode.HTML)
    assert entities == [t.MessageEntityPre(offset=0, length=5, language="python")]
    assert theirs('<span class="tg-spoiler">a</span>') == ("a", [])  # Kurigram: no spoiler


@pytest.mark.parametrize(
    ("markup", "problem"),
    [
        ("<tg-emoji>x</tg-emoji>", "numeric id"),
        ('<tg-emoji emoji-id="abc">x</tg-emoji>', "numeric id"),
        ("<tg-time>x</tg-time>", "unix time"),
        ('<tg-time unix="1" format="xyz">x</tg-time>', "format"),
        ('<tg-time unix="4294967296">x</tg-time>', "32 bits"),
        ('<tg-emoji emoji-id="18446744073709551616">x</tg-emoji>', "64 bits"),
    ],
)
def test_bad_custom_emoji_and_dates_raise_markup_error(markup: str, problem: str) -> None:
    with pytest.raises(MarkupError, match=problem):
        parser.parse(markup, ParseMode.HTML)


def test_markdown_inside_code_is_text() -> None:
    assert ours("`**x**` **y**", ParseMode.DEFAULT) == (
        "**x** y",
        [("MessageEntityCode", 0, 5), ("MessageEntityBold", 6, 1)],
    )
    assert theirs("`**x**` **y**", "default") == ("**x y**", [(0, 3), (3, 1)])  # Kurigram replaced the wrong "**"


def test_markdown_pre_in_mid_text_drops_its_fence_newlines() -> None:
    markup = "a\n```py\nx = 1\n```\nb"
    assert ours(markup, ParseMode.DEFAULT) == ("a\nx = 1\nb", [("MessageEntityPre", 2, 5)])
    assert theirs(markup, "default") == ("a\n\nx = 1\n\nb", [(2, 7)])


def test_strict_markdown_keeps_a_dates_format() -> None:
    markup = "![now](tg://time?unix=5&format=wDT)"
    text, entities = parser.parse(markup, ParseMode.MARKDOWN)
    date: Any = entities[0]
    assert (text, date.date, date.day_of_week, date.long_date, date.long_time) == ("now", 5, True, True, True)
    assert kurigram.parse(markup, "markdown")[1] != kurigram.parse(markup, "default")[1]  # Kurigram lost it


def test_markdown_writer_nests_entities_of_one_extent() -> None:
    entities: list[TLObject] = [t.MessageEntityCode(offset=0, length=1), t.MessageEntityBold(offset=0, length=1)]
    assert parser.unparse_markdown("a", entities) == "**`a`**"
    assert kurigram.unparse("a", entities, is_html=False) == "`**a`**"  # reads back as code "**a" and a bold nothing


def test_markdown_writer_starts_quote_lines_with_the_quote() -> None:
    entities: list[TLObject] = [t.MessageEntityBlockquote(offset=0, length=3), t.MessageEntityCode(offset=0, length=1)]
    assert parser.unparse_markdown("a\nb", entities) == "> `a`\n> b"
    assert parser.parse("> `a`\n> b", ParseMode.DEFAULT)[1] == [entities[1], entities[0]]


def test_markdown_expandable_quote_both_ways() -> None:
    entities: list[TLObject] = [t.MessageEntityBlockquote(collapsed=True, offset=0, length=3)]
    assert parser.unparse_markdown("a\nb", entities) == "**> a\n> b||"
    assert parser.parse("**> a\n> b||", ParseMode.DEFAULT) == ("a\nb", entities)
    assert "**>" not in kurigram.unparse("a\nb", entities, is_html=False)  # Kurigram writes a plain quote


def test_markdown_link_text_may_hold_formatting() -> None:
    text, entities = parser.parse("[**a** b](https://x.org)", ParseMode.DEFAULT)
    assert (text, spans(entities)) == ("a b", [("MessageEntityBold", 0, 1), ("MessageEntityTextUrl", 0, 3)])
    assert theirs("[**a** b](https://x.org)", "default")[0] == "**a** b"


def test_markdown_lines_split_only_at_newlines() -> None:
    assert ours("a\u2028b\r\nc", ParseMode.DEFAULT) == ("a\u2028b\r\nc", [])
    assert theirs("a\u2028b\r\nc", "default") == ("a\nb\nc", [])  # Kurigram rewrote the separators
