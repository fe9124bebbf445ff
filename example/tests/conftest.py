"""Fixtures shared by the whole suite."""
import os

import pytest


@pytest.fixture
def stub_url():
    """Where the stub server of the compose file listens."""
    return os.environ.get("STUB_URL", "http://127.0.0.1:18080")
