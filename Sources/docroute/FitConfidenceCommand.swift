import ArgumentParser
import DocRoute
import DocRouteExtraction
import DocRouteModel
import Foundation

/// `docroute fit-confidence OUTCOMES...`: fits the shipped confidence model to scored records
/// of several labelled sets (`eval --outcomes`), reporting each set as held out of the fit.
struct FitConfidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit-confidence",
        abstract:
            "Fit the confidence model to scored records of labelled sets (eval --outcomes); report each set held out of the fit."
    )

    @Argument(help: "Files written by eval --outcomes (one set per file, or several).")
    var outcomes: [String]

    @Option(
        help:
            "Write the model fitted on every set as Swift source here (Sources/DocRouteExtraction/Confidence/ConfidenceModel+Shipped.swift)."
    )
    var write: String?

    @Flag(help: "List each held-out set's wrong values that its model gave 0.9 or more, with their features.")
    var wrong = false

    @Option(help: "Folds of the cross-validation by document.")
    var folds = 5

    @Option(help: "The most values' worth one set weighs in the fit (a larger set's values weigh less each).")
    var cap: Double = 100

    @Option(help: "L2 regularisation of the weights.")
    var lambda: Double = 1

    func validate() throws {
        guard lambda >= 0 else { throw ValidationError("--lambda must be 0 or more") }
        guard folds >= 2 else { throw ValidationError("--folds must be 2 or more") }
    }

    func run() throws {
        var records: [Evaluation.ScoredRecord] = []
        for path in outcomes {
            do { records += try Evaluation.ScoredRecord.load(path: path) } catch { throw ValidationError("\(error)") }
        }
        let sets = Array(Set(records.map { $0.set ?? "" })).sorted()
        for (folds, title) in [
            (folds, "documents held out of the fit (\(folds) folds by document):"),
            (0, "each set held out of the fit (fitted on the other sets):"),
        ] {
            print(title)
            for (r, sureButWrong) in ConfidenceModel.crossValidated(records, folds: folds, lambda: lambda, cap: cap) {
                print("  " + r.line)
                if wrong { for w in sureButWrong { print("      " + w) } }
            }
        }
        print("as computed (raw, no model):")
        for set in sets {
            let r = ConfidenceModel.report(set, records.filter { $0.set == set }) {
                $1.field.evidence?.raw ?? $1.field.confidence
            }
            print("  " + r.line)
        }
        let model = ConfidenceModel.fit(ConfidenceModel.samples(records, cap: cap), lambda: lambda)
        print(
            "weights: "
                + model.weights.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        if let write { try model.source(fittedOn: sets).write(toFile: write, atomically: true, encoding: .utf8) }
    }
}
