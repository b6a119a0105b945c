"""``python -m juo_flowtest.gate``."""

import sys

from juo_flowtest.gate.command import main

sys.exit(main())
