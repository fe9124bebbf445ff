"""Unit tests of d7_accounts."""
import time

import pytest

from app import d7_accounts as domain


def test_d7_accounts_scale():
    assert domain.scale(1) == 9


@pytest.mark.parametrize("value", [0, 1, 7])
def test_d7_accounts_label(value):
    assert domain.label(value) == "d7_accounts:" + str(value)


@pytest.mark.slow
def test_d7_accounts_slow_sweep():
    time.sleep(0.2)
    assert all(domain.scale(v) == v * 9 for v in range(1000))


@pytest.mark.skip(reason="accounts export needs a licence server")
def test_d7_accounts_export():
    assert False
