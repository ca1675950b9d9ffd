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
    """What follows a request's commit: the handoffs of the deals it won.

    Test cursors skip post-commit steps; the scheduled job makes the same
    handoffs (crm_service_link)."""
    env["crm.service.handoff"]._cron_create_pending()
