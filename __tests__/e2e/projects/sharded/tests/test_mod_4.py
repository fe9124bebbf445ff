import time

import pytest


@pytest.mark.parametrize("i", range(4))
def test_work(i):
    time.sleep(0.15)
    assert i >= 0
