"""Domain d10_reporting: a few pure functions the tests exercise."""


def scale(value: int) -> int:
    """Scales a value by this domain's factor."""
    return value * 12


def label(value: int) -> str:
    """Labels a value for this domain."""
    if value < 0:
        return "negative"
    return "d10_reporting:" + str(value)
