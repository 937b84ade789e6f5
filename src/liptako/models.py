"""Every table of every domain, for Alembic and the test fixtures."""

from liptako.alerts import models as alert_models
from liptako.assistance import models as assistance_models
from liptako.audit import models as audit_models
from liptako.auth import models as auth_models
from liptako.core import outbox as outbox_models
from liptako.core import reference as reference_models
from liptako.core.db import Base
from liptako.incidents import models as incident_models
from liptako.intel import models as intel_models
from liptako.obligations import models as obligation_models
from liptako.reports import models as report_models
from liptako.warning import models as warning_models

__all__ = ["Base", "audit_models", "auth_models", "incident_models", "obligation_models",
           "reference_models"]
__all__ += ["alert_models", "assistance_models", "intel_models", "outbox_models",
            "report_models", "warning_models"]
