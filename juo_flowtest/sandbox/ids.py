"""Fresh ids for runs and interactions: random version-4 uuids, as text.

``str(uuid.uuid4())`` reads the OS's random source (a system call) and builds a ``UUID`` object
on every call; a start needs two ids and every respond one, and that was ~20 % of the engine's
work per call (bench/README-sandbox.md). The ids need to be unique, not secret (another
owner's run is not found whatever its id), so 122 bits of a private Mersenne Twister seeded
from the OS do: the same text shape and version/variant bits as ``uuid4``, and a generator of
its own, so nothing that seeds the ``random`` module (tests, hypothesis) can make two runs
share an id.
"""

from __future__ import annotations

import random

_bits = random.Random().getrandbits  # seeded from os.urandom
#: The version (4) and variant (RFC 4122) bits, and the mask that clears their places.
_FIXED = 0x4000 << 64 | 0x8000 << 48
_CLEAR = ~(0xF000 << 64 | 0xC000 << 48)


def fresh_id() -> str:
    """A random uuid (version 4), as ``xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx``."""
    h = (_bits(128) & _CLEAR | _FIXED).to_bytes(16).hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
