import pathlib

import pytest

STATE = pathlib.Path(__file__).parent / ".flaky-state"


@pytest.mark.flaky_once
def test_flaky_once():
    # Fails the first time it runs in this checkout, passes after: a flaky test.
    if not STATE.exists():
        STATE.write_text("ran once")
        pytest.fail("first run fails")


@pytest.mark.broken
def test_always_broken():
    assert 1 + 1 == 3


@pytest.mark.flaky_once
def test_steady():
    assert True
