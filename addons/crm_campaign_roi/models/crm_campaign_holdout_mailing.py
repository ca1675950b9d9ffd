# The send-time patch kept apart from the holdout's fields and checks.
# pylint: disable=consider-merging-classes-inherited
import logging

from odoo import models
from odoo.exceptions import UserError

from .crm_campaign_holdout import MAILING_MODEL

_logger = logging.getLogger(__name__)
# Marks the methods this module sets on the mailing model's registry class.
PATCH_MARK = "_crm_campaign_roi_holdout_patch"


def _make_remaining_recipients():
    """``mailing.mailing._get_remaining_recipients`` without the held out."""

    def _get_remaining_recipients(self):
        res_ids = _get_remaining_recipients.origin(self)
        return self.env["crm.campaign.holdout.member"]._holdout_apply(self, res_ids)

    return _get_remaining_recipients


def _make_action_send_mail():
    """``mailing.mailing._action_send_mail`` keeping the held out out of an
    explicit list of recipients too (the others compute it through
    ``_get_remaining_recipients``)."""

    def _action_send_mail(self, res_ids=None):
        if not res_ids:
            return _action_send_mail.origin(self, res_ids)
        Member = self.env["crm.campaign.holdout.member"]
        for mailing in self:
            kept = Member._holdout_apply(mailing, list(res_ids))
            if not kept:
                raise UserError(
                    self.env._(
                        "Every recipient selected for %(mailing)s is held out of it.",
                        mailing=mailing.subject,
                    )
                )
            _action_send_mail.origin(mailing, kept)
        return True

    return _action_send_mail


PATCHES = {
    "_get_remaining_recipients": _make_remaining_recipients,
    "_action_send_mail": _make_action_send_mail,
}


class CrmCampaignHoldout(models.Model):
    _inherit = "crm.campaign.holdout"

    def _register_hook(self):
        """Keep the held-out recipients out of every send of mass mailings.

        ``mass_mailing`` is not a dependency: when its model is in the
        registry, its send methods are wrapped on the registry's class, as
        ``base_automation`` patches models. Every registry (each worker, each
        reload) patches its own class once; ``_unregister_hook`` removes the
        wrappers before the registry is set up again.
        """
        res = super()._register_hook()
        if MAILING_MODEL not in self.env.registry:
            return res
        model_class = self.env.registry[MAILING_MODEL]
        for name, make in PATCHES.items():
            if getattr(model_class.__dict__.get(name), PATCH_MARK, False):
                continue
            method = make()
            method.origin = getattr(model_class, name)
            setattr(method, PATCH_MARK, True)
            setattr(model_class, name, method)
        _logger.debug("Holdouts of mass mailings are kept out of the sends.")
        return res

    def _unregister_hook(self):
        if MAILING_MODEL in self.env.registry:
            model_class = self.env.registry[MAILING_MODEL]
            for name in PATCHES:
                if getattr(model_class.__dict__.get(name), PATCH_MARK, False):
                    delattr(model_class, name)
        return super()._unregister_hook()
