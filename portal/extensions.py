"""Extensions, created unbound here and bound to the application in ``create_app``."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from portal.models.base import Base
from portal.security import hashed_client_address

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
# With Redis down the limits keep applying from process memory: an outage must neither
# take the site down (the default raises) nor switch the limits off (swallow_errors).
limiter = Limiter(key_func=hashed_client_address, in_memory_fallback_enabled=True)
