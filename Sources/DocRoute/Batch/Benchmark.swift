import CLeptonica
import DocRouteModel
import DocRouteReaders
import Foundation

import struct DocRouteModel.Box

/// Measures reading speed on a set of files: median time per document and per page for each
/// format, and OCR throughput with one thread against several.
public struct Benchmark: Sendable {
    /// Median timings of one format.
    public struct FormatResult: Sendable, Encodable {
        public var format: String
        public var documents: Int
        public var pages: Int
        public var medianMsPerDocument: Double
        public var medianMsPerPage: Double
    }

    /// OCR throughput of the same page set with 1 and with `threads` threads.
    public struct OCRScaling: Sendable, Encodable {
        public var file: String
        public var pages: Int
        public var threads: Int
        public var msPerPageOneThread: Double
        public var pagesPerSecondOneThread: Double
        public var pagesPerSecondThreads: Double
        public var speedup: Double
    }

    /// Median OCR time of one recognised file, per page, with how much text it holds.
    public struct OCRFile: Sendable, Encodable {
        public var file: String
        public var pages: Int
        public var wordsPerPage: Int
        public var medianMsPerPage: Double
    }

    /// The whole report.
    public struct Report: Sendable, Encodable {
        public var formats: [FormatResult]
        public var ocrFiles: [OCRFile]
        public var ocr: OCRScaling?
        public var errors: [String]
    }

    public let files: [String]
    public let repeats: Int
    public let threads: Int

    public init(files: [String], repeats: Int = 5, threads: Int = 2) {
        self.files = files
        self.repeats = max(1, repeats)
        self.threads = max(1, threads)
    }

    public func run() -> Report {
        let reader = DocumentReader(ocr: OCREnginePool(maxEngines: threads))
        var perFormat: [String: (docs: [Double], pages: [Double], pageCount: Int)] = [:]
        var errors: [String] = []
        var ocrCandidate: (path: String, pages: Int)? = nil
        var ocrFiles: [OCRFile] = []
        for file in files {
            var times: [Double] = []
            var document: Document? = nil
            for _ in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                do {
                    document = try reader.read(path: file)
                } catch {
                    errors.append("\(file): \(error)")
                    break
                }
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            guard let doc = document, !times.isEmpty else { continue }
            let key =
                doc.source.format.rawValue
                + (doc.pages.contains { $0.origin == .ocr } && doc.source.format == .pdf ? " (scanned)" : "")
            let median = Statistics.median(times)
            let pageCount = max(doc.pages.count, 1)
            var entry = perFormat[key] ?? ([], [], 0)
            entry.docs.append(median)
            entry.pages.append(median / Double(pageCount))
            entry.pageCount += pageCount
            perFormat[key] = entry
            if doc.pages.contains(where: { $0.origin == .ocr }) {
                let words = doc.pages.reduce(0) { $0 + $1.words.count }
                ocrFiles.append(
                    OCRFile(
                        file: file, pages: pageCount, wordsPerPage: words / pageCount,
                        medianMsPerPage: (median / Double(pageCount)).rounded(toPlaces: 2)))
            }
            if doc.source.format.isImage, doc.pages.count == 1, ocrCandidate == nil || doc.pages[0].width > 2000 {
                ocrCandidate = (file, 1)
            }
        }
        let formats = perFormat.keys.sorted().map { key in
            let e = perFormat[key]!
            return FormatResult(
                format: key, documents: e.docs.count, pages: e.pageCount,
                medianMsPerDocument: Statistics.median(e.docs).rounded(toPlaces: 2),
                medianMsPerPage: Statistics.median(e.pages).rounded(toPlaces: 2))
        }
        let scaling = ocrCandidate.flatMap { ocrScaling(path: $0.path) }
        return Report(formats: formats, ocrFiles: ocrFiles, ocr: scaling, errors: errors)
    }

    /// Recognises the same image `4 × threads` times on one thread, then spread over `threads`.
    private func ocrScaling(path: String) -> OCRScaling? {
        let pool = OCREnginePool(maxEngines: threads)
        let reader = DocumentReader(ocr: pool)
        guard (try? reader.read(path: path)) != nil else { return nil }  // warm every code path
        let jobs = 4 * threads
        let serialStart = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<jobs { _ = try? reader.read(path: path) }
        let serial = Double(DispatchTime.now().uptimeNanoseconds - serialStart) / 1e9
        // Create the other engines before timing, as a long-running process would have them.
        DispatchQueue.concurrentPerform(iterations: threads) { _ in _ = try? reader.read(path: path) }
        let parallelStart = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: jobs) { _ in _ = try? reader.read(path: path) }
        let parallel = Double(DispatchTime.now().uptimeNanoseconds - parallelStart) / 1e9
        return OCRScaling(
            file: path, pages: jobs, threads: threads,
            msPerPageOneThread: (serial / Double(jobs) * 1000).rounded(toPlaces: 2),
            pagesPerSecondOneThread: (Double(jobs) / serial).rounded(toPlaces: 2),
            pagesPerSecondThreads: (Double(jobs) / parallel).rounded(toPlaces: 2),
            speedup: (serial / parallel).rounded(toPlaces: 2))
    }
}
