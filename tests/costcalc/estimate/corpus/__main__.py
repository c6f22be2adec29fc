"""``python -m tests.costcalc.estimate.corpus``: rewrite every case's golden.json."""

import sys

from tests.costcalc.estimate.corpus import main

sys.exit(main())
