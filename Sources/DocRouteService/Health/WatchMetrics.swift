import DocRouteModel
import Foundation
import Prometheus

/// The daemon's Prometheus metrics, served at `/metrics`: documents by outcome, records by
/// status, queue depth, time per document, LLM calls, output errors.
public final class WatchMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let queueDepth: Gauge
    let inFlight: Gauge
    let seconds: ValueHistogram
    let llmCalls: Counter
    let outputErrors: Counter

    public init() {
        queueDepth = registry.makeGauge(
            descriptor: Self.name("queue_depth", "Documents claimed and waiting for a worker."))
        inFlight = registry.makeGauge(descriptor: Self.name("in_flight", "Documents being processed now."))
        seconds = registry.makeValueHistogram(
            descriptor: Self.name("document", unit: "seconds", "Time to process one document, reading to records."),
            buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120])
        llmCalls = registry.makeCounter(
            descriptor: Self.name("llm_calls", unit: "total", "HTTP requests sent to the LLM."))
        outputErrors = registry.makeCounter(
            descriptor: Self.name("output_errors", unit: "total", "Failed attempts to write records or move inputs."))
    }

    /// A finished document: `outcome` is done, failed, duplicate, skipped, retry or quarantined.
    func document(outcome: String) {
        registry.makeCounter(
            descriptor: Self.name("documents", unit: "total", "Documents by outcome."), labels: [("outcome", outcome)]
        ).increment()
    }

    func record(status: String) { Self.count(record: status, in: registry) }

    /// Counts a record written with `status` in `registry` (the daemon's and the queue worker's).
    package static func count(record status: String, in registry: PrometheusCollectorRegistry) {
        registry.makeCounter(
            descriptor: name("records", unit: "total", "Records written, by status."), labels: [("status", status)]
        ).increment()
    }

    /// A metric of DocRoute's (`docroute_` prefix).
    package static func name(_ metric: String, unit: String = "", _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "docroute", metricName: metric, unitName: unit, helpText: help)
    }

    /// The Prometheus text exposition.
    public func text() -> String {
        registry.emitToString()
    }
}
