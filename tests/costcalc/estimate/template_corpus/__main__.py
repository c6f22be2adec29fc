"""``python -m tests.costcalc.estimate.template_corpus``: rewrite every case's golden.json."""

import sys

from tests.costcalc.estimate.template_corpus import main

sys.exit(main())
