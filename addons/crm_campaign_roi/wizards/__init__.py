from . import crm_campaign_roi_config
