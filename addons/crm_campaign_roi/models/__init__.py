from . import utm_campaign_cost
