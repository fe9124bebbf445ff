"""Unit tests of d5_pricing."""
import time

import pytest

from app import d5_pricing as domain


def test_d5_pricing_scale():
    assert domain.scale(1) == 7


@pytest.mark.parametrize("value", [0, 1, 7])
def test_d5_pricing_label(value):
    assert domain.label(value) == "d5_pricing:" + str(value)


@pytest.mark.slow
def test_d5_pricing_slow_sweep():
    time.sleep(0.2)
    assert all(domain.scale(v) == v * 7 for v in range(1000))


@pytest.mark.critical
def test_d5_pricing_critical_path():
    assert domain.label(-1) == "negative"
