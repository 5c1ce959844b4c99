"""The public site's HTTP edge."""

from flask import Blueprint

public = Blueprint("public", __name__)

from portal.views import closing_loop, home, pages, submit, track  # noqa: E402, F401  (routes register)

# isort: split
from portal.views import feed, items  # noqa: E402, F401  (the two openness in public)

# isort: split
from portal.views import notices, votes  # noqa: E402, F401  (satisfaction rounds, notices)
