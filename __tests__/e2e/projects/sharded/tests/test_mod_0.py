import time

import pytest


@pytest.mark.parametrize("i", range(6))
def test_work(i):
    time.sleep(0.05)
    assert i >= 0
