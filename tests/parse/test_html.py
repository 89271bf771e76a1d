"""HTML: invisible text is dropped also when the quick check for a hiding style is what decides."""

from __future__ import annotations

import re
import sys

from lockwatch.parse.html import CASE_TO_ASCII, extract_html


def test_case_to_ascii_is_every_non_ascii_character_a_case_insensitive_pattern_reads_as_a_letter():
    letter = re.compile("(?i)[a-z]")
    found = {chr(cp) for cp in range(0x80, sys.maxunicode + 1) if letter.fullmatch(chr(cp))}
    assert found == set(CASE_TO_ASCII)


def test_hidden_span_is_dropped_however_its_style_is_written():
    for style in ("display:none", "DISPLAY : None", "visibility:hidden", "font-size:0px", "opacity:0",
                  "di\u017fplay:none", "v\u0131sibility:hidden"):
        text, _, _ = extract_html(f'<p>Ama<span style="{style}">XX</span>zon ｱ</p>')
        assert text == "Amazon ｱ", style


def test_a_style_that_hides_nothing_keeps_the_text():
    for style in ("display:block", "font-size:10px", "opacity:0.5", "visibility:visible"):
        text, _, _ = extract_html(f'<p>Ama<span style="{style}">XX</span>zon</p>')
        assert text == "AmaXXzon", style
