"""The outbox benchmark's report: one latency's results, and its targets as met or MISSED."""

from __future__ import annotations

from outbox_measures import Idle, Run
from outbox_params import PROBE_INTERVAL, TARGET_ACK_MS, TARGET_LAG_P99_MS, TARGET_STATEMENTS


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(
    run: Run,
    n: int,
    idle: Idle,
    *,
    pre_ping: bool,
) -> list[str]:
    """Print one latency's results; returns its MISSED lines."""
    label = f"Slack latency {run.latency * 1000:.0f} ms per call"
    direct_rate = n / run.direct_seconds
    outbox_rate = run.sent / run.outbox_seconds if run.outbox_seconds else 0.0
    per_msg = run.statements / max(1, run.sent)
    print(f"\n== {label} ==")
    print(
        f"  direct chat.postMessage (baseline): {n} calls in {run.direct_seconds:7.2f} s "
        f"= {direct_rate:8.0f} msg/s"
    )
    print(
        f"  outbox dispatch:                    {run.sent} sent in {run.outbox_seconds:7.2f} s "
        f"= {outbox_rate:8.0f} msg/s  ({run.ticks} ticks; enqueue took {run.enqueue_seconds:.2f} s"
        ", not timed)"
    )
    print(
        f"  ratio outbox/direct throughput: {outbox_rate / direct_rate:.2f}  "
        f"(the outbox takes {run.outbox_seconds / run.direct_seconds:.2f}x the bare Slack calls' "
        "time)"
    )
    direct_cpu_ms = run.direct_cpu / n * 1000
    outbox_cpu_ms = run.outbox_cpu / max(1, run.sent) * 1000
    print(
        f"  process CPU/message (bot, stand-in and app share it): outbox {outbox_cpu_ms:.2f} ms, "
        f"direct {direct_cpu_ms:.2f} ms, ratio {outbox_cpu_ms / direct_cpu_ms:.1f}x"
    )
    pinged = " (each also a pre-ping: pool_pre_ping)" if pre_ping else ""
    print(
        f"  DB statements/message: {per_msg:.3f}  ({run.statements} statements; "
        f"{run.commits / max(1, run.sent):.3f} transactions/msg, "
        f"{run.checkouts / max(1, run.sent):.3f} pool checkouts/msg{pinged})  "
        f"ratio to target {TARGET_STATEMENTS:g}: {per_msg / TARGET_STATEMENTS:.2f}"
    )
    p50, p99, worst = run.lag_ms
    print(
        f"  event-loop lag during sweep ({run.lag_samples} wake-ups of {PROBE_INTERVAL * 1000:.0f} "
        f"ms): p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {worst:.1f} ms"
    )
    where = "mid-sweep" if run.ack_in_sweep else "AFTER the sweep ended (sweep too short)"
    print(
        f"  /mentor help round trip {where}: {run.ack_ms:.0f} ms, HTTP {run.ack_status}  "
        f"(idle: {idle.ack_ms:.0f} ms; ratio {run.ack_ms / idle.ack_ms:.1f}x)"
    )
    if run.other_outcomes:
        print(f"  !! outcomes other than sent: {run.other_outcomes}")
    if run.final_counts != {"sent": n} or run.posted != n:
        print(f"  !! rows by status after the sweep: {run.final_counts}; posts seen: {run.posted}")

    missed = []
    checks = [
        (
            f"event-loop lag p99 < {TARGET_LAG_P99_MS:g} ms",
            p99 < TARGET_LAG_P99_MS,
            f"{p99:.1f} ms",
        ),
        (
            f"/mentor help ack < {TARGET_ACK_MS:g} ms",
            run.ack_status == 200 and run.ack_ms < TARGET_ACK_MS,
            f"{run.ack_ms:.0f} ms",
        ),
        (
            f"<= {TARGET_STATEMENTS:g} statements/message",
            per_msg <= TARGET_STATEMENTS,
            f"{per_msg:.3f}",
        ),
    ]
    print("  targets:")
    for name, ok, value in checks:
        print(f"    {verdict(ok):6} {name}: {value}")
        if not ok:
            missed.append(f"MISSED ({label}): {name}: {value}")
    return missed
