"""The home page: one screen that assembles the log, the stock, the due doses
and, for a clinician, the roster. Top layer."""
