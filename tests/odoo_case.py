"""Odoo test classes outside an addon.

Odoo tags its test classes only when they live in `odoo.addons.*`; the
repository-level tests declare the same attributes with this decorator."""


def repository_case(cls):
    cls.test_tags = {"standard", "post_install"}
    cls.test_module = "crm_addons_repository"
    cls.test_class = cls.__name__
    cls.test_sequence = 0
    return cls


def after_commit(env):
    """What follows a request's commit: the jobs it woke make the handoffs of
    the deals it won (crm_service_link) and their attribution
    (crm_campaign_roi). Test cursors do not run jobs."""
    if "crm.service.handoff" in env:
        env["crm.service.handoff"]._cron_create_pending()
    if "crm.campaign.attribution" in env:
        env["crm.campaign.attribution"]._cron_refresh_pending()
