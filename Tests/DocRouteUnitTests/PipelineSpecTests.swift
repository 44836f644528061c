import DocRouteTestSupport
import Foundation
import Testing

@testable import DocRoute
@testable import DocRouteModel

/// Pipeline specs: the shipped ones load; malformed ones name file, line and key.
@Suite struct PipelineSpecTests {
    @Test func shippedPipelinesLoad() throws {
        let dir = Support.packageRoot.appendingPathComponent("Pipelines").path
        let identity = try PipelineSpec.resolve("identity", directories: [dir])
        #expect(identity.name == "identity")
        #expect(identity.fields.contains { $0.name == "date_of_birth" && $0.type == .date })
        #expect(identity.fields.first { $0.name == "sex" }?.values.map(\.value) == ["F", "M", "X"])
        #expect(!identity.templates.isEmpty)
        let po = try PipelineSpec.resolve("purchase_order", directories: [dir])
        #expect(po.fields.first { $0.name == "total" }?.type == .money)
        #expect(po.fields.first { $0.name == "iban" }?.check == .iban)
    }

    func error(_ yaml: String) -> PipelineSpecError? {
        do { _ = try PipelineSpec.parse(yaml: yaml, file: "bad.yaml"); return nil } catch { return error }
    }

    @Test func malformedSpecsNameLineAndKey() throws {
        let unknownKey = try #require(
            error(
                """
                name: x
                fields:
                  - name: a
                    lables: [A]
                """))
        #expect(unknownKey.line == 4 && unknownKey.key == "fields[0].lables")
        #expect(unknownKey.description.hasPrefix("bad.yaml:4:"))

        let badType = try #require(
            error(
                """
                name: x
                fields:
                  - name: a
                  - name: b
                    type: datum
                """))
        #expect(badType.line == 5 && badType.key == "fields[1].type")
        #expect(badType.message.contains("date"))

        let badRegex = try #require(error("name: x\nfields:\n  - name: a\n    pattern: \"[A-Z\"\n"))
        #expect(badRegex.line == 4 && badRegex.key == "fields[0].pattern")

        let unknownPlaceholder = try #require(
            error(
                """
                name: x
                fields:
                  - name: a
                templates:
                  - id: t
                    text: "A: {{b}}"
                """))
        #expect(unknownPlaceholder.key == "templates[0].text" && unknownPlaceholder.message.contains("{{b}}"))
        #expect(unknownPlaceholder.line == 5)

        let syntax = try #require(error("name: x\nfields: [a\n"))
        #expect(syntax.line >= 2 && syntax.message.contains("invalid YAML"))

        let missing = try #require(error("fields:\n  - name: a\n"))
        #expect(missing.key == "name")

        let enumWithout = try #require(error("name: x\nfields:\n  - name: s\n    type: enum\n"))
        #expect(enumWithout.key == "fields[0].values" && enumWithout.line == 3)

        let routing = try #require(error("name: x\nfields:\n  - name: a\nrouting:\n  pdf: [table, ocr]\n"))
        #expect(routing.key == "routing.pdf[1]" && routing.line == 5)

        let llmKey = try #require(
            error(
                "name: x\nfields:\n  - name: a\nllm:\n  url: http://127.0.0.1:8080/v1\n  model: m\n  api_key_env: sk-12345\n"
            ))
        #expect(llmKey.key == "llm.api_key_env" && llmKey.line == 7)

        let duplicate = try #require(error("name: x\nfields:\n  - name: a\n  - name: a\n"))
        #expect(duplicate.key == "fields[1].name" && duplicate.line == 4)

        let language = try #require(error("name: x\nfields:\n  - name: a\nocr:\n  values: eng fra\n"))
        #expect(language.key == "ocr.values" && language.line == 5)
        let ocrKey = try #require(error("name: x\nfields:\n  - name: a\nocr:\n  language: eng\n"))
        #expect(ocrKey.key == "ocr.language" && ocrKey.line == 5)
    }

    @Test func ocrModelsParse() throws {
        let spec = try PipelineSpec.parse(
            yaml: "name: x\nfields:\n  - name: a\nocr:\n  languages: eng+fra\n  values: Latin\n")
        #expect(spec.ocr == OCRSpec(page: "eng+fra", values: "Latin"))
        let plain = try PipelineSpec.parse(yaml: "name: x\nfields:\n  - name: a\n")
        #expect(plain.ocr == OCRSpec(page: "eng", values: nil))
    }

    @Test func patternsGiveTheirAlphabet() throws {
        // Utopian document numbers: no I, O or Q.
        #expect(try FieldPattern("[A-HJ-NPR-Z0-9]{9}").alphabet == "0123456789ABCDEFGHJKLMNPRSTUVWXYZ")
        #expect(try FieldPattern("PO-\\d{4}-\\d{4}").alphabet == "-0123456789OP")
        #expect(try FieldPattern("[A-Z]{3}").alphabet == "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        // Anything a whitelist cannot express gives none.
        for pattern in ["(AB|CD)", "[^0-9]+", "A.C", "\\w+", "[A-Z"] {
            #expect((try? FieldPattern(pattern))?.alphabet == nil, "\(pattern)")
        }
    }

    @Test func llmAndRoutingSectionsParse() throws {
        let spec = try PipelineSpec.parse(
            yaml: """
                name: x
                fields:
                  - name: a
                    labels: [A]
                routing:
                  order: [direct, table]
                  scanned: [replacement, table]
                llm:
                  url: http://127.0.0.1:8080/v1
                  model: qwen
                  api_key_env: OPENAI_API_KEY
                  timeout: 30
                """)
        #expect(spec.routing.order == [.direct, .table])
        #expect(spec.routing.byKind["scanned"] == [.replacement, .table])
        #expect(
            spec.llm
                == LLMSpec(
                    url: "http://127.0.0.1:8080/v1", model: "qwen", apiKeyEnv: "OPENAI_API_KEY", timeoutSeconds: 30))
    }
}
