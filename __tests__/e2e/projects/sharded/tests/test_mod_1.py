import time

import pytest


@pytest.mark.parametrize("i", range(2))
def test_work(i):
    time.sleep(0.4)
    assert i >= 0
