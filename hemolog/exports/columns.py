"""The CSV columns, shared by the export and the import so that an exported
file imports again. Times are ISO 8601 with their UTC offset; units are in
the column names. Documented in the README ("Exports").

The files are UTF-8 with a byte-order mark (read them with ``utf-8-sig``), so
that Excel shows accented names correctly. A text cell that a spreadsheet
would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) is written with a leading apostrophe; the import takes it off
again with :func:`restore_formula_text`.
"""

# OWASP "CSV injection"; the full-width forms too, which spreadsheets in East
# Asian locales read as the ASCII ones (U+FF1D ＝, U+FF0B ＋, U+FF0D －, U+FF20 ＠).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

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
    "dose_iu_per_kg",  # dose_iu ÷ the weight on the day (derived, ignored on import); empty without a weight
    "dose_mg_per_kg",  # dose_mg ÷ the weight on the day (derived, ignored on import); empty without a weight
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


def neutralise_formula_text(value: str) -> str:
    """A text cell as written to the CSV: ``=1+1`` becomes ``'=1+1`` so that a
    spreadsheet shows it instead of running it (OWASP "CSV injection"). A value
    that already starts with apostrophes before such a character gets one more,
    so that :func:`restore_formula_text` gives back exactly what was logged."""
    return "'" + value if value.lstrip("'").startswith(FORMULA_STARTS) else value


def restore_formula_text(value: str) -> str:
    """The inverse of :func:`neutralise_formula_text`, for the import."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS):
        return value[1:]
    return value
