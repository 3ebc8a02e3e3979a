"""`python -m edgeviews`: the same command as `edgeviews`, for environments without the script."""

import sys

from edgeviews.cli import main

sys.exit(main())
