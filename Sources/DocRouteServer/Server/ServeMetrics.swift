import DocRouteService
import Foundation
import Hummingbird
import Prometheus

/// `docroute serve`'s Prometheus metrics, at `/metrics`: requests by route and status, time per
/// document, records by status, async jobs waiting or running, callbacks by outcome.
public final class ServeMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let seconds: ValueHistogram
    let jobsPending: Gauge

    public init() {
        seconds = registry.makeValueHistogram(
            descriptor: WatchMetrics.name("document", unit: "seconds", "Time to read one document, upload to records."),
            buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120])
        jobsPending = registry.makeGauge(
            descriptor: WatchMetrics.name("jobs_pending", "Async jobs queued or running in this process."))
    }

    func request(route: String, status: Int) {
        registry.makeCounter(
            descriptor: WatchMetrics.name(
                "http_requests", unit: "total", "HTTP requests answered, by route and status."),
            labels: [("route", route), ("status", String(status))]
        ).increment()
    }

    func record(status: String) { WatchMetrics.count(record: status, in: registry) }

    func callback(_ outcome: Callbacks.Outcome) {
        registry.makeCounter(
            descriptor: WatchMetrics.name("callbacks", unit: "total", "Job callbacks, by outcome."),
            labels: [("outcome", outcome.rawValue)]
        ).increment()
    }

    /// The Prometheus text exposition.
    public func text() -> String { registry.emitToString() }
}

/// Counts every answered request in `ServeMetrics`, by its route (the path pattern; `NotFound`
/// for a path or method no route has) and status.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServeMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            let response = try await next(request, context)
            metrics.request(route: context.endpointPath ?? "NotFound", status: Int(response.status.code))
            return response
        } catch let error as HTTPResponseError {
            metrics.request(route: context.endpointPath ?? "NotFound", status: Int(error.status.code))
            throw error
        } catch {
            metrics.request(route: context.endpointPath ?? "NotFound", status: 500)
            throw error
        }
    }
}
