import ArgumentParser
import DocRoute
import DocRouteModel
import Foundation

/// `docroute worker`: the process a batch, eval, extract or watch command runs its documents
/// in (see `WorkerLoop`). Hidden: started by those commands, never by hand.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Read documents named on stdin, answer their records on stdout (started by the other commands).",
        shouldDisplay: false
    )

    @OptionGroup var options: PipelineOptions

    @Flag(name: .customLong("without-calibration"), help: "Report confidences as computed (eval --calibrate).")
    var withoutCalibration = false

    func validate() throws { try options.check() }

    func run() throws {
        WorkerLoop.serve(
            try options.pipeline(jobsDefault: 1, withoutCalibration: withoutCalibration), memoryMB: options.maxMemory)
    }
}
