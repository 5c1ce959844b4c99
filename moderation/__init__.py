"""The moderation console: the organization department's internal side of the portal."""

from flask import Blueprint

console = Blueprint("console", __name__)

# Routes register on import; the guard first, so it runs before every console view.
from moderation import guard  # noqa: E402, F401, I001
from moderation import account, auth, dashboard, users  # noqa: E402, F401
from moderation import case_actions, cases, queue  # noqa: E402, F401
from moderation import audit, evidence, intake  # noqa: E402, F401
from moderation import custodian, identity, supervisor  # noqa: E402, F401
from moderation import deadlines, escalation, extensions, verdicts  # noqa: E402, F401
from moderation import items, items_actions, items_assessment, items_publication  # noqa: E402, F401
from moderation import ballots, reviews  # noqa: E402, F401
