import time

import pytest


@pytest.fixture(scope="module")
def warehouse():
    time.sleep(0.6)
    return "stocked"


def test_item_0(warehouse):
    time.sleep(0.05)
    assert warehouse == "stocked"


def test_item_1(warehouse):
    time.sleep(0.05)
    assert warehouse == "stocked"


def test_item_2(warehouse):
    time.sleep(0.05)
    assert warehouse == "stocked"
