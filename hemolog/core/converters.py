class IdConverter:
    """A database id: at most 18 digits, so an absurd number in a URL is a
    404 instead of an integer overflow in the database driver."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
