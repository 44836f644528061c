import DocRouteLLM
import DocRouteModel

extension Router {
    /// One LLM call for every field the cheaper strategies left empty or invalid, when the
    /// pipeline has an LLM: its readings fill those fields as any candidate does, what it said of
    /// the others is kept as notes, and `route` records the call. Returns its errors and model.
    func askLLM(_ context: ExtractionContext, state: inout FillState, route: inout Record.Route) -> (
        errors: [Record.ErrorInfo], model: String?
    ) {
        let pending = spec.fields.filter { state.filled[$0.name] == nil }
        guard let llm, !pending.isEmpty else { return ([], nil) }
        var errors: [Record.ErrorInfo] = []
        let outcome = llm.ask(for: pending, in: context)
        fill(
            &state, with: outcome.candidates, strategy: llm.mode == .spans ? .replacement : .direct, only: pending,
            llm: outcome.provenance)
        for (field, note) in outcome.reasons { state.notes[field] = note }
        if let error = outcome.error {
            errors.append(Record.ErrorInfo(code: error.code, message: error.description))
            for f in pending { state.notes[f.name] = error.code }
        }
        route.llmFields = pending.map(\.name)
        route.llmCalls = outcome.requests
        route.llmCached = outcome.answer?.cached ?? false
        route.llmTokens = outcome.answer?.usage
        return (errors, llm.backend.model)
    }
}
