def amount(value) -> str:
    """A dose, weight or level without trailing zeros: 1000.0 -> "1000", 0.50 -> "0.5"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
