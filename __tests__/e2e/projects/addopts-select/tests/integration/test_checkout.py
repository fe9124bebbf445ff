from pkg.shop import discount, total


def test_checkout_flow():
    assert discount(total([10, 20]), 50) == 15.0


def test_checkout_empty():
    assert total([]) == 0
