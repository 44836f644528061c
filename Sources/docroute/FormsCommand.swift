import ArgumentParser
import DocRoute
import DocRouteForms
import DocRouteModel
import DocRouteReaders
import Foundation

/// `docroute forms list|show|forget|learn --forms FILE`: inspect and seed the store of learned
/// forms that `extract`, `batch`, `eval` and `watch` use with `--forms FILE`. `templates` and
/// `--templates`, their names before, still work this release.
struct FormsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forms",
        abstract: "List, show, forget or learn the forms (layouts) learned into a forms file.",
        subcommands: [List.self, Show.self, Forget.self, Learn.self],
        aliases: ["templates"]
    )

    /// The store option every subcommand takes.
    struct StoreOption: ParsableArguments {
        @Option(name: [.customLong("forms"), .customLong("templates")], help: "The learned forms (SQLite file).")
        var forms: String

        func open(mustExist: Bool = true) throws -> FormStore {
            if mustExist, !FileManager.default.fileExists(atPath: forms) {
                throw ValidationError("\(forms) does not exist")
            }
            do { return try FormStore(path: forms) } catch { throw ValidationError("\(forms): \(error)") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One line per template: id, version, pipeline, kind, fields, uses, fallbacks, stale.")
        @OptionGroup var store: StoreOption
        @Option(help: "Only this pipeline's forms.")
        var pipeline: String?

        func run() throws {
            for t in try store.open().latest(pipeline: pipeline) {
                let kind = t.origin == .ocr ? "image" : "text"
                print(
                    "\(t.id)\tv\(t.version)\t\(t.pipeline)\t\(kind)\tfields \(t.regions.count)\tuses \(t.uses)\tfallbacks \(t.fallbacks)\(t.stale ? "\tstale" : "")"
                )
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A template as JSON (its newest version, or --version N).")
        @OptionGroup var store: StoreOption
        @Argument(help: "Template id (see list).")
        var id: String
        @Option(help: "Version to show.")
        var version: Int?

        func run() throws {
            let versions = try store.open().versions(of: id)
            guard let t = version.map({ v in versions.first { $0.version == v } }) ?? versions.last else {
                throw ValidationError("no template \(id)\(version.map { " version \($0)" } ?? "")")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(t), as: UTF8.self))
        }
    }

    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a template, every version of it.")
        @OptionGroup var store: StoreOption
        @Argument(help: "Template id.")
        var id: String

        func run() throws {
            guard try store.open().forget(id) else { throw ValidationError("no template \(id)") }
            print("forgot \(id)")
        }
    }

    struct Learn: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Learn a document's layout from its labelled values.",
            discussion:
                "RECORD.json holds {\"fields\": {name: value}} (a line of a truth.jsonl) or a DocRoute record ({\"fields\": {name: {\"value\": …}}})."
        )
        @OptionGroup var store: StoreOption
        @Argument(help: "The document.")
        var file: String
        @Option(help: "Its labelled values.")
        var truth: String
        @Option(help: "Pipeline name or path to a YAML spec.")
        var pipeline: String
        @Flag(name: .customLong("no-preprocess"), help: "Read images as they are.")
        var noPreprocess = false

        func run() throws {
            let values: [String: FieldValue]
            do {
                values = try Self.values(Data(contentsOf: URL(fileURLWithPath: truth)))
            } catch {
                throw ValidationError("--truth \(truth): \(error)")
            }
            let spec: PipelineSpec
            do { spec = try PipelineSpec.resolve(pipeline, directories: PipelineOptions.searchDirectories) } catch {
                throw ValidationError("\(error)")
            }
            let p = Pipeline(spec: spec, reader: DocumentReader(preprocess: !noPreprocess))
            do {
                let (t, notFound) = try p.learning(path: file, truth: values, into: store.open(mustExist: false))
                let byLabel = Set(t.regions.filter { $0.value.byLabel == true }.keys)
                let learned = t.regions.keys.filter { !byLabel.contains($0) }.sorted()
                print("learned \(t.id) v\(t.version): \(learned.joined(separator: ", "))")
                for name in byLabel.sorted() {
                    print("  placed by its label: \(name): \(notFound[name] ?? "no value given")")
                }
                for (name, why) in notFound.sorted(by: { $0.key < $1.key }) where !byLabel.contains(name) {
                    print("  not learned: \(name): \(why)")
                }
            } catch let e as Pipeline.NotLearned {
                throw ValidationError("not learned: \(e)")
            }
        }

        /// The values of a truth line or of a record.
        static func values(_ data: Data) throws -> [String: FieldValue] {
            struct Labelled: Decodable {
                var fields: [String: Value]
                enum Value: Decodable {
                    case plain(FieldValue?)
                    case field(Record.Field)
                    init(from decoder: Decoder) throws {
                        if let f = try? Record.Field(from: decoder) {
                            self = .field(f)
                        } else {
                            self = .plain(try FieldValue?(from: decoder))
                        }
                    }
                    var value: FieldValue? {
                        switch self {
                        case .plain(let v): v
                        case .field(let f): f.valid ? f.value : nil
                        }
                    }
                }
            }
            return try JSONDecoder().decode(Labelled.self, from: data).fields.compactMapValues(\.value)
        }
    }
}
