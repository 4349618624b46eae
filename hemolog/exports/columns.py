"""The CSV columns, shared by the export and the import so that an exported
file imports again. Times are ISO 8601 with their UTC offset; units are in
the column names. Documented in the README ("Exports")."""

BLEED_COLUMNS = (
    "started_at",  # 2025-03-01T07:30:00+01:00
    "resolved_at",  # empty while ongoing
    "site",  # KNEE, ANKLE, … (hemolog.logbook.models.Site)
    "side",  # L, R or empty
    "cause",  # SPONTANEOUS, TRAUMATIC, POST_PROCEDURE, UNKNOWN
    "severity",  # MILD, MODERATE, SEVERE
    "pain_0_to_10",
    "notes",
)

INFUSION_COLUMNS = (
    "given_at",
    "product",  # brand name as in the catalogue or the family's own products
    "product_kind",  # FVIII, FIX, BYPASSING, EMICIZUMAB, OTHER
    "dose_iu",  # filled for products dosed in IU
    "dose_mg",  # filled for products dosed in mg (emicizumab)
    "dose_per_kg",  # in the product's unit per kg, from the weight on the day; empty without a weight
    "lot_number",
    "vials_used",
    "reason",  # PROPHYLAXIS, BLEED, PRE_PROCEDURE, OTHER
    "given_by",  # SELF, CAREGIVER, NURSE
    "bleed_started_at",  # the bleed it treated, by its start …
    "bleed_site",  # … site …
    "bleed_side",  # … and side
    "notes",
)

STOCK_MOVEMENT_COLUMNS = (
    "at",
    "product",
    "lot_number",
    "vial_size",  # in the product's unit
    "unit",  # IU or mg
    "expires_on",  # 2027-01-31
    "kind",  # RECEIVED, USED, RETURNED, DISCARDED, EXPIRED, ADJUSTED
    "vials",  # + into stock, - out of it
    "reason",
    "infusion_given_at",
)
