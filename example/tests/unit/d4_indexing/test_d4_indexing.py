"""Unit tests of d4_indexing."""
import time

import pytest

from app import d4_indexing as domain


def test_d4_indexing_scale():
    assert domain.scale(1) == 6


@pytest.mark.parametrize("value", [0, 1, 7])
def test_d4_indexing_label(value):
    assert domain.label(value) == "d4_indexing:" + str(value)


@pytest.mark.slow
def test_d4_indexing_slow_sweep():
    time.sleep(0.2)
    assert all(domain.scale(v) == v * 6 for v in range(1000))
