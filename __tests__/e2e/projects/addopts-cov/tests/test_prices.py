"""The tests import installed packages too (json, xdist, psycopg2): a bare --cov would measure those as well."""
import json

import psycopg2  # noqa: F401  (imported, as a real project's code would, so that its lines run under coverage)
import xdist  # noqa: F401

from pkg.prices import describe, discount, with_tax


def test_with_tax():
    assert with_tax(10) == 12.0


def test_discount():
    assert discount(50, 10) == 45.0
    assert discount(50, 0) == 50


def test_describe_roundtrip():
    assert json.loads(json.dumps(describe(3))) == "3.00"
