from . import test_service_team
from . import test_ui
