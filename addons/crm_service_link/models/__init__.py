from . import crm_service_team
