import pytest

from calc import mean, spread


def test_mean():
    assert mean([1, 2, 3]) == 2


def test_mean_empty():
    with pytest.raises(ValueError):
        mean([])


@pytest.mark.parametrize("values,expected", [([1, 5], 4), ([3], 0)])
def test_spread(values, expected):
    assert spread(values) == expected


@pytest.mark.stress
@pytest.mark.parametrize("n", range(4))
def test_mean_many(n):
    assert mean(list(range(10**n + 1))) == 10**n / 2
