from datetime import timedelta

from freezegun import freeze_time

from .common import T0, CampaignRoiCommon


class TestBornWon(CampaignRoiCommon):
    """A deal created (or imported) already won converts like one won later."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(T0):
            cls.earlier = cls._touch(cls.campaign_b, 10, partner=cls.contact)

    def _signature(self, lead):
        return [
            (
                line.attribution_model,
                line.campaign_id,
                line.touch_id.touch_type,
                line.amount,
                line.conversion_date,
                round(line.lag_days, 6),
            )
            for line in self._lines(lead).sorted(lambda line: (line.attribution_model, line.id))
        ]

    def test_created_won_like_won_later(self):
        with freeze_time(T0):
            later = self._lead(1000.0, campaign_id=self.campaign_a.id)
            later.action_set_won()
            self.after_commit()
            born = self._lead(1000.0, campaign_id=self.campaign_a.id, stage_id=self.stage_won.id)
        self.assertEqual(born.date_closed, T0)
        self.assertEqual(self._amounts(born, "linear"), [500.0, 500.0])
        self.assertEqual(set(self._lines(born).mapped("conversion_date")), {T0})
        self.assertEqual(
            [(t, c, a, d, lag) for _m, c, t, a, d, lag in self._signature(born)],
            [(t, c, a, d, lag) for _m, c, t, a, d, lag in self._signature(later)],
        )
        # a later edit does not move the conversion out of its window
        with freeze_time(T0 + timedelta(days=300)):
            born.write({"expected_revenue": 2000.0})
        self.assertEqual(self._amounts(born, "linear"), [1000.0, 1000.0])
        self.assertEqual(set(self._lines(born).mapped("conversion_date")), {T0})

    def test_batch_created_won(self):
        customers = self.env["res.partner"].create(
            [{"name": f"Born won customer {index}", "is_company": True} for index in range(3)]
        )
        with freeze_time(T0):
            for customer in customers:
                self._touch(self.campaign_b, 10, partner=customer)
            leads = self.env["crm.lead"].create(
                [
                    {
                        "name": f"Born won {index}",
                        "type": "opportunity",
                        "partner_id": customer.id,
                        "campaign_id": self.campaign_a.id,
                        "expected_revenue": 300.0,
                        "stage_id": self.stage_won.id,
                        "company_id": self.company.id,
                    }
                    for index, customer in enumerate(customers)
                ]
            )
        self.assertEqual(set(leads.mapped("date_closed")), {T0})
        for lead in leads:
            self.assertEqual(set(self._lines(lead).mapped("conversion_date")), {T0})
            # the earlier touch of its customer, then the lead's own creation
            self.assertEqual(self._amounts(lead, "first_touch"), [300.0])
            first = self._lines(lead, "first_touch").touch_id
            self.assertEqual((first.partner_id, first.touch_type), (lead.partner_id, "other"))
            self.assertEqual(self._lines(lead, "last_touch").touch_id.mapped("res_id"), [lead.id])

    def test_imported_won_in_the_past(self):
        closed = T0 - timedelta(days=2)
        with freeze_time(T0):
            result = self.env["crm.lead"].load(
                [
                    "name",
                    "type",
                    "partner_id/id",
                    "campaign_id/id",
                    "expected_revenue",
                    "probability",
                    "stage_id/id",
                    "date_closed",
                ],
                [
                    [
                        "Imported contract",
                        "opportunity",
                        self._xmlid(self.contact),
                        self._xmlid(self.campaign_a),
                        "800",
                        "100",
                        self._xmlid(self.stage_won),
                        str(closed),
                    ]
                ],
            )
        self.assertFalse(result["messages"])
        lead = self.env["crm.lead"].browse(result["ids"])
        self.assertEqual(lead.date_closed, closed)
        lines = self._lines(lead, "linear")
        self.assertEqual(lines.mapped("amount"), [400.0, 400.0])
        self.assertEqual(lines.touch_id.mapped("touch_type"), ["other", "opportunity"])
        self.assertEqual(set(lines.mapped("conversion_date")), {closed})
        self.assertLessEqual(max(lines.touch_id.mapped("touch_date")), closed)

    def _xmlid(self, record):
        xmlid = record.get_external_id().get(record.id)
        if not xmlid:
            name = f"{record._table}_{record.id}"
            self.env["ir.model.data"].create(
                {"module": "__import__", "name": name, "model": record._name, "res_id": record.id}
            )
            xmlid = f"__import__.{name}"
        return xmlid
