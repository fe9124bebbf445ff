"""Integration tests against the stub server that docker-compose.test.yml starts."""
import json
import urllib.request

import pytest


def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.status, json.load(r)


def test_health(stub_url):
    assert get(stub_url + "/health") == (200, {"status": "ok"})


@pytest.mark.smoke
def test_item_roundtrip(stub_url):
    status, body = get(stub_url + "/items/42")
    assert status == 200 and body["id"] == 42


def test_items_are_distinct(stub_url):
    assert get(stub_url + "/items/1")[1] != get(stub_url + "/items/2")[1]
