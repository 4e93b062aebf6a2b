"""ministry blueprint."""

from . import allocations as _allocations  # noqa: F401  (adds moving and refilling allocations)
from . import company_edit as _company_edit  # noqa: F401  (adds the company edit form)
from . import reports as _reports  # noqa: F401,E402  (adds the report downloads to the blueprint)
from . import rounds as _rounds  # noqa: F401  (adds the round pages to the blueprint)
