import DocRouteService
import Foundation
import Prometheus

/// A queue worker's Prometheus metrics, served at `/metrics`: queue depth, jobs by outcome,
/// lease expiries, dead letters, records by status, time per document.
public final class QueueMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let queueDepth: Gauge
    let inFlight: Gauge
    let leaseExpiries: Counter
    let deadLetters: Counter
    let seconds: ValueHistogram

    public init() {
        queueDepth = registry.makeGauge(
            descriptor: Self.name("queue_depth", "Jobs of this worker's pipeline waiting in the queue."))
        inFlight = registry.makeGauge(descriptor: Self.name("in_flight", "Jobs this worker is processing now."))
        leaseExpiries = registry.makeCounter(
            descriptor: Self.name(
                "lease_expiries", unit: "total", "Jobs whose lease ran out (put back or given up), seen by this worker."
            ))
        deadLetters = registry.makeCounter(
            descriptor: Self.name("dead_letters", unit: "total", "Jobs given up with an error record by this worker."))
        seconds = registry.makeValueHistogram(
            descriptor: Self.name("document", unit: "seconds", "Time to process one job, claim to records written."),
            buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120])
    }

    /// A finished job: `outcome` is done, dead, or lost (its lease had run out).
    func job(outcome: String) {
        registry.makeCounter(
            descriptor: Self.name("jobs", unit: "total", "Jobs finished by this worker, by outcome."),
            labels: [("outcome", outcome)]
        ).increment()
    }

    func record(status: String) { WatchMetrics.count(record: status, in: registry) }

    static func name(_ metric: String, unit: String = "", _ help: String) -> MetricNameDescriptor {
        WatchMetrics.name(metric, unit: unit, help)
    }

    /// The Prometheus text exposition.
    public func text() -> String {
        registry.emitToString()
    }
}
