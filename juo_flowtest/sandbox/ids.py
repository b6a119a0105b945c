"""Fresh ids for runs and interactions: random version-4 uuids, as text.

``str(uuid.uuid4())`` reads the OS's random source (a system call) and builds a ``UUID`` object
on every call; a start needs two ids and every respond one, and that was ~20 % of the engine's
work per call (bench/README-sandbox.md). The ids need to be unique, not secret (another
owner's run is not found whatever its id), so 122 bits of a private Mersenne Twister seeded
from the OS do: the same text shape and version/variant bits as ``uuid4``, and a generator of
its own, so nothing that seeds the ``random`` module (tests, hypothesis) can make two runs
share an id. Making one id's text still cost ~8,000 instructions (a Python call and five
slices); they are made 64 at a time, for about half that.
"""

from __future__ import annotations

import binascii
import random
import struct

_bits = random.Random().getrandbits  # seeded from os.urandom
#: Ids are made this many at a time: a batch's bits, masks and text in a few C calls.
BATCH = 64
#: The version (4) and variant (RFC 4122) bits, and the mask that clears their places, for
#: each id of a batch.
_FIXED = sum((0x4000 << 64 | 0x8000 << 48) << (128 * i) for i in range(BATCH))
_CLEAR = ~sum((0xF000 << 64 | 0xC000 << 48) << (128 * i) for i in range(BATCH))
_GROUPS = struct.Struct("8s4s4s4s12s").iter_unpack  # an id's hex digits, in its five groups
_made: list[str] = []


def fresh_id() -> str:
    """A random uuid (version 4), as ``xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx``."""
    while True:
        try:
            return _made.pop()
        except IndexError:  # threads may refill at once: the ids differ all the same
            _made.extend(_batch())


def _batch() -> list[str]:
    digits = binascii.hexlify((_bits(128 * BATCH) & _CLEAR | _FIXED).to_bytes(16 * BATCH))
    return b" ".join(map(b"-".join, _GROUPS(digits))).decode("ascii").split()
