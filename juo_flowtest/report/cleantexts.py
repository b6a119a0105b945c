"""``scrub_text`` for the short texts a report writes again and again: titles, URLs, headers.

A suite's flows repeat the same few step titles, URLs and header values in every call, and
``scrub_text`` (a look for each known secret and two regular expressions) cost ~20 k
instructions even for a 50-character title: with Allure on, four times per call. ``scrub``
remembers the texts that it found clean, for the secrets it was asked about; a text with
anything to hide is scrubbed every time and never kept, so no secret outlives the call that
showed it in this cache.
"""

from __future__ import annotations

from juo_flowtest.base.redaction import scrub_text

#: Clean texts kept at most (then forgotten all at once: a suite's repeated ones come back).
LIMIT = 4096


class CleanTexts:
    """Texts ``scrub_text`` leaves as they are, for one tuple of secrets at a time."""

    def __init__(self) -> None:
        self._secrets: tuple[str, ...] = ()
        self._clean: set[str] = set()

    def scrub(self, text: str, secrets: tuple[str, ...]) -> str:
        """``scrub_text(text, secrets)``."""
        if secrets != self._secrets:  # the run learnt a secret: what was clean may not be
            self._secrets, self._clean = secrets, set()
        if text in self._clean:
            return text
        shown = scrub_text(text, secrets)
        if shown == text:
            if len(self._clean) >= LIMIT:
                self._clean.clear()
            self._clean.add(text)
        return shown


#: The process's clean texts (the report's writers share it: one run, one set of secrets).
CLEAN = CleanTexts()
