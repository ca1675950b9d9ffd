from . import working_time
from . import integrity
from . import survival
from . import job_wake
