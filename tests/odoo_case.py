"""Odoo test classes outside an addon.

Odoo tags its test classes only when they live in `odoo.addons.*`; the
repository-level tests declare the same attributes with this decorator."""


def repository_case(cls):
    cls.test_tags = {"standard", "post_install"}
    cls.test_module = "crm_addons_repository"
    cls.test_class = cls.__name__
    cls.test_sequence = 0
    return cls
