import pytest


def test_upper():
    assert "a".upper() == "A"


@pytest.mark.critical
def test_split():
    assert "a b".split() == ["a", "b"]


@pytest.mark.critical
def test_join():
    assert "-".join("ab") == "a-b"
