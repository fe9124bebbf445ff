def total(prices):
    return round(sum(prices), 2)


def discount(price, percent):
    if percent < 0 or percent > 100:
        raise ValueError("percent out of range")
    return round(price * (100 - percent) / 100, 2)
