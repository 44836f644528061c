import DocRouteLLM
import DocRouteModel

extension Router {
    /// One LLM call for the fields the cheaper strategies left empty or invalid, when the
    /// pipeline has an LLM: its readings fill those fields as any candidate does, what it said
    /// of the others is kept as notes, and `route` records the call. Only fields with printed
    /// text that could hold them are asked (`LLMStrategy.scope`). A field the layout filled by
    /// a guess (`title`, `below_title`) is not asked: measured on fields-dev's invoices and on
    /// real receipts, Qwen2.5 0.5B replaced right guesses with customers and headings and set
    /// none right. Returns its errors and model.
    func askLLM(_ context: ExtractionContext, state: inout FillState, route: inout Record.Route) -> (
        errors: [Record.ErrorInfo], model: String?
    ) {
        guard let llm else { return ([], nil) }
        let pending = spec.fields.filter { state.filled[$0.name] == nil }
        guard !pending.isEmpty else { return ([], nil) }
        var errors: [Record.ErrorInfo] = []
        let outcome = llm.ask(for: pending, in: context)
        guard !outcome.asked.isEmpty else { return ([], nil) }
        let asked = pending.filter { outcome.asked.contains($0.name) }
        fill(
            &state, with: outcome.candidates, strategy: llm.mode == .spans ? .replacement : .direct, only: asked,
            llm: outcome.provenance)
        for (field, note) in outcome.reasons where state.filled[field] == nil { state.notes[field] = note }
        if let error = outcome.error {
            errors.append(Record.ErrorInfo(code: error.code, message: error.description))
            for f in asked where state.filled[f.name] == nil { state.notes[f.name] = error.code }
        }
        route.llmFields = outcome.asked
        route.llmCalls = outcome.requests
        route.llmCached = outcome.answer?.cached ?? false
        route.llmTokens = outcome.answer?.usage
        route.llmSeconds = outcome.seconds
        return (errors, llm.backend.model)
    }
}
