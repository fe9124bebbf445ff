"""Unit tests of d9_notifications."""
import time

import pytest

from app import d9_notifications as domain


def test_d9_notifications_scale():
    assert domain.scale(1) == 11


@pytest.mark.parametrize("value", [0, 1, 7])
def test_d9_notifications_label(value):
    assert domain.label(value) == "d9_notifications:" + str(value)


@pytest.mark.slow
def test_d9_notifications_slow_sweep():
    time.sleep(0.2)
    assert all(domain.scale(v) == v * 11 for v in range(1000))


@pytest.mark.critical
def test_d9_notifications_critical_path():
    assert domain.label(-1) == "negative"
