"""Translated names of the target figures; the table and the audit trail store the codes."""

from export_mgmt.i18n import N_

ENTITY = N_("Export targets")

# In the order the form, the dashboard and the downloads show them.
FIGURES = {
    "exported": N_("Exported"),
    "overseas": N_("Overseas"),
    "domestic": N_("Domestic"),
    "trained": N_("Trained"),
    "placed_4050": N_("“4050” workers"),
}

HINTS = {
    "exported": N_("Workers who left for work at home or abroad in the year (person-departures)."),
    "overseas": N_("Of them, to work abroad."),
    "domestic": N_("Of them, to work elsewhere in China."),
    "trained": N_("Of them, workers with training recorded in the labour pool."),
    "placed_4050": N_("Of them, women aged 40 or more and men aged 50 or more on the day they left."),
}
