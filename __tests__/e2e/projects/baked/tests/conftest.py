import pytest


def pytest_collection_modifyitems(items):
    # Folders decide markers here, as many real projects do.
    for item in items:
        if "/tests/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)
        if item.name.startswith("test_smoke_"):
            item.add_marker(pytest.mark.smoke)
