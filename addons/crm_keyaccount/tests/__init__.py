from . import test_keyaccount_title
from . import test_ui
