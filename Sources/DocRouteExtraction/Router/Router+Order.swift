import DocRouteModel

extension Router {
    /// The strategy order for a document of `kind`, and why: the pipeline's routing for the kind,
    /// for images, or its order; else native tables first for DOCX and XLSX, replacement first when
    /// a YAML template matches strongly, labels and columns first otherwise.
    func routeOrder(kind: DocumentKind, document: Document, templates: () -> [TemplateMatch]) -> (
        [StrategyName], String
    ) {
        if let o = spec.routing.byKind[kind.rawValue] { return (o, "pipeline routing for \(kind)") }
        if kind.isImage, let o = spec.routing.byKind["image"] { return (o, "pipeline routing for images") }
        if let o = spec.routing.order { return (o, "pipeline routing order") }
        if kind == .docx || kind == .xlsx {
            return (
                [.table, .replacement, .direct],
                document.tables.isEmpty
                    ? "\(kind): no native table, labels in text first" : "\(kind): native tables first"
            )
        }
        let source = kind == .pdf ? "text layer" : "OCR"
        if !spec.templates.isEmpty, let best = templates().first, best.score >= Self.strongTemplate {
            return (
                [.replacement, .table, .direct],
                "\(kind) (\(source)): template \(best.id) matches \(String(format: "%.2f", best.score)), replacement first"
            )
        }
        return ([.table, .replacement, .direct], "\(kind) (\(source)): labels and columns first")
    }
}
