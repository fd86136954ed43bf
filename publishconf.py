"""Production overrides: `invoke publish` builds with these settings."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

# Set the public address to get absolute feed links; pages keep relative links either way.
SITEURL = os.environ.get("ARCHIVE_SITEURL", "")
RELATIVE_URLS = True
DELETE_OUTPUT_DIRECTORY = False
