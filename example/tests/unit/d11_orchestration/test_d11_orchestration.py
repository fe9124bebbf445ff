"""Unit tests of d11_orchestration."""
import time

import pytest

from app import d11_orchestration as domain


def test_d11_orchestration_scale():
    assert domain.scale(1) == 13


@pytest.mark.parametrize("value", [0, 1, 7])
def test_d11_orchestration_label(value):
    assert domain.label(value) == "d11_orchestration:" + str(value)


@pytest.mark.slow
def test_d11_orchestration_slow_sweep():
    time.sleep(0.2)
    assert all(domain.scale(v) == v * 13 for v in range(1000))


@pytest.mark.phase_future
def test_d11_orchestration_future_behaviour():
    assert domain.scale(2) == 26
