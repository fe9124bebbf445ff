"""Domain d7_accounts: a few pure functions the tests exercise."""


def scale(value: int) -> int:
    """Scales a value by this domain's factor."""
    return value * 9


def label(value: int) -> str:
    """Labels a value for this domain."""
    if value < 0:
        return "negative"
    return "d7_accounts:" + str(value)
