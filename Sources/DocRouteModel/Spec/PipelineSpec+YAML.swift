import Foundation
import Yams

/// A pipeline spec that cannot be used, with the file, line and key that say where.
public struct PipelineSpecError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the problem has no position (a missing file).
    public var line: Int
    public var column: Int
    /// The key path, e.g. `fields[2].type`.
    public var key: String
    public var message: String

    public var description: String {
        let position = line > 0 ? ":\(line):\(column)" : ""
        return "\(file)\(position): \(key.isEmpty ? "" : "\(key): ")\(message)"
    }
}

extension PipelineSpec {
    /// Reads the spec in `path`.
    public static func load(path: String) throws(PipelineSpecError) -> PipelineSpec {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PipelineSpecError(
                file: path, line: 0, column: 0, key: "", message: "cannot read: \(error.localizedDescription)")
        }
        return try parse(yaml: text, file: path)
    }

    /// Finds a pipeline by name (`identity` → `Pipelines/identity.yaml` under each of `directories`)
    /// or by path (anything with a slash or a `.yaml`/`.yml` ending).
    public static func resolve(_ nameOrPath: String, directories: [String]) throws(PipelineSpecError) -> PipelineSpec {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml") {
            return try load(path: nameOrPath)
        }
        for dir in directories {
            for ext in ["yaml", "yml"] {
                let candidate = (dir as NSString).appendingPathComponent("\(nameOrPath).\(ext)")
                if FileManager.default.fileExists(atPath: candidate) { return try load(path: candidate) }
            }
        }
        throw PipelineSpecError(
            file: nameOrPath, line: 0, column: 0, key: "",
            message: "no pipeline named \(nameOrPath) in \(directories.joined(separator: ", "))")
    }

    /// Parses a spec from YAML text; `file` names it in errors.
    public static func parse(yaml: String, file: String = "<spec>") throws(PipelineSpecError) -> PipelineSpec {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw SpecReader.yamlError(error, file: file)
        } catch {
            throw PipelineSpecError(file: file, line: 0, column: 0, key: "", message: "\(error)")
        }
        guard let root else {
            throw PipelineSpecError(file: file, line: 1, column: 1, key: "", message: "the spec is empty")
        }
        let r = SpecReader(file: file)
        return try r.pipeline(root)
    }
}

/// Walks the YAML node tree, so that every error can name its line and key.
struct SpecReader {
    let file: String

    func fail(_ node: Node?, _ key: String, _ message: String) -> PipelineSpecError {
        PipelineSpecError(
            file: file, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0, key: key, message: message)
    }

    static func yamlError(_ error: YamlError, file: String) -> PipelineSpecError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return PipelineSpecError(
                file: file, line: mark.line, column: mark.column, key: "", message: "invalid YAML: \(problem)")
        default:
            return PipelineSpecError(file: file, line: 0, column: 0, key: "", message: "invalid YAML: \(error)")
        }
    }

    /// The entries of a mapping, refusing keys not in `allowed` (a misspelt key is an error,
    /// not a silently ignored setting).
    func mapping(_ node: Node, _ key: String, allowed: Set<String>) throws(PipelineSpecError) -> [(String, Node, Node)]
    {
        guard case .mapping(let m) = node else { throw fail(node, key, "expected a mapping") }
        var out: [(String, Node, Node)] = []
        var seen = Set<String>()
        for (k, v) in m {
            guard case .scalar(let s) = k else { throw fail(k, key, "keys must be plain strings") }
            let path = key.isEmpty ? s.string : "\(key).\(s.string)"
            guard allowed.contains(s.string) else {
                throw fail(k, path, "unknown key (expected one of: \(allowed.sorted().joined(separator: ", ")))")
            }
            guard seen.insert(s.string).inserted else { throw fail(k, path, "duplicate key") }
            out.append((s.string, k, v))
        }
        return out
    }

    func string(_ node: Node, _ key: String) throws(PipelineSpecError) -> String {
        guard case .scalar(let s) = node else { throw fail(node, key, "expected a string") }
        return s.string
    }

    func nonEmpty(_ node: Node, _ key: String) throws(PipelineSpecError) -> String {
        let s = try string(node, key).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !s.isEmpty else { throw fail(node, key, "must not be empty") }
        return s
    }

    func bool(_ node: Node, _ key: String) throws(PipelineSpecError) -> Bool {
        switch try string(node, key).lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw fail(node, key, "expected true or false")
        }
    }

    func number(_ node: Node, _ key: String, in range: ClosedRange<Double>) throws(PipelineSpecError) -> Double {
        guard let v = Double(try string(node, key)), range.contains(v) else {
            throw fail(node, key, "expected a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    func list(_ node: Node, _ key: String) throws(PipelineSpecError) -> [Node] {
        switch node {
        case .sequence(let s): return Array(s)
        case .scalar: return [node]  // a single value where a list is expected
        default: throw fail(node, key, "expected a list")
        }
    }

    func strings(_ node: Node, _ key: String) throws(PipelineSpecError) -> [String] {
        var out: [String] = []
        for (i, n) in try list(node, key).enumerated() { out.append(try nonEmpty(n, "\(key)[\(i)]")) }
        return out
    }

    func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ key: String, _: T.Type) throws(PipelineSpecError)
        -> T
    where T.RawValue == String {
        let s = try string(node, key)
        guard let v = T(rawValue: s) else {
            throw fail(node, key, "\"\(s)\" is not one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return v
    }

    func strategies(_ node: Node, _ key: String) throws(PipelineSpecError) -> [StrategyName] {
        var out: [StrategyName] = []
        for (i, n) in try list(node, key).enumerated() {
            let s = try choice(n, "\(key)[\(i)]", StrategyName.self)
            guard StrategyName.allCases.contains(s) else {
                throw fail(
                    n, "\(key)[\(i)]", "\(s.rawValue) is not a routing strategy (one of: table, replacement, direct)")
            }
            guard !out.contains(s) else { throw fail(n, "\(key)[\(i)]", "\(s.rawValue) is listed twice") }
            out.append(s)
        }
        guard !out.isEmpty else { throw fail(node, key, "must list at least one strategy") }
        return out
    }

    func decimal(_ node: Node, _ key: String) throws(PipelineSpecError) -> Character {
        let s = try string(node, key)
        guard s == "." || s == "," else { throw fail(node, key, "expected \".\" or \",\"") }
        return Character(s)
    }

    // MARK: the spec

    func pipeline(_ root: Node) throws(PipelineSpecError) -> PipelineSpec {
        var spec = PipelineSpec(name: "", fields: [], file: file)
        var sawName = false, sawFields = false
        var templateNodes: [Node] = []
        for (key, _, value) in try mapping(
            root, "",
            allowed: [
                "name", "description", "locale", "fields", "templates", "routing", "llm", "review", "ocr", "confidence",
            ])
        {
            switch key {
            case "name":
                spec.name = try nonEmpty(value, key); sawName = true
            case "description":
                spec.description = try string(value, key)
            case "locale":
                for (k, _, v) in try mapping(value, key, allowed: ["date_order", "decimal"]) {
                    if k == "date_order" {
                        spec.dateOrder = try choice(v, "locale.date_order", DateOrder.self)
                    } else {
                        spec.decimalSeparator = try decimal(v, "locale.decimal")
                    }
                }
            case "fields":
                sawFields = true
                guard case .sequence(let seq) = value, !seq.isEmpty else {
                    throw fail(value, key, "expected a non-empty list of fields")
                }
                var names = Set<String>()
                var tableNodes: [Node] = []
                for (i, node) in seq.enumerated() {
                    if node["type"]?.string == "table" {
                        let t = try tableField(node, "fields[\(i)]")
                        guard names.insert(t.name).inserted else {
                            throw fail(node, "fields[\(i)].name", "duplicate field \(t.name)")
                        }
                        spec.tableFields.append(t)
                        tableNodes.append(node)
                        continue
                    }
                    let f = try field(node, "fields[\(i)]")
                    guard names.insert(f.name).inserted else {
                        throw fail(node, "fields[\(i)].name", "duplicate field \(f.name)")
                    }
                    spec.fields.append(f)
                }
                for (t, node) in zip(spec.tableFields, tableNodes) {
                    for name in t.total?.fields ?? [] {
                        guard let other = spec.fields.first(where: { $0.name == name }),
                            [.money, .number, .integer].contains(other.type)
                        else {
                            throw fail(node, "\(t.name).total.fields", "\(name) is not a money or number field")
                        }
                    }
                }
                guard !spec.fields.isEmpty || !spec.tableFields.isEmpty else {
                    throw fail(value, key, "expected a non-empty list of fields")
                }
                for (i, f) in spec.fields.enumerated() {
                    for added in f.sum?.plus ?? [] {
                        guard let other = spec.fields.first(where: { $0.name == added }),
                            [.money, .number, .integer].contains(other.type),
                            added != f.name
                        else {
                            throw fail(seq[i], "fields[\(i)].sum.plus", "\(added) is not another money or number field")
                        }
                    }
                }
            case "templates":
                guard case .sequence(let seq) = value else { throw fail(value, key, "expected a list of templates") }
                for (i, node) in seq.enumerated() {
                    spec.templates.append(try template(node, "templates[\(i)]"))
                    templateNodes.append(node)
                }
            case "routing":
                spec.routing = try routing(value, key)
            case "llm":
                spec.llm = try llm(value, key)
            case "ocr":
                for (k, _, v) in try mapping(value, key, allowed: ["languages", "values"]) {
                    let languages = try tesseractLanguages(v, "ocr.\(k)")
                    if k == "languages" { spec.ocr.page = languages } else { spec.ocr.values = languages }
                }
            case "confidence":
                for (_, _, v) in try mapping(value, key, allowed: ["calibration"]) {
                    spec.calibration = try calibration(v, "confidence.calibration")
                }
            case "review":
                for (_, _, v) in try mapping(value, key, allowed: ["below"]) {
                    spec.reviewBelow = try number(v, "review.below", in: 0...1)
                }
            default: break
            }
        }
        guard sawName else { throw fail(root, "name", "missing: every pipeline needs a name") }
        guard sawFields else { throw fail(root, "fields", "missing: every pipeline needs fields") }
        // Templates may only name fields that exist.
        let known = Set(spec.fields.map(\.name))
        for (i, t) in spec.templates.enumerated() {
            for placeholder in TemplateSpec.placeholders(in: t.text) where !known.contains(placeholder) {
                throw fail(templateNodes[i], "templates[\(i)].text", "placeholder {{\(placeholder)}} names no field")
            }
        }
        return spec
    }

    /// `[[raw, calibrated], ...]`: both in 0...1, raw increasing, calibrated not decreasing.
    func calibration(_ node: Node, _ key: String) throws(PipelineSpecError) -> ConfidenceCalibration {
        var points: [(raw: Double, calibrated: Double)] = []
        for (i, n) in try list(node, key).enumerated() {
            let pair = try list(n, "\(key)[\(i)]")
            guard pair.count == 2 else { throw fail(n, "\(key)[\(i)]", "expected [raw, calibrated]") }
            let x = try number(pair[0], "\(key)[\(i)][0]", in: 0...1),
                y = try number(pair[1], "\(key)[\(i)][1]", in: 0...1)
            if let last = points.last, x <= last.raw || y < last.calibrated {
                throw fail(n, "\(key)[\(i)]", "raw must increase and calibrated must not decrease")
            }
            points.append((x, y))
        }
        guard !points.isEmpty else { throw fail(node, key, "expected at least one [raw, calibrated] point") }
        return ConfidenceCalibration(points: points)
    }

    func field(_ node: Node, _ key: String) throws(PipelineSpecError) -> FieldSpec {
        var f = FieldSpec(name: "")
        var sawName = false
        var valuesNode: Node? = nil
        for (k, _, v) in try mapping(
            node, key,
            allowed: [
                "name", "labels", "type", "pattern", "required", "check", "values", "date_order", "description", "mrz",
                "sum", "occurrence", "position", "section", "after",
            ])
        {
            let path = "\(key).\(k)"
            switch k {
            case "name":
                f.name = try nonEmpty(v, path); sawName = true
                guard f.name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    throw fail(v, path, "field names hold letters, digits and _ only")
                }
            case "labels": f.labels = try strings(v, path)
            case "type": f.type = try choice(v, path, FieldType.self)
            case "pattern":
                let source = try nonEmpty(v, path)
                do { f.pattern = try FieldPattern(source) } catch {
                    throw fail(v, path, "invalid regular expression: \(source)")
                }
            case "required": f.required = try bool(v, path)
            case "check": f.check = try choice(v, path, FieldCheck.self)
            case "values": valuesNode = v; f.values = try enumValues(v, path)
            case "date_order": f.dateOrder = try choice(v, path, DateOrder.self)
            case "description": f.description = try string(v, path)
            case "mrz": f.mrz = try choice(v, path, MRZPart.self)
            case "occurrence": f.occurrence = try choice(v, path, FieldSpec.Occurrence.self)
            case "position": f.position = try choice(v, path, FieldSpec.Position.self)
            case "section": f.section = try strings(v, path)
            case "after": f.after = try strings(v, path)
            case "sum":
                var sum = SumSpec(column: [])
                for (sk, _, sv) in try mapping(v, path, allowed: ["column", "plus"]) {
                    if sk == "column" {
                        sum.column = try strings(sv, "\(path).column")
                    } else {
                        sum.plus = try strings(sv, "\(path).plus")
                    }
                }
                guard !sum.column.isEmpty || !sum.plus.isEmpty else {
                    throw fail(
                        v, "\(path).column", "a sum needs its line items' column headers, or the fields it adds (plus)")
                }
                f.sum = sum
            default: break
            }
        }
        guard sawName else { throw fail(node, "\(key).name", "missing: every field needs a name") }
        if f.type == .enum && f.values.isEmpty {
            throw fail(valuesNode ?? node, "\(key).values", "an enum field needs values")
        }
        if f.type != .enum && !f.values.isEmpty {
            throw fail(valuesNode, "\(key).values", "only enum fields take values")
        }
        if f.sum != nil && ![.money, .number, .integer].contains(f.type) {
            throw fail(node, "\(key).sum", "only money and number fields are sums")
        }
        return f
    }

    /// A field of `type: table`: `columns` (each `{name, labels, type}`), and optionally
    /// `product: {quantity, price, amount, discount}` and `total: {column, fields}`.
    func tableField(_ node: Node, _ key: String) throws(PipelineSpecError) -> TableFieldSpec {
        var t = TableFieldSpec(name: "", columns: [])
        for (k, _, v) in try mapping(
            node, key, allowed: ["name", "type", "columns", "required", "description", "product", "total"])
        {
            let path = "\(key).\(k)"
            switch k {
            case "name":
                t.name = try nonEmpty(v, path)
                guard t.name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    throw fail(v, path, "field names hold letters, digits and _ only")
                }
            case "required": t.required = try bool(v, path)
            case "description": t.description = try string(v, path)
            case "columns":
                for (i, c) in try list(v, path).enumerated() {
                    var column = ColumnSpec(name: "", labels: [])
                    for (ck, _, cv) in try mapping(c, "\(path)[\(i)]", allowed: ["name", "labels", "type"]) {
                        let cpath = "\(path)[\(i)].\(ck)"
                        switch ck {
                        case "name": column.name = try nonEmpty(cv, cpath)
                        case "labels": column.labels = try strings(cv, cpath)
                        default:
                            column.type = try choice(cv, cpath, FieldType.self)
                            guard ColumnSpec.types.contains(column.type) else {
                                throw fail(
                                    cv, cpath,
                                    "a column is one of: \(ColumnSpec.types.map(\.rawValue).joined(separator: ", "))")
                            }
                        }
                    }
                    guard !column.name.isEmpty else { throw fail(c, "\(path)[\(i)].name", "every column needs a name") }
                    guard !column.labels.isEmpty else {
                        throw fail(c, "\(path)[\(i)].labels", "a column needs the header texts that name it")
                    }
                    guard !t.columns.contains(where: { $0.name == column.name }) else {
                        throw fail(c, "\(path)[\(i)].name", "duplicate column \(column.name)")
                    }
                    t.columns.append(column)
                }
            case "product":
                var names: [String: String] = [:]
                for (pk, _, pv) in try mapping(v, path, allowed: ["quantity", "price", "amount", "discount"]) {
                    names[pk] = try nonEmpty(pv, "\(path).\(pk)")
                }
                guard let q = names["quantity"], let p = names["price"], let a = names["amount"] else {
                    throw fail(v, path, "a product check names its quantity, price and amount columns")
                }
                t.product = ProductCheck(quantity: q, price: p, amount: a, discount: names["discount"])
            case "total":
                var column = "", fields: [String] = []
                for (tk, _, tv) in try mapping(v, path, allowed: ["column", "fields"]) {
                    if tk == "column" {
                        column = try nonEmpty(tv, "\(path).column")
                    } else {
                        fields = try strings(tv, "\(path).fields")
                    }
                }
                guard !column.isEmpty, !fields.isEmpty else {
                    throw fail(v, path, "a total check names the column it adds and the fields it may equal")
                }
                t.total = TotalCheck(column: column, fields: fields)
            default: break
            }
        }
        guard !t.name.isEmpty else { throw fail(node, "\(key).name", "missing: every field needs a name") }
        guard t.columns.count >= 2 else {
            throw fail(node, "\(key).columns", "a table field needs two columns or more")
        }
        let numeric = Set(t.columns.filter { [.number, .integer, .money].contains($0.type) }.map(\.name))
        if let p = t.product {
            for n in [p.quantity, p.price, p.amount] + (p.discount.map { [$0] } ?? []) where !numeric.contains(n) {
                throw fail(node, "\(key).product", "\(n) is not a number or money column")
            }
        }
        if let c = t.total?.column, !numeric.contains(c) {
            throw fail(node, "\(key).total.column", "\(c) is not a number or money column")
        }
        return t
    }

    /// `values: [F, M]` or `values: {F: [Female, W], M: [Male]}`.
    func enumValues(_ node: Node, _ key: String) throws(PipelineSpecError) -> [EnumValue] {
        if case .mapping(let m) = node {
            var out: [EnumValue] = []
            for (k, v) in m {
                let name = try nonEmpty(k, key)
                let synonyms: [String]
                if case .scalar(let s) = v, s.string.isEmpty || s.tag.description.hasSuffix("null") {
                    synonyms = []
                } else {
                    synonyms = try strings(v, "\(key).\(name)")
                }
                out.append(EnumValue(name, synonyms: synonyms))
            }
            return out
        }
        return try strings(node, key).map { EnumValue($0) }
    }

    func template(_ node: Node, _ key: String) throws(PipelineSpecError) -> TemplateSpec {
        var t = TemplateSpec(id: "", text: "")
        for (k, _, v) in try mapping(node, key, allowed: ["id", "text", "formats"]) {
            let path = "\(key).\(k)"
            switch k {
            case "id": t.id = try nonEmpty(v, path)
            case "text":
                t.text = try nonEmpty(v, path)
                guard !TemplateSpec.placeholders(in: t.text).isEmpty else {
                    throw fail(v, path, "a template needs at least one {{field}} placeholder")
                }
            case "formats":
                for (i, n) in try list(v, path).enumerated() {
                    t.formats.append(try choice(n, "\(path)[\(i)]", DocumentFormat.self))
                }
            default: break
            }
        }
        guard !t.id.isEmpty else { throw fail(node, "\(key).id", "missing: every template needs an id") }
        guard !t.text.isEmpty else { throw fail(node, "\(key).text", "missing: every template needs text") }
        return t
    }

    func routing(_ node: Node, _ key: String) throws(PipelineSpecError) -> RoutingSpec {
        var r = RoutingSpec()
        for (k, _, v) in try mapping(node, key, allowed: RoutingSpec.kinds.union(["order"])) {
            let path = "\(key).\(k)"
            if k == "order" { r.order = try strategies(v, path) } else { r.byKind[k] = try strategies(v, path) }
        }
        return r
    }

    /// `eng`, `eng+fra`, `Latin`: names of traineddata files joined by `+`.
    func tesseractLanguages(_ node: Node, _ key: String) throws(PipelineSpecError) -> String {
        let s = try nonEmpty(node, key)
        let parts = s.split(separator: "+", omittingEmptySubsequences: false)
        guard
            parts.allSatisfy({ p in
                !p.isEmpty && p.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
            })
        else {
            throw fail(node, key, "expected Tesseract languages such as eng, eng+fra or Latin, not \"\(s)\"")
        }
        return s
    }

    func llm(_ node: Node, _ key: String) throws(PipelineSpecError) -> LLMSpec {
        var url: String?, model: String?
        var spec = LLMSpec(url: "", model: "")
        for (k, _, v) in try mapping(
            node, key,
            allowed: [
                "url", "model", "api_key_env", "timeout", "max_concurrency", "retries", "mode",
                "max_prompt_tokens",
            ])
        {
            let path = "\(key).\(k)"
            switch k {
            case "url":
                let s = try nonEmpty(v, path)
                guard let u = URL(string: s), let scheme = u.scheme, ["http", "https"].contains(scheme), u.host != nil
                else {
                    throw fail(v, path, "expected an http(s) URL")
                }
                url = s
            case "model": model = try nonEmpty(v, path)
            case "api_key_env":
                let s = try nonEmpty(v, path)
                guard s.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    throw fail(v, path, "name an environment variable (the key itself never goes in a spec)")
                }
                spec.apiKeyEnv = s
            case "timeout": spec.timeoutSeconds = try number(v, path, in: 0.1...3600)
            case "max_concurrency": spec.maxConcurrency = Int(try number(v, path, in: 1...256))
            case "retries": spec.retries = Int(try number(v, path, in: 0...20))
            case "mode": spec.mode = try choice(v, path, LLMSpec.Mode.self)
            case "max_prompt_tokens": spec.maxPromptTokens = Int(try number(v, path, in: 32...100_000))
            default: break
            }
        }
        guard let url else { throw fail(node, "\(key).url", "missing") }
        guard let model else { throw fail(node, "\(key).model", "missing") }
        spec.url = url; spec.model = model
        return spec
    }
}
