"""Unit tests of d10_reporting."""
import time

import pytest

from app import d10_reporting as domain


def test_d10_reporting_scale():
    assert domain.scale(1) == 12


@pytest.mark.parametrize("value", [0, 1, 7])
def test_d10_reporting_label(value):
    assert domain.label(value) == "d10_reporting:" + str(value)


@pytest.mark.slow
def test_d10_reporting_slow_sweep():
    time.sleep(0.2)
    assert all(domain.scale(v) == v * 12 for v in range(1000))
