"""Line breaking for print, applied to a document's HTML before WeasyPrint lays it out: pure text rules.

WeasyPrint (70) accepts `word-break: normal | break-all` only, and Pango breaks Korean between any two
syllables, so "구매기관" could end a line at "구매" and start the next with "기관". Korean is written
with spaces between words and breaks only there (CSS `word-break: keep-all`); here that is done by a
WORD JOINER (U+2060, invisible, no width) between a Hangul syllable and any character touching it that
is not a space, so words break only at their spaces (and "1,000원" stays whole). A word longer than its
column still breaks where `overflow-wrap: anywhere` allows (report.css, certificate.css).
Money: "KRW 1,000" gets a no-break space, so the unit never ends a line without its figure.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"
NO_BREAK_SPACE = "\u00a0"
_HANGUL = "\uac00-\ud7a3"
# a syllable followed by a non-space, non-markup character, or such a character followed by a syllable
_INSIDE_WORD = re.compile(f"(?<=[{_HANGUL}])(?=[^\\s<&{WORD_JOINER}])|(?<=[^\\s>;{WORD_JOINER}])(?=[{_HANGUL}])")
_KRW = re.compile(r"\bKRW (?=[-\d])")


def keep_words(html: str) -> str:
    """`html` with Korean words and amounts of money made unbreakable, as described above."""
    return _KRW.sub("KRW" + NO_BREAK_SPACE, _INSIDE_WORD.sub(WORD_JOINER, html))
