from . import attribution
from . import attribution_sql
from . import mailing
from . import integrity
from . import job_wake
