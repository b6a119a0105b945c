"""How much of one text a report keeps: attachments are cut at ``ATTACHMENT_LIMIT`` characters
with a visible note, so a huge response never makes a huge report (a 9 MB body would be a
12 MB attachment once indented, and the HTML report embeds every attachment).

>>> truncated("x" * 10, limit=4)
'xxxx\\n… [truncated by juo-flowtest: 10 characters, the first 4 shown]\\n'
"""

from __future__ import annotations

ATTACHMENT_LIMIT = 1024 * 1024


def truncated(text: str, limit: int = ATTACHMENT_LIMIT) -> str:
    """``text`` itself when short enough, else its first ``limit`` characters and a note."""
    if len(text) <= limit:
        return text
    return (f"{text[:limit]}\n… [truncated by juo-flowtest: {len(text):,} characters, the "
            f"first {limit:,} shown]\n")
