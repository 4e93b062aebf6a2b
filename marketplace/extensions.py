"""Flask extensions, created once and bound to the app in create_app()."""

from typing import TYPE_CHECKING, ClassVar

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

from . import limit_storage  # noqa: F401  (registers swept-memory://)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # every model maps one Table (SQLAlchemy types __table__ as any FromClause, e.g. a join)
    __table__: ClassVar[Table]


db = SQLAlchemy(model_class=Base)

# The models' base class. At run time it is db.Model, which Flask-SQLAlchemy builds in SQLAlchemy() from Base's
# body and its own model mixin (sharing Base's registry and metadata). A type checker cannot use an attribute
# as a base class, so it is shown the same class written out: Flask-SQLAlchemy's Model over Base.
if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskModel

    class Model(_FlaskModel, Base):
        __abstract__ = True

else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
mail = Mail()  # settings from MAIL_URL (config.mail_settings)
# per-client request limits; storage and limits come from the config (RATELIMIT_*); importing limit_storage
# registers the embedded default's storage scheme, swept-memory://
limiter = Limiter(key_func=get_remote_address)
