"""Load the customer export and compute the numbers the churn review is built on.

Every function here is pure apart from :func:`load_customers`, which reads the CSV file.
"""

from __future__ import annotations

import csv
import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

PLANS = ("basic", "pro", "enterprise")
REGIONS = ("north", "south", "east", "west")
TENURE_BUCKETS = ("0-6", "7-12", "13-24", "25+")
UNKNOWN_REGION = "unknown"

# The billing system exports ISO dates; exports made before 2021 used day/month/year.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
CHURN_FLAGS = frozenset({"yes", "y", "1", "true"})

# Risk-score weights, read off the churn-by-plan and churn-by-tenure tables.
RISK_INTERCEPT = -1.5
RISK_PER_TICKET = 0.35
RISK_PER_IDLE_DAY = 0.04
RISK_PER_TENURE_MONTH = 0.03
RISK_PLAN_SHIFT = {"basic": 0.5, "enterprise": -0.7}


@dataclass(frozen=True, slots=True)
class Customer:
    """One cleaned row of the customer table."""

    customer_id: str
    signup: date
    plan: str
    region: str
    monthly_fee: float
    tenure_months: int
    support_tickets: int
    last_login_days: int
    churned: bool


@dataclass(frozen=True, slots=True)
class Dataset:
    """The cleaned customers plus what cleaning dropped, so the report can say so."""

    customers: tuple[Customer, ...]
    rows_read: int
    missing_signup: int
    duplicates: int


@dataclass(frozen=True, slots=True)
class GroupRate:
    """How many customers of one group there are and how many of them churned."""

    name: str
    customers: int
    churned: int

    @property
    def rate(self) -> float:
        """Share of the group that churned, 0.0 for an empty group."""
        return self.churned / self.customers if self.customers else 0.0


@dataclass(frozen=True, slots=True)
class Scored:
    """An active customer with their risk score."""

    customer: Customer
    score: float


def parse_date(text: str) -> date | None:
    """Parse a signup date in any of the export's formats; ``None`` if blank or bad."""
    text = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def to_float(text: str, default: float = 0.0) -> float:
    """Read a number, falling back to ``default`` for blanks and junk."""
    try:
        return float(text)
    except ValueError:
        return default


def parse_customer(record: dict[str, str]) -> Customer | None:
    """Clean one CSV record; ``None`` when it has no usable signup date."""
    signup = parse_date(record["signup_date"])
    if signup is None:
        return None
    return Customer(
        customer_id=record["customer_id"].strip(),
        signup=signup,
        plan=record["plan"].strip().lower(),
        region=record["region"].strip().lower() or UNKNOWN_REGION,
        monthly_fee=to_float(record["monthly_fee"].strip()),
        tenure_months=int(record["tenure_months"]),
        support_tickets=int(record["support_tickets"]),
        last_login_days=int(record["last_login_days"]),
        churned=record["churned"].strip().lower() in CHURN_FLAGS,
    )


def load_customers(path: Path) -> Dataset:
    """Read the export; keep the first row of each customer with a signup date."""
    with path.open(newline="", encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    parsed = [parse_customer(record) for record in records]
    dated = [customer for customer in parsed if customer is not None]
    unique: dict[str, Customer] = {}
    for customer in dated:
        unique.setdefault(customer.customer_id, customer)
    return Dataset(
        customers=tuple(unique.values()),
        rows_read=len(records),
        missing_signup=len(parsed) - len(dated),
        duplicates=len(dated) - len(unique),
    )


def tenure_bucket(months: int) -> str:
    """Name of the tenure band a customer falls in."""
    if months <= 6:
        return "0-6"
    if months <= 12:
        return "7-12"
    if months <= 24:
        return "13-24"
    return "25+"


def churn_by(
    customers: Iterable[Customer],
    group_of: Callable[[Customer], str],
    expected: Sequence[str],
) -> list[GroupRate]:
    """Churn per group: expected groups in order, then others as they appear."""
    totals = dict.fromkeys(expected, 0)
    churned = dict.fromkeys(expected, 0)
    for customer in customers:
        name = group_of(customer)
        totals[name] = totals.get(name, 0) + 1
        churned[name] = churned.get(name, 0) + int(customer.churned)
    return [GroupRate(name, totals[name], churned[name]) for name in totals]


def churn_by_plan(customers: Iterable[Customer]) -> list[GroupRate]:
    """Churn per plan, in the order of :data:`PLANS`."""
    return churn_by(customers, lambda c: c.plan, PLANS)


def churn_by_region(customers: Iterable[Customer]) -> list[GroupRate]:
    """Churn per region, in the order of :data:`REGIONS`, unknown region last."""
    return churn_by(customers, lambda c: c.region, REGIONS)


def churn_by_tenure(customers: Iterable[Customer]) -> list[GroupRate]:
    """Churn per tenure band, newest customers first."""
    return churn_by(customers, lambda c: tenure_bucket(c.tenure_months), TENURE_BUCKETS)


def churn_rate(customers: Sequence[Customer]) -> float:
    """Share of all customers that churned."""
    return sum(customer.churned for customer in customers) / len(customers)


def mean_fee(customers: Iterable[Customer], *, churned: bool) -> float:
    """Mean monthly fee of the churned (or the active) customers, 0.0 if none."""
    fees = [c.monthly_fee for c in customers if c.churned == churned]
    return sum(fees) / len(fees) if fees else 0.0


def active_revenue(customers: Iterable[Customer]) -> float:
    """Monthly revenue still coming in from customers who have not churned."""
    return sum(c.monthly_fee for c in customers if not c.churned)


def compare_column(
    customers: Sequence[Customer], column: str
) -> tuple[tuple[float, float], tuple[float, float]]:
    """(mean, median) of one numeric column for churned and for active customers."""
    churned = [getattr(c, column) for c in customers if c.churned]
    active = [getattr(c, column) for c in customers if not c.churned]
    return (
        (statistics.fmean(churned), statistics.median(churned)),
        (statistics.fmean(active), statistics.median(active)),
    )


def risk_score(customer: Customer) -> float:
    """Churn risk from 0 to 1: a logistic curve over tickets, idle days, tenure."""
    z = (
        RISK_INTERCEPT
        + RISK_PER_TICKET * customer.support_tickets
        + RISK_PER_IDLE_DAY * customer.last_login_days
        - RISK_PER_TENURE_MONTH * customer.tenure_months
    )
    z = z + RISK_PLAN_SHIFT.get(customer.plan, 0.0)
    return 1 / (1 + math.exp(-z))


def rank_by_risk(customers: Iterable[Customer]) -> list[Scored]:
    """Active customers, riskiest first; ties keep the table's order."""
    scored = [Scored(c, risk_score(c)) for c in customers if not c.churned]
    return sorted(scored, key=lambda item: item.score, reverse=True)


def flagged(ranked: Iterable[Scored], threshold: float) -> list[Scored]:
    """Customers whose risk score is above ``threshold``."""
    return [item for item in ranked if item.score > threshold]


def suggest_action(customer: Customer) -> str:
    """What the retention team should try first with an at-risk customer."""
    if customer.support_tickets >= 5:
        if customer.plan == "enterprise":
            return "account manager call"
        return "support follow-up"
    if customer.last_login_days > 45:
        return "onboarding email" if customer.tenure_months < 12 else "win-back offer"
    if customer.plan == "basic":
        return "upgrade discount"
    return "keep an eye on"


def signup_cohorts(customers: Iterable[Customer]) -> list[GroupRate]:
    """Churn per signup year, oldest year first."""
    cohorts = churn_by(customers, lambda c: str(c.signup.year), ())
    return sorted(cohorts, key=lambda group: group.name)
