import time

import pytest


@pytest.mark.parametrize("i", range(5))
def test_work(i):
    time.sleep(0.1)
    assert i >= 0
