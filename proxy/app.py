"""The deployable proxy: `uvicorn proxy.app:app --no-server-header --no-date-header`, or gunicorn.

Reads ./edgeviews.toml (else [tool.edgeviews] in ./pyproject.toml) from the working directory
and the environment named by $EDGEVIEWS_ENV (else the configuration's default_env). The
counterpart of the Worker script: routes and rewrites live in the configuration, the views
in the build output (`edgeviews build`). Pass the two uvicorn flags above so the upstream's
Server and Date headers are not doubled.
"""

from __future__ import annotations

import os

from edgeviews.config import load_config
from edgeviews.proxy import create_app

app = create_app(load_config(), env=os.environ.get("EDGEVIEWS_ENV") or None)
