import time

import pytest


@pytest.mark.parametrize("i", range(1))
def test_work(i):
    time.sleep(0.7)
    assert i >= 0
