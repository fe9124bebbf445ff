import time

import pytest


@pytest.mark.parametrize("i", range(3))
def test_work(i):
    time.sleep(0.25)
    assert i >= 0
