import sys

from lockwatch.cli import main

sys.exit(main())
