"""Turn churn numbers into the plain-text tables and report the retention team reads.

Functions here only format: they return lines of text and never print, so the notebook
decides what to show and tests can compare the text directly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from churn.features import (
    PLANS,
    Customer,
    Dataset,
    GroupRate,
    Scored,
    active_revenue,
    churn_by_plan,
    churn_by_region,
    churn_by_tenure,
    churn_rate,
    compare_column,
    flagged,
    mean_fee,
    suggest_action,
)

HISTOGRAM_BINS = 10
HISTOGRAM_BAR = 30
LABEL_WIDTH = 12


def rate_marker(rate: float, overall: float) -> str:
    """Arrow drawing the eye to groups that churn well above the overall rate."""
    if rate >= 2 * overall:
        return "  <-- very high"
    if rate > 1.25 * overall:
        return "  <-- high"
    return ""


def format_group(group: GroupRate, overall: float) -> str:
    """One row of a churn table."""
    if group.customers == 0:
        return f"  {group.name:<{LABEL_WIDTH}} {'-':>5}"
    return (
        f"  {group.name:<{LABEL_WIDTH}} {group.customers:>5} customers"
        f" {group.churned:>4} churned {group.rate:>7.1%}"
        f"{rate_marker(group.rate, overall)}"
    )


def format_rate_table(
    title: str, groups: Sequence[GroupRate], overall: float
) -> list[str]:
    """A titled churn table, one row per group."""
    return [f"churn by {title}", *(format_group(group, overall) for group in groups)]


def format_comparison(
    customers: Sequence[Customer], columns: Sequence[str]
) -> list[str]:
    """Mean and median of each column for churned versus active customers."""
    lines = []
    for column in columns:
        (ch_mean, ch_median), (act_mean, act_median) = compare_column(customers, column)
        lines.append(
            f"{column:<16} churned: mean {ch_mean:7.2f} median {ch_median:7.2f}"
            f" | active: mean {act_mean:7.2f} median {act_median:7.2f}"
        )
    return lines


def format_ranking(ranked: Sequence[Scored], size: int) -> list[str]:
    """The riskiest active customers with the inputs that drive their score."""
    return [
        f"{rank:>2}. {item.customer.customer_id} {item.customer.plan:<10}"
        f" tickets={item.customer.support_tickets}"
        f" login={item.customer.last_login_days:>3}d  {item.score:.3f}"
        for rank, item in enumerate(ranked[:size], start=1)
    ]


def format_cohorts(cohorts: Iterable[GroupRate]) -> list[str]:
    """Signups and churn per signup year."""
    return [
        f"{group.name} {group.customers:>3} signups {group.churned:>3} churned"
        f" ({group.rate:.1%})"
        for group in cohorts
    ]


def histogram_counts(scores: Iterable[float]) -> list[int]:
    """Count scores in ten equal bins from 0 to 1; exactly 1 goes in the top bin."""
    counts = [0] * HISTOGRAM_BINS
    for score in scores:
        counts[min(int(score * HISTOGRAM_BINS), HISTOGRAM_BINS - 1)] += 1
    return counts


def format_histogram(scores: Iterable[float]) -> list[str]:
    """Text histogram of risk scores, up to the highest non-empty bin."""
    counts = histogram_counts(scores)
    biggest = max(counts)
    last = max((k for k, count in enumerate(counts) if count), default=0)
    lines = []
    for k, count in enumerate(counts[: last + 1]):
        bar = "#" * round(count * HISTOGRAM_BAR / biggest) if biggest else ""
        lines.append(f"  {k / 10:.1f}-{(k + 1) / 10:.1f} {count:>4} {bar}")
    return lines


def describe_customer(customer: Customer) -> str:
    """Why a customer looks risky, in words, and what to do about it."""
    details = []
    if customer.support_tickets > 0:
        details.append(f"{customer.support_tickets} tickets")
    if customer.last_login_days > 30:
        details.append(f"no login for {customer.last_login_days} days")
    if customer.tenure_months < 12:
        details.append(f"only {customer.tenure_months} months in")
    reasons = ", ".join(details) or "nothing obvious"
    return f"      {reasons} -> {suggest_action(customer)}"


def format_top(ranked: Sequence[Scored], size: int) -> list[str]:
    """The customers the retention team should call first."""
    top = ranked[:size]
    lines = [f"top {len(top)} customers to call"]
    for rank, item in enumerate(top, start=1):
        customer = item.customer
        lines.append(
            f"  {rank:>2}. {customer.customer_id}  {customer.plan:<10}"
            f" {customer.region:<8} score {item.score:.3f}"
        )
        lines.append(describe_customer(customer))
    return lines


def format_overview(dataset: Dataset) -> list[str]:
    """Head of the report: how many customers, what was dropped, churn and revenue."""
    customers = dataset.customers
    dropped = []
    if dataset.missing_signup:
        dropped.append(f"{dataset.missing_signup} without signup date")
    if dataset.duplicates:
        dropped.append(f"{dataset.duplicates} duplicate rows")
    signups = sorted(customer.signup for customer in customers)
    n_churned = sum(customer.churned for customer in customers)
    fee_churned = mean_fee(customers, churned=True)
    fee_active = mean_fee(customers, churned=False)
    return [
        f"customers analysed : {len(customers)}",
        *([f"dropped            : {', '.join(dropped)}"] if dropped else []),
        f"signups            : {signups[0]} .. {signups[-1]}",
        f"churned            : {n_churned} ({churn_rate(customers):.1%})",
        f"active revenue     : ${active_revenue(customers):,.2f} / month",
        f"mean fee           : churned ${fee_churned:.2f} | active ${fee_active:.2f}",
    ]


def flagged_by_plan(at_risk: Iterable[Scored]) -> str:
    """How many flagged customers each plan has, known plans first."""
    counts = Counter(item.customer.plan for item in at_risk)
    order = [*PLANS, *(plan for plan in counts if plan not in PLANS)]
    return ", ".join(f"{plan} {counts[plan]}" for plan in order if plan in counts)


def format_risk(
    dataset: Dataset, ranked: Sequence[Scored], threshold: float
) -> list[str]:
    """Risk histogram, how many customers are flagged and the revenue they bring."""
    at_risk = flagged(ranked, threshold)
    revenue = active_revenue(dataset.customers)
    risky_revenue = sum(item.customer.monthly_fee for item in at_risk)
    lines = [
        f"risk score of {len(ranked)} active customers",
        *format_histogram(item.score for item in ranked),
        f"flagged (score > {threshold:.2f}) : {len(at_risk)}",
    ]
    if at_risk:
        lines.append(f"flagged by plan       : {flagged_by_plan(at_risk)}")
    lines.append(f"revenue at risk       : ${risky_revenue:,.2f} / month")
    if revenue > 0:
        lines.append(f"share of active rev.  : {risky_revenue / revenue:.1%}")
    return lines


def format_report(
    dataset: Dataset,
    ranked: Sequence[Scored],
    threshold: float,
    top_n: int,
    width: int = 60,
) -> str:
    """The whole churn report as one block of text."""
    customers = dataset.customers
    overall = churn_rate(customers)
    tables = [
        ("plan", churn_by_plan(customers)),
        ("region", churn_by_region(customers)),
        ("tenure (months)", churn_by_tenure(customers)),
    ]
    thick, thin = "=" * width, "-" * width
    lines = [thick, "CHURN REPORT".center(width), thick, *format_overview(dataset)]
    for title, groups in tables:
        lines += [thin, *format_rate_table(title, groups, overall)]
    lines += [thin, *format_risk(dataset, ranked, threshold)]
    lines += [thin, *format_top(ranked, top_n), thick]
    return "\n".join(lines)
