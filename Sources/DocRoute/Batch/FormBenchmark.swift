import DocRouteModel
import Foundation

/// Measures what learned templates buy on a stream of labelled documents: the same files read
/// in order, one at a time, by the full path and by a pipeline that learns templates as it goes;
/// median time, F1 and LLM calls of each, and of the documents after the first was learned.
public struct FormBenchmark: Sendable {
    /// One run over (part of) the stream.
    public struct Pass: Sendable, Encodable {
        public var documents = 0
        public var medianMs = 0.0
        public var p95Ms = 0.0
        /// Processor time per document (all threads), median: what a document costs when
        /// documents run side by side.
        public var medianCpuMs = 0.0
        public var f1 = 0.0
        public var llmCallsPerDocument = 0.0
    }

    /// The whole report.
    public struct Report: Sendable, Encodable {
        public var full: Pass
        public var templates: Pass
        /// The template run from the document after the first template was learned.
        public var afterLearning: Pass
        /// The full path over those same documents.
        public var fullAfterLearning: Pass
        /// afterLearning's median over fullAfterLearning's.
        public var timeRatio: Double
        /// The same for processor time.
        public var cpuRatio = 0.0
        public var readByTemplate = 0
        public var fellBack = 0
        public var learned = 0
        /// Why documents fell back, and how many did.
        public var fallbackReasons: [String: Int] = [:]
    }

    public let directory: String
    public let truth: [Evaluation.Truth]
    public let full: Pipeline
    public let learning: Pipeline

    /// `full` reads without templates; `learning` has a store (best empty).
    public init(directory: String, truth: [Evaluation.Truth], full: Pipeline, learning: Pipeline) {
        self.directory = directory; self.truth = truth; self.full = full; self.learning = learning
    }

    public func run(progress: (String) -> Void = { _ in }) -> Report {
        var seen = Set<String>()
        let files = truth.map(\.file).filter { seen.insert($0).inserted }
        let paths = files.map { (directory as NSString).appendingPathComponent($0) }
        var fullResults: [[Record]] = [], learnResults: [[Record]] = []
        var fullCpu: [Double] = [], learnCpu: [Double] = []
        func cpuMs() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
            return Double(t.tv_sec) * 1000 + Double(t.tv_nsec) / 1_000_000
        }
        for (i, path) in paths.enumerated() {
            var c = cpuMs()
            fullResults.append(full.process(path: path))
            fullCpu.append(cpuMs() - c)
            c = cpuMs()
            learnResults.append(learning.process(path: path))
            learnCpu.append(cpuMs() - c)
            if (i + 1) % 25 == 0 { progress("\(i + 1)/\(paths.count)") }
        }
        let firstLearned = learnResults.firstIndex { $0.first?.learnedForm?.outcome == .learned }
        let after = firstLearned.map { Array(($0 + 1)..<files.count) } ?? []
        var report = Report(
            full: pass(files, fullResults, cpu: fullCpu), templates: pass(files, learnResults, cpu: learnCpu),
            afterLearning: pass(
                after.map { files[$0] }, after.map { learnResults[$0] }, cpu: after.map { learnCpu[$0] }),
            fullAfterLearning: pass(
                after.map { files[$0] }, after.map { fullResults[$0] }, cpu: after.map { fullCpu[$0] }),
            timeRatio: 0)
        report.timeRatio =
            report.fullAfterLearning.medianMs > 0
            ? report.afterLearning.medianMs / report.fullAfterLearning.medianMs : 0
        report.cpuRatio =
            report.fullAfterLearning.medianCpuMs > 0
            ? report.afterLearning.medianCpuMs / report.fullAfterLearning.medianCpuMs : 0
        for records in learnResults {
            guard let use = records.first?.learnedForm else { continue }
            switch use.outcome {
            case .read: report.readByTemplate += 1
            case .learned: report.learned += 1
            case .fellBack:
                report.fellBack += 1
                report.fallbackReasons[use.reason ?? "?", default: 0] += 1
            }
        }
        return report
    }

    func pass(_ files: [String], _ results: [[Record]], cpu: [Double]) -> Pass {
        guard !files.isEmpty else { return Pass() }
        let wanted = Set(files)
        let e = Evaluation.score(
            files: files, results: results, truth: truth.filter { wanted.contains($0.file) }, pipeline: full.spec)
        let times = results.compactMap { $0.first?.timingsMs.total }.sorted()
        let calls = results.reduce(0) { $0 + $1.reduce(0) { $0 + $1.route.llmCalls } }
        return Pass(
            documents: files.count, medianMs: Statistics.median(times).rounded(toPlaces: 3),
            p95Ms: Statistics.percentile(times, 0.95).rounded(toPlaces: 3),
            medianCpuMs: Statistics.median(cpu).rounded(toPlaces: 3), f1: e.overall.f1.rounded(toPlaces: 3),
            llmCallsPerDocument: Double(calls) / Double(files.count))
    }
}
