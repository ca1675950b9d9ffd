from . import crm_campaign_roi_report
from . import crm_campaign_roi_report_markov
