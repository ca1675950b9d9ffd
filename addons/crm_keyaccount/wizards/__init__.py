from . import crm_keyaccount_title_change
