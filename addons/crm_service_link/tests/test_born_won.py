from .common import HandoffCommon


class TestBornWon(HandoffCommon):
    """A deal created in a won stage (or imported as won) gets its handoff."""

    def test_created_won_gets_its_handoff(self):
        lead = self.make_lead(stage_id=self.won_stage.id)
        self.assertTrue(lead.service_handoff_pending)
        self.after_commit()
        self.assertFalse(lead.service_handoff_pending)
        self.assertEqual(len(lead.service_handoff_ids), 1)
        handoff = lead.service_handoff_ids
        self.assertEqual(handoff.partner_id, self.customer)
        self.assertEqual(len(handoff.checklist_line_ids), 3)
        lead.action_set_won()
        self.after_commit()
        self.assertEqual(lead.service_handoff_ids, handoff, "still one handoff")

    def test_imported_as_won_in_batch(self):
        open_stage = self.env["crm.stage"].search([("is_won", "=", False)], limit=1)
        leads = (
            self.env["crm.lead"]
            .with_user(self.user_salesman)
            .with_context(import_file=True, tracking_disable=True)
            .create(
                [
                    {
                        "name": f"Imported {i}",
                        "type": "opportunity",
                        "partner_id": self.customer.id,
                        "probability": 100 if i < 2 else 30,
                        "stage_id": (self.won_stage if i < 2 else open_stage).id,
                    }
                    for i in range(3)
                ]
            )
        )
        self.after_commit()
        handoffs = leads.sudo().service_handoff_ids
        self.assertEqual(len(handoffs), 2)
        self.assertEqual(handoffs.lead_id, leads[:2])
        self.assertFalse(leads[2].service_handoff_ids)
