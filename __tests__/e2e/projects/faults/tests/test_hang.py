import time

import pytest


@pytest.mark.hang
def test_a_quick_one_first():
    assert True


@pytest.mark.hang
def test_never_ends():
    time.sleep(600)
