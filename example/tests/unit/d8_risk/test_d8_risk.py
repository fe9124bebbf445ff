"""Unit tests of d8_risk."""
import time

import pytest

from app import d8_risk as domain


def test_d8_risk_scale():
    assert domain.scale(1) == 10


@pytest.mark.parametrize("value", [0, 1, 7])
def test_d8_risk_label(value):
    assert domain.label(value) == "d8_risk:" + str(value)


@pytest.mark.slow
def test_d8_risk_slow_sweep():
    time.sleep(0.2)
    assert all(domain.scale(v) == v * 10 for v in range(1000))
