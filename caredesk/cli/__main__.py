"""`python -m caredesk.cli`, as `caredesk run` starts its parts."""

import sys

from caredesk.cli import main

sys.exit(main())
