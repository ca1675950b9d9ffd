from . import test_campaign_cost
from . import test_ui
