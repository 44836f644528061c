import DocRouteLLM
import DocRouteModel

extension Router {
    /// Where a value guessed from layout alone was found (no label bore it out): the LLM is
    /// asked for such a field too, and its reading, when valid, replaces the guess.
    static let guesses: Set<String> = ["title", "below_title"]

    /// One LLM call for the fields the cheaper strategies left empty or invalid, or filled by a
    /// layout guess, when the pipeline has an LLM: its readings fill those fields as any
    /// candidate does (a guess the LLM does not replace stays), what it said of the others is
    /// kept as notes, and `route` records the call. Only fields with printed text that could
    /// hold them are asked (`LLMStrategy.scope`). Returns its errors and model.
    func askLLM(_ context: ExtractionContext, state: inout FillState, route: inout Record.Route) -> (
        errors: [Record.ErrorInfo], model: String?
    ) {
        guard let llm else { return ([], nil) }
        let guessed = spec.fields.filter { f in
            state.filled[f.name].map { Self.guesses.contains($0.found ?? "") } ?? false
        }
        let pending = spec.fields.filter { state.filled[$0.name] == nil } + guessed
        guard !pending.isEmpty else { return ([], nil) }
        var errors: [Record.ErrorInfo] = []
        let outcome = llm.ask(for: pending, in: context)
        guard !outcome.asked.isEmpty else { return ([], nil) }
        var kept: [String: (Record.Field, [Record.Field]?)] = [:]
        for f in guessed where outcome.asked.contains(f.name) {
            kept[f.name] = (state.filled[f.name]!, state.others[f.name])
            state.filled[f.name] = nil
        }
        let asked = pending.filter { outcome.asked.contains($0.name) }
        fill(
            &state, with: outcome.candidates, strategy: llm.mode == .spans ? .replacement : .direct, only: asked,
            llm: outcome.provenance)
        for (name, (field, others)) in kept where state.filled[name] == nil {
            state.filled[name] = field
            state.others[name] = others
        }
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
