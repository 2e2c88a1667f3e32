"""The worker's Prometheus metrics: the SDK's own and the case log's, on one endpoint.

A worker's client is connected on a runtime whose telemetry serves GOVFLOW_METRICS_ADDRESS
(`metrics_runtime`); the SDK counts its tasks, polls and latencies there, and the activities
count the case's events on the same runtime's meter (activities.case_log: cases opened and
closed, decisions, clocks met and breached, escalations, notices delivered), as this module's
interceptor counts the activities retried. `grafana/govflow-dashboard.json` charts them.
"""

from __future__ import annotations

import socket
from typing import Any

from temporalio import activity
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import ActivityInboundInterceptor, ExecuteActivityInput, Interceptor

from activities.case_log import CASE_COUNTERS
from workers.logs import get_logger
from workers.settings import Settings

ACTIVITY_RETRIES = "govflow_activity_retries"

DOMAIN_METRICS: tuple[str, ...] = tuple(f"{name}_total" for name in (*CASE_COUNTERS, ACTIVITY_RETRIES))
"""The domain's counters as Prometheus shows them (a counter's name gains `_total`)."""

SDK_METRICS: tuple[str, ...] = (
    "temporal_workflow_completed_total",
    "temporal_workflow_task_execution_latency_seconds_bucket",
    "temporal_workflow_task_schedule_to_start_latency_seconds_bucket",
    "temporal_activity_execution_latency_seconds_bucket",
    "temporal_activity_execution_failed_total",
    "temporal_activity_schedule_to_start_latency_seconds_bucket",
    "temporal_worker_task_slots_available",
    "temporal_num_pollers",
)
"""The SDK's own metrics the dashboard charts, as a worker serves them once it has run a case
and an activity of it has failed (the SDK shows a metric from its first sample on)."""

SERVED_METRICS: tuple[str, ...] = DOMAIN_METRICS + SDK_METRICS
"""Every metric name the dashboard may query (tests/unit/test_dashboard.py holds it to that)."""

_runtimes: dict[str, Runtime] = {}
"""One runtime per address: a port is bound once per process, and a worker started again in
the same process (`govflow dev` restarts its worker) serves its metrics where the first did."""


def metrics_runtime(settings: Settings) -> Runtime | None:
    """The runtime that serves metrics at GOVFLOW_METRICS_ADDRESS, or None (the SDK's default
    runtime: no metrics) when the setting is off or the address cannot be bound. A taken port
    is said in the log and the worker goes on: cases matter more than their figures."""
    if not settings.serves_metrics:
        return None
    address = settings.metrics_address.strip()
    if address not in _runtimes:
        try:
            _runtimes[address] = Runtime(telemetry=TelemetryConfig(metrics=prometheus_config(address)))
        except ValueError as error:  # "Failed starting Prometheus exporter: Address already in use"
            get_logger("govflow.worker").warning("metrics not served", address=address, error=str(error))
            return None
    return _runtimes[address]


def metrics_url(settings: Settings) -> str:
    """Where Prometheus scrapes the worker, or "off"."""
    return f"http://{settings.metrics_address.strip()}/metrics" if settings.serves_metrics else "off"


def prometheus_config(address: str) -> PrometheusConfig:
    """Prometheus's conventions: counters end in `_total`, durations are in seconds and say so."""
    return PrometheusConfig(
        bind_address=address, counters_total_suffix=True, durations_as_seconds=True, unit_suffix=True
    )


def free_address(host: str) -> str:
    """HOST:PORT with a port nothing listens on now (`govflow dev` serves its metrics there)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
    return f"{host}:{port}"


class ActivityRetries(Interceptor):
    """Counts every attempt of an activity after its first (the meter labels it with the
    activity type): a transient fault the retry policy waited out shows here, not in a case."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _CountRetries(next)


class _CountRetries(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        if activity.info().attempt > 1:
            activity.metric_meter().create_counter(
                ACTIVITY_RETRIES, "Activity attempts after the first, by activity type"
            ).add(1)
        return await super().execute_activity(input)
