from . import crm_service_handoff_return
