import pytest

from pkg.shop import total


@pytest.mark.parametrize("n", [10, 100, 1000])
def test_total_speed(n):
    assert total([1] * n) == n
