import ArgumentParser
import DocRoute
import DocRouteForms
import DocRouteLLM
import DocRouteModel
import DocRouteReaders
import Foundation

/// Options shared by the commands that run a pipeline.
struct PipelineOptions: ParsableArguments {
    @Option(
        name: .long, help: "Pipeline name (looked up in ./Pipelines and DOCROUTE_PIPELINES) or path to a YAML spec.")
    var pipeline: String

    @Option(help: "Documents processed in parallel (default: extract 1, batch and eval the number of cores).")
    var jobs: Int?

    @Option(help: "Seconds allowed per document.")
    var timeout: Double = ReaderLimits.default.maxSeconds

    @Flag(
        name: .customLong("no-preprocess"),
        help:
            "Give Tesseract images as they are: no upscaling, background or contrast correction, despeckling or deskewing (by default each runs when the image needs it)."
    )
    var noPreprocess = false

    @Option(
        name: .customLong("llm-url"),
        help:
            "OpenAI-compatible base URL (…/v1): overrides the pipeline's llm.url, or gives a pipeline without an llm section one."
    )
    var llmURL: String?

    @Option(
        name: .customLong("llm-model"),
        help: "Model name sent to the LLM server (overrides llm.model; default with --llm-url alone: local).")
    var llmModel: String?

    @Option(
        name: .customLong("llm-mode"),
        help:
            "How the LLM fills fields: spans (points at printed text, copied verbatim) or schema (fills a JSON schema); overrides llm.mode."
    )
    var llmMode: LLMSpec.Mode?

    @Option(
        name: .customLong("llm-prompt-tokens"),
        help: "Prompt tokens of document text one LLM call may show (overrides llm.max_prompt_tokens; default 256).")
    var llmPromptTokens: Int?

    @Flag(name: .customLong("no-llm"), help: "Never call an LLM, even if the pipeline has an llm section.")
    var noLLM = false

    @Flag(name: .customLong("no-llm-cache"), help: "Ask the LLM again instead of reusing cached answers.")
    var noLLMCache = false

    @Option(
        name: .customLong("llm-cache"),
        help: "Folder of cached LLM answers (default: $DOCROUTE_CACHE/llm or ~/.cache/docroute/llm).")
    var llmCache: String?

    @Option(
        name: [.customLong("forms"), .customLong("templates")],
        help:
            "Learned forms (a SQLite file, created if missing): copies of layouts learned before are read by looking only where their values stand, and documents of new layouts extracted well are learned. See `docroute forms`. (--templates: the old name.)"
    )
    var forms: String?

    @Flag(
        name: .customLong("in-process"),
        help:
            "Run documents in this process instead of in worker processes (for debugging: a document that crashes then ends the command)."
    )
    var inProcess = false

    @Option(
        name: .customLong("max-memory"),
        help: "Memory cap of each worker process, in MiB: a document that needs more gets an error record.")
    var maxMemory: Int = 2048

    @Option(help: "Documents a worker process reads before it is replaced by a fresh one.")
    var recycle: Int = 500

    func check() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        guard maxMemory >= 256 else { throw ValidationError("--max-memory must be at least 256 (MiB)") }
        guard recycle >= 1 else { throw ValidationError("--recycle must be at least 1") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        if let llmURL {
            guard let u = URL(string: llmURL), let scheme = u.scheme, ["http", "https"].contains(scheme), u.host != nil
            else {
                throw ValidationError("--llm-url must be an http(s) URL")
            }
        }
        if noLLM, llmURL != nil { throw ValidationError("--no-llm and --llm-url contradict each other") }
        if noLLM, llmMode != nil { throw ValidationError("--no-llm and --llm-mode contradict each other") }
        if let llmPromptTokens, !(32...100_000).contains(llmPromptTokens) {
            throw ValidationError("--llm-prompt-tokens must be between 32 and 100000")
        }
    }

    /// Where pipeline names are looked up: ./Pipelines, then the folders in DOCROUTE_PIPELINES
    /// (colon-separated), then the Pipelines folder beside the executable's package.
    static var searchDirectories: [String] {
        var dirs = ["Pipelines"]
        if let env = ProcessInfo.processInfo.environment["DOCROUTE_PIPELINES"] {
            dirs += env.split(separator: ":").map(String.init)
        }
        return dirs
    }

    /// The pipeline these options name; `withoutCalibration` reports confidences as computed
    /// (`eval --calibrate`).
    func pipeline(jobsDefault: Int = 1, withoutCalibration: Bool = false) throws -> Pipeline {
        var spec: PipelineSpec
        do {
            spec = try PipelineSpec.resolve(pipeline, directories: Self.searchDirectories)
        } catch {
            throw ValidationError("\(error)")
        }
        var limits = ReaderLimits.default
        limits.maxSeconds = timeout
        let reader = DocumentReader(
            limits: limits, preprocess: !noPreprocess, ocr: OCREnginePool(maxEngines: jobs ?? jobsDefault))
        if noLLM { spec.llm = nil }
        if let llmURL {
            var section = spec.llm ?? LLMSpec(url: llmURL, model: "local")
            section.url = llmURL
            spec.llm = section
        }
        if let llmModel { spec.llm?.model = llmModel }
        if let llmMode { spec.llm?.mode = llmMode }
        if let llmPromptTokens { spec.llm?.maxPromptTokens = llmPromptTokens }
        var backend: (any LLMBackend)? = nil
        if let section = spec.llm {
            do {
                let http = try OpenAIBackend(spec: section)
                backend =
                    noLLMCache
                    ? http
                    : CachedLLMBackend(
                        http,
                        cache: LLMCache(
                            directory: llmCache.map { URL(fileURLWithPath: $0) } ?? LLMCache.defaultDirectory))
            } catch {
                throw ValidationError("\(error)")
            }
        }
        var store: FormStore? = nil
        if let forms {
            do {
                store = try FormStore(path: forms)
            } catch {
                throw ValidationError("--forms \(forms): \(error)")
            }
        }
        let pipeline = Pipeline(spec: spec, reader: reader, llm: backend, forms: store)
        return withoutCalibration ? pipeline.withoutCalibration : pipeline
    }
}

extension PipelineOptions {
    /// What runs the documents: worker processes of this executable (the default), or the
    /// pipeline itself with `--in-process`. The pipeline is built here either way, so a bad
    /// spec, URL or template file is reported before any work.
    func processor(jobsDefault: Int = 1, withoutCalibration: Bool = false) throws -> any DocumentProcessor {
        let pipeline = try pipeline(jobsDefault: jobsDefault, withoutCalibration: withoutCalibration)
        if inProcess { return pipeline }
        var arguments = ["worker", "--stdio"] + workerArguments
        if withoutCalibration { arguments.append("--without-calibration") }
        // The reader's own deadline comes first; the worker is killed only when it overran.
        let grace = min(10, max(2, timeout * 0.1))
        return WorkerPool(
            spec: pipeline.spec,
            settings: WorkerPool.Settings(
                executable: Self.executable, arguments: arguments, deadline: timeout + grace,
                recycleAfter: recycle, memoryMB: maxMemory))
    }

    /// These options as a worker is given them (one document at a time, so one OCR engine).
    var workerArguments: [String] {
        var a = ["--pipeline", pipeline, "--jobs", "1", "--timeout", "\(timeout)", "--max-memory", "\(maxMemory)"]
        if noPreprocess { a.append("--no-preprocess") }
        if let llmURL { a += ["--llm-url", llmURL] }
        if let llmModel { a += ["--llm-model", llmModel] }
        if let llmMode { a += ["--llm-mode", llmMode.rawValue] }
        if let llmPromptTokens { a += ["--llm-prompt-tokens", "\(llmPromptTokens)"] }
        if noLLM { a.append("--no-llm") }
        if noLLMCache { a.append("--no-llm-cache") }
        if let llmCache { a += ["--llm-cache", llmCache] }
        if let forms { a += ["--forms", forms] }
        return a
    }

    /// This executable's path (workers are started from it).
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

extension LLMSpec.Mode: ExpressibleByArgument {}
