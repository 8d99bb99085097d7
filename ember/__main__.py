"""``python -m ember run script.py`` / ``python -m ember info``: the same as the ``ember`` command."""
import sys

from ember.cli import main

sys.exit(main())
