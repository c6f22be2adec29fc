import sys

from costcalc.cli.main import main

sys.exit(main())
