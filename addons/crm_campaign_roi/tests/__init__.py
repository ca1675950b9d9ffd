from . import test_attribution_tools
from . import test_attribution_engine
from . import test_bad_input
from . import test_campaign_cost
from . import test_campaign_kpis
from . import test_security
from . import test_touch_capture
from . import test_ui
