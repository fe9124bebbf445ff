import module_removed_long_ago  # noqa: F401


def test_old():
    pass
