"""Generate ``customers.csv``, the synthetic churn table used by the example notebooks.

The table is small on purpose (about 200 customers) and a little dirty, the way exports
from a billing system usually are: inconsistent capitalisation and stray spaces in
the categorical columns, a few blank fees and regions, a handful of dates in
day/month/year order, two customers without a signup date, a few duplicated rows and
churn flags spelled several ways. The random generator is seeded, so running this
script again rewrites the same file byte for byte.

Run it from anywhere::

    python examples/data/make_customers.py
"""

import csv
import math
import random
from datetime import date, timedelta
from pathlib import Path

SEED = 20231001
N_CUSTOMERS = 200
REFERENCE_DATE = date(2023, 9, 30)
OUTPUT = Path(__file__).with_name("customers.csv")

FIELDS = [
    "customer_id",
    "signup_date",
    "plan",
    "monthly_fee",
    "tenure_months",
    "support_tickets",
    "last_login_days",
    "region",
    "churned",
]
PLANS = {"basic": 19.99, "pro": 49.99, "enterprise": 149.00}
PLAN_WEIGHTS = [0.5, 0.35, 0.15]
PLAN_CHURN_SHIFT = {"basic": 0.6, "pro": 0.0, "enterprise": -0.9}
REGIONS = ["north", "south", "east", "west"]
REGION_WEIGHTS = [0.3, 0.25, 0.25, 0.2]


def messy_label(label: str, rng: random.Random) -> str:
    """Return ``label`` as a careless data-entry clerk might have typed it."""
    roll = rng.random()
    if roll < 0.08:
        return label.capitalize()
    if roll < 0.12:
        return f" {label}"
    if roll < 0.15:
        return f"{label.upper()} "
    return label


def churn_flag(churned: bool, rng: random.Random) -> str:
    """Spell the churn flag mostly as yes/no, sometimes as Yes/No or 1/0."""
    roll = rng.random()
    if roll < 0.85:
        return "yes" if churned else "no"
    if roll < 0.95:
        return "Yes" if churned else "No"
    return "1" if churned else "0"


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end``, at least one."""
    return max(1, (end.year - start.year) * 12 + end.month - start.month)


def draw_fee(plan: str, rng: random.Random) -> str:
    """List price, sometimes with a 10% discount, now and then left blank."""
    fee = PLANS[plan]
    if rng.random() < 0.15:
        fee = round(fee * 0.9, 2)
    return "" if rng.random() < 0.02 else f"{fee:.2f}"


def format_signup(signup: date, rng: random.Random) -> str:
    """ISO date, or day/month/year as the old export wrote it."""
    if rng.random() < 0.04:
        return signup.strftime("%d/%m/%Y")
    return signup.isoformat()


def draw_region(rng: random.Random) -> str:
    """A region, messily typed, now and then left blank."""
    region = rng.choices(REGIONS, weights=REGION_WEIGHTS)[0]
    return "" if rng.random() < 0.015 else messy_label(region, rng)


def make_customer(number: int, rng: random.Random) -> dict[str, str]:
    """Draw one customer; churn depends on plan, tickets, logins and tenure."""
    plan = rng.choices(list(PLANS), weights=PLAN_WEIGHTS)[0]
    signup = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 1640))
    tenure = months_between(signup, REFERENCE_DATE)
    tickets = min(9, int(rng.expovariate(0.55)))
    last_login = min(120, int(rng.expovariate(1 / 18)))
    score = -1.6 + PLAN_CHURN_SHIFT[plan] + 0.3 * tickets + 0.03 * last_login
    score -= 0.02 * tenure
    churned = rng.random() < 1 / (1 + math.exp(-score))
    if churned:
        tenure = max(1, int(tenure * rng.uniform(0.2, 0.9)))
        last_login = min(120, last_login + rng.randrange(10, 45))

    fee_text = draw_fee(plan, rng)
    signup_text = format_signup(signup, rng)
    region_text = draw_region(rng)
    return {
        "customer_id": f"C{number:04d}",
        "signup_date": signup_text,
        "plan": messy_label(plan, rng),
        "monthly_fee": fee_text,
        "tenure_months": str(tenure),
        "support_tickets": str(tickets),
        "last_login_days": str(last_login),
        "region": region_text,
        "churned": churn_flag(churned, rng),
    }


def make_table(rng: random.Random) -> list[dict[str, str]]:
    """All customers in id order, two without signup date, three listed twice."""
    customers = [make_customer(number, rng) for number in range(1, N_CUSTOMERS + 1)]
    for index in rng.sample(range(N_CUSTOMERS), 2):
        customers[index]["signup_date"] = ""
    table: list[dict[str, str]] = []
    duplicated = set(rng.sample(range(N_CUSTOMERS), 3))
    for index, customer in enumerate(customers):
        table.append(customer)
        if index in duplicated:
            table.append(dict(customer))
    return table


def main() -> None:
    rng = random.Random(SEED)
    table = make_table(rng)
    with OUTPUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    print(f"wrote {len(table)} rows to {OUTPUT}")


if __name__ == "__main__":
    main()
