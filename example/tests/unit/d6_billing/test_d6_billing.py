"""Unit tests of d6_billing."""
import time

import pytest

from app import d6_billing as domain


def test_d6_billing_scale():
    assert domain.scale(1) == 8


@pytest.mark.parametrize("value", [0, 1, 7])
def test_d6_billing_label(value):
    assert domain.label(value) == "d6_billing:" + str(value)


@pytest.mark.slow
def test_d6_billing_slow_sweep():
    time.sleep(0.2)
    assert all(domain.scale(v) == v * 8 for v in range(1000))


@pytest.mark.smoke
def test_d6_billing_smoke_path():
    assert domain.label(-1) == "negative"
