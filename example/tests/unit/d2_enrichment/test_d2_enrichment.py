"""Unit tests of d2_enrichment."""
import time

import pytest

from app import d2_enrichment as domain


def test_d2_enrichment_scale():
    assert domain.scale(1) == 4


@pytest.mark.parametrize("value", [0, 1, 7])
def test_d2_enrichment_label(value):
    assert domain.label(value) == "d2_enrichment:" + str(value)


@pytest.mark.slow
def test_d2_enrichment_slow_sweep():
    time.sleep(0.2)
    assert all(domain.scale(v) == v * 4 for v in range(1000))


@pytest.mark.integration
def test_d2_enrichment_enriches_from_stub(stub_url):
    import json
    import urllib.request

    with urllib.request.urlopen(stub_url + "/items/3", timeout=5) as r:
        assert json.load(r)["id"] == 3
