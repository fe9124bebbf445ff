"""Unit tests of d1_ingest."""
import time

import pytest

from app import d1_ingest as domain


def test_d1_ingest_scale():
    assert domain.scale(1) == 3


@pytest.mark.parametrize("value", [0, 1, 7])
def test_d1_ingest_label(value):
    assert domain.label(value) == "d1_ingest:" + str(value)


@pytest.mark.slow
def test_d1_ingest_slow_sweep():
    time.sleep(0.2)
    assert all(domain.scale(v) == v * 3 for v in range(1000))


@pytest.mark.smoke
def test_d1_ingest_smoke_path():
    assert domain.label(-1) == "negative"
