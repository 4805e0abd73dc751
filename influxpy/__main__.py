"""``python -m influxpy``: the command line (:mod:`influxpy.cli.commands`)."""

import sys

from .cli.commands import main

if __name__ == '__main__':
    sys.exit(main())
