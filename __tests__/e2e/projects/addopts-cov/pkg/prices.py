"""Prices with and without tax: some lines the tests run, some they do not."""


def with_tax(net, rate=0.2):
    if net < 0:
        raise ValueError("a price is never negative")
    return round(net * (1 + rate), 2)


def discount(price, percent):
    if percent <= 0:
        return price
    if percent >= 100:
        return 0
    return round(price * (100 - percent) / 100, 2)


def describe(price):
    if price == 0:
        return "free"
    return f"{price:.2f}"
