from . import keyaccount
