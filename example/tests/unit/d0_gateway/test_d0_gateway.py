"""Unit tests of d0_gateway."""
import time

import pytest

from app import d0_gateway as domain


def test_d0_gateway_scale():
    assert domain.scale(1) == 2


@pytest.mark.parametrize("value", [0, 1, 7])
def test_d0_gateway_label(value):
    assert domain.label(value) == "d0_gateway:" + str(value)


@pytest.mark.slow
def test_d0_gateway_slow_sweep():
    time.sleep(0.2)
    assert all(domain.scale(v) == v * 2 for v in range(1000))


@pytest.mark.critical
def test_d0_gateway_critical_path():
    assert domain.label(-1) == "negative"
