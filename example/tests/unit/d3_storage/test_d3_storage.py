"""Unit tests of d3_storage."""
import time

import pytest

from app import d3_storage as domain


def test_d3_storage_scale():
    assert domain.scale(1) == 5


@pytest.mark.parametrize("value", [0, 1, 7])
def test_d3_storage_label(value):
    assert domain.label(value) == "d3_storage:" + str(value)


@pytest.mark.slow
def test_d3_storage_slow_sweep():
    time.sleep(0.2)
    assert all(domain.scale(v) == v * 5 for v in range(1000))


@pytest.mark.xfail(reason="storage compaction is not written yet", strict=True)
def test_d3_storage_compaction():
    assert domain.scale(3) == 0
