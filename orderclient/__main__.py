import sys

from orderclient.cli import main

sys.exit(main())
