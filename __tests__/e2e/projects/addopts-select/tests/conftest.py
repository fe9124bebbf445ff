import pytest


def pytest_collection_modifyitems(items):
    # The folder decides the marker.
    for item in items:
        path = str(item.fspath)
        for folder in ("unit", "integration", "bench"):
            if f"/tests/{folder}/" in path:
                item.add_marker(getattr(pytest.mark, "benchmark" if folder == "bench" else folder))
