import time

import pytest


@pytest.mark.parametrize("i", range(10))
def test_work(i):
    time.sleep(0.02)
    assert i >= 0
