import CLeptonica
import DocRouteTestSupport
import Foundation
import Testing

import struct DocRouteModel.Box

@testable import DocRoute
@testable import DocRouteExtraction
@testable import DocRouteModel
@testable import DocRouteReaders

/// Issue 6: preparation of images from their measured properties, machine-readable zones
/// cross-checked with printed fields, calibrated confidence and `needs_review`.
@Suite(.tags(.corpus)) struct ScanAccuracyTests {
    /// A sample card changed by `transform` (leptonica), as PNG bytes at `dpi`.
    static func card(
        _ name: String, dpi: Int32 = 300,
        _ transform: (UnsafeMutablePointer<PIX>) -> UnsafeMutablePointer<PIX>?
    ) throws -> Data {
        let path = Support.identityRoot.appendingPathComponent("png/\(name)").path
        let pix = try #require(pixRead(path))
        var source: UnsafeMutablePointer<PIX>? = pix
        defer { pixDestroy(&source) }
        var changed: UnsafeMutablePointer<PIX>? = .some(try #require(transform(pix)))
        defer { pixDestroy(&changed) }
        pixSetResolution(changed, dpi, dpi)
        var bytes: UnsafeMutablePointer<UInt8>? = nil
        var size = 0
        #expect(pixWriteMem(&bytes, &size, changed, Int32(IFF_PNG)) == 0)
        defer { free(bytes) }
        return Data(bytes: try #require(bytes), count: size)
    }

    static func truth(_ file: String) throws -> [String: FieldValue] {
        try #require(
            try Evaluation.loadTruth(path: Support.identityRoot.appendingPathComponent("truth.jsonl").path)
                .first { $0.file == file }
        ).fields
    }

    static func record(_ data: Data, name: String) throws -> Record {
        let pipeline = try Support.pipeline("identity")
        let rasters = PageRasters()
        let clock = OCRClock()
        let document = try pipeline.reader.read(data: data, path: name, clock: clock, rasters: rasters)
        let reader = RegionReader(
            pool: pipeline.values, rasters: rasters, deadline: Deadline(seconds: 60), clock: clock)
        return try #require(
            pipeline.records(
                for: document, readMs: 0, clock: clock, reread: reader,
                start: DispatchTime.now().uptimeNanoseconds
            ).first)
    }

    // MARK: preparation

    @Test(arguments: [(2, "rotate 180°"), (1, "rotate 270°"), (3, "rotate 90°")])
    func turnedScansAreReadUpright(quarters: Int32, step: String) throws {
        // The card turned by `quarters` clockwise; reading it back needs the opposite turn.
        let data = try Self.card("card-person05-clean.png") { pixRotateOrth($0, quarters) }
        let r = try Self.record(data, name: "turned.png")
        #expect(r.source.preprocessing?.first?.contains(step) == true, "\(String(describing: r.source.preprocessing))")
        let truth = try Self.truth("png/card-person05-clean.png")
        for name in ["surname", "document_number", "date_of_birth"] {
            #expect(r.fields[name]?.value == truth[name], "\(name)")
        }
    }

    @Test func aClearlySkewedImageIsDeskewedAndASmallSkewIsLeftToTesseract() throws {
        let skewed = try Self.card("card-person07-clean.png") {
            pixRotate($0, 3.5 * .pi / 180, Int32(L_ROTATE_AREA_MAP), Int32(L_BRING_IN_WHITE), 0, 0)
        }
        let r = try Self.record(skewed, name: "skewed.png")
        let steps = try #require(r.source.preprocessing?.first)
        let deskew = try #require(steps.first { $0.hasPrefix("deskew") }, "\(steps)")
        // Leptonica reports the skew to correct: about 3.5° the other way.
        let angle = try #require(Double(deskew.dropFirst("deskew ".count).dropLast()))
        #expect(abs(abs(angle) - 3.5) < 0.5, "\(deskew)")
        #expect(
            r.fields["document_number"]?.value == (try Self.truth("png/card-person07-clean.png"))["document_number"])

        let slight = try Self.card("card-person07-clean.png") {
            pixRotate($0, 0.6 * .pi / 180, Int32(L_ROTATE_AREA_MAP), Int32(L_BRING_IN_WHITE), 0, 0)
        }
        let s = try Self.record(slight, name: "slight.png")
        #expect(s.source.preprocessing?.first?.contains { $0.hasPrefix("deskew") } == false)
    }

    @Test func lowResolutionIsEnlargedAndFadedUnevenPrintNormalised() throws {
        // 150 dpi: enlarged to 300.
        let small = try Self.card("card-person09-clean.png", dpi: 150) { pixScale($0, 0.5, 0.5) }
        let r = try Self.record(small, name: "small.png")
        #expect(
            r.source.preprocessing?.first?.contains("upscale ×2.00") == true,
            "\(String(describing: r.source.preprocessing))")
        #expect(r.fields["surname"]?.value == (try Self.truth("png/card-person09-clean.png"))["surname"])

        // A clean card needs nothing.
        let clean = try Self.record(
            try Data(contentsOf: Support.identityRoot.appendingPathComponent("png/card-person09-clean.png")),
            name: "clean.png")
        #expect(clean.source.preprocessing == [[]])

        // Measured properties of a faded, unevenly lit card.
        let pix = try #require(pixRead(Support.identityRoot.appendingPathComponent("png/card-person09-clean.png").path))
        var p: UnsafeMutablePointer<PIX>? = pix
        defer { pixDestroy(&p) }
        let faded = try #require(pixGammaTRC(nil, pix, 1, -600, 255))  // ink lifted to ~180
        var f: UnsafeMutablePointer<PIX>? = faded
        defer { pixDestroy(&f) }
        let props = ImageProperties.measure(faded, dpi: 300)
        #expect(props.contrast < ImagePreprocessor.Level.light.minContrast)
        let prepared = try #require(ImagePreprocessor().prepare(faded, dpi: 300))
        #expect(prepared.steps.contains { $0.hasPrefix("contrast") }, "\(prepared.steps)")
        #expect(ImageProperties.measure(prepared.pix, dpi: 300).contrast > props.contrast + 80)
    }

    /// Boxes closed all round by ruling lines are found; one that holds ink and no recognised
    /// word is to be read again, one holding a word's centre or no ink is not, nor an area the
    /// lines leave open at the image's edge.
    @Test func emptyRuledBoxesAreFound() throws {
        let pix = try #require(pixCreate(1000, 500, 8))
        defer { Leptonica.destroy(pix) }
        pixSetAllArbitrary(pix, 255)
        // Two boxes of 2-pixel lines side by side, and a line across the bottom.
        for x0: Int32 in [50, 520] {
            pixClearInRect(pix, boxCreate(x0, 50, 420, 2)); pixClearInRect(pix, boxCreate(x0, 250, 420, 2))
            pixClearInRect(pix, boxCreate(x0, 50, 2, 202)); pixClearInRect(pix, boxCreate(x0 + 418, 50, 2, 202))
        }
        pixClearInRect(pix, boxCreate(0, 400, 1000, 2))
        // Print in each box (a letter 20 × 30), and under the bottom line.
        pixClearInRect(pix, boxCreate(100, 150, 20, 30)); pixClearInRect(pix, boxCreate(600, 150, 20, 30))
        pixClearInRect(pix, boxCreate(100, 440, 20, 30))
        let read = [DocRouteModel.Box(x0: 590, y0: 140, x1: 640, y1: 190)]
        let found = RuledBoxes.empty(in: pix, words: read, minWidth: 60, minHeight: 30)
        #expect(found.count == 1)
        #expect(
            found.first.map { $0.x0 > 50 && $0.x0 < 60 && $0.x1 > 460 && $0.x1 < 470 && $0.y0 > 50 && $0.y1 < 250 }
                == true, "\(found)")
        // The same boxes without print: nothing to read again.
        pixSetInRect(pix, boxCreate(100, 150, 20, 30))
        #expect(RuledBoxes.empty(in: pix, words: read, minWidth: 60, minHeight: 30).isEmpty)
    }

    /// Marks of a letter's height in a row, outside every word read, are a line to read
    /// again, also inside a dashed frame; a row read already, a dashed frame alone, a ruling
    /// line and a blot taller than print are not.
    @Test func unreadLinesAreFound() throws {
        let pix = try #require(pixCreate(1000, 600, 8))
        defer { Leptonica.destroy(pix) }
        pixSetAllArbitrary(pix, 255)
        func ink(_ x: Int32, _ y: Int32, _ w: Int32, _ h: Int32) { pixClearInRect(pix, boxCreate(x, y, w, h)) }
        // A dashed frame (dashes 8 × 2, gaps 6) round five letters 14 × 20, 6 apart.
        for x in stride(from: Int32(100), to: 400, by: 14) { ink(x, 80, 8, 2); ink(x, 140, 8, 2) }
        for y in stride(from: Int32(80), to: 142, by: 14) { ink(100, y, 2, 8); ink(398, y, 2, 8) }
        for i in Int32(0)..<5 { ink(150 + i * 20, 100, 14, 20) }
        // A row of letters read already, a dashed frame with nothing in it, a rule, a blot.
        for i in Int32(0)..<5 { ink(600 + i * 20, 100, 14, 20) }
        for x in stride(from: Int32(100), to: 400, by: 14) { ink(x, 300, 8, 2); ink(x, 360, 8, 2) }
        ink(50, 450, 900, 3)
        ink(600, 300, 120, 120)
        let read = [DocRouteModel.Box(x0: 598, y0: 98, x1: 700, y1: 122)]
        let found = UnreadLines.find(in: pix, words: read, height: 20)
        #expect(found.count == 1, "\(found)")
        #expect(found.first.map { $0.x0 == 150 && $0.x1 == 244 && $0.y0 == 100 && $0.y1 == 120 } == true, "\(found)")
        // Read: nothing left.
        let all = read + [DocRouteModel.Box(x0: 150, y0: 100, x1: 244, y1: 120)]
        #expect(UnreadLines.find(in: pix, words: all, height: 20).isEmpty)
    }

    /// Light falling across a card, its paper going from grey (140) at the top to light grey
    /// (195) at the bottom with the print at 40 % of the paper: one global threshold turns the
    /// upper paper black, so the background is normalised first and every field is read.
    @Test func lightFallingAcrossACardIsEvenedOut() throws {
        let data = try Self.card("card-person09-clean.png") { source in
            guard let grey = pixConvertTo8(source, 0) else { return nil }
            let w = pixGetWidth(grey), h = pixGetHeight(grey)
            for y in 0..<h {
                let paper = 140 + 55 * Double(y) / Double(h)
                for x in 0..<w {
                    var v: UInt32 = 0
                    pixGetPixel(grey, x, y, &v)
                    pixSetPixel(grey, x, y, UInt32(paper * (0.4 + 0.6 * Double(v) / 255)))
                }
            }
            return grey
        }
        let r = try Self.record(data, name: "lit.png")
        #expect(
            r.source.preprocessing?.first?.contains("background") == true,
            "\(String(describing: r.source.preprocessing))")
        let truth = try Self.truth("png/card-person09-clean.png")
        for name in ["surname", "given_names", "date_of_birth", "document_number"] {
            #expect(r.fields[name]?.value == truth[name], "\(name)")
        }
    }

    /// An A4 page (300 dpi, 8-bit grey) with the sample card `name` laid on it at `at` pixels,
    /// the card first changed by `transform`, the page then by `page`; as an image-only PDF.
    static func scan(
        _ name: String, at: (x: Int32, y: Int32),
        _ transform: (UnsafeMutablePointer<PIX>) -> UnsafeMutablePointer<PIX>?,
        page: (UnsafeMutablePointer<PIX>) -> UnsafeMutablePointer<PIX>? = { pixCopy(nil, $0) }
    ) throws -> (pdf: Data, card: DocRouteModel.Box) {
        var source: UnsafeMutablePointer<PIX>? = .some(
            try #require(pixRead(Support.identityRoot.appendingPathComponent("png/\(name)").path)))
        defer { pixDestroy(&source) }
        var grey: UnsafeMutablePointer<PIX>? = .some(try #require(pixConvertTo8(source, 0)))
        defer { pixDestroy(&grey) }
        var card: UnsafeMutablePointer<PIX>? = .some(try #require(transform(grey!)))
        defer { pixDestroy(&card) }
        var a4: UnsafeMutablePointer<PIX>? = .some(try #require(pixCreate(2480, 3508, 8)))
        defer { pixDestroy(&a4) }
        pixSetAllArbitrary(a4, 255)
        let w = pixGetWidth(card), h = pixGetHeight(card)
        #expect(pixRasterop(a4, at.x, at.y, w, h, PIX_SRC, card, 0, 0) == 0)
        var out: UnsafeMutablePointer<PIX>? = .some(try #require(page(a4!)))
        defer { pixDestroy(&out) }
        var bytes: UnsafeMutablePointer<UInt8>? = nil
        var size = 0
        #expect(pixWriteMemPdf(&bytes, &size, out, 300, nil as UnsafePointer<CChar>?) == 0)
        defer { free(bytes) }
        let points = 72.0 / 300
        let x0 = Double(at.x) * points, y0 = Double(at.y) * points
        let placed = DocRouteModel.Box(x0: x0, y0: y0, x1: x0 + Double(w) * points, y1: y0 + Double(h) * points)
        return (Data(bytes: try #require(bytes), count: size), placed)
    }

    @Test(arguments: [0, 2])
    func aGreyNoisyCardScannedOntoA4IsReadWhereItLies(quarters: Int32) throws {
        // Grey card (print 70, paper 175) with noise, on white paper; the page perhaps fed upside
        // down. Read whole, Tesseract takes such a card for a picture and reads nothing of it.
        let greyNoisy: (UnsafeMutablePointer<PIX>) -> UnsafeMutablePointer<PIX>? = { card in
            guard let faded = pixGammaTRC(nil, card, 1, -160, 440) else { return nil }
            defer { Leptonica.destroy(faded) }
            return pixAddGaussianNoise(faded, 12)
        }
        let turn: (UnsafeMutablePointer<PIX>) -> UnsafeMutablePointer<PIX>? = { pixRotateOrth($0, quarters) }
        let (pdf, card) = try Self.scan("card-person05-clean.png", at: (500, 700), greyNoisy, page: turn)
        let r = try Self.record(pdf, name: "a4.pdf")
        let truth = try Self.truth("png/card-person05-clean.png")
        for name in ["surname", "given_names", "document_number", "date_of_birth", "date_of_expiry"] {
            #expect(r.fields[name]?.value == truth[name], "\(name): \(String(describing: r.fields[name]))")
        }
        // Boxes are on the page (points), where the card lies once the page is upright.
        let box = try #require(r.fields["surname"]?.box)
        let inside = box.x0 > card.x0 && box.x1 < card.x1 && box.y0 > card.y0 && box.y1 < card.y1
        #expect(inside, "\(box) not in \(card)")
        #expect(r.source.preprocessing?.first?.contains("rotate 180°") == (quarters == 2))
    }

    @Test func printSmallerThanItsResolutionSaysIsReadEnlarged() throws {
        // A card shrunk to 0.55 but still said to be 300 dpi: its capitals are ~12 px high.
        let small = try Self.card("card-person09-clean.png") { pixScale($0, 0.55, 0.55) }
        let r = try Self.record(small, name: "small.png")
        let steps = try #require(r.source.preprocessing?.first)
        #expect(steps.contains { $0.hasPrefix("upscale") }, "\(steps)")
        let truth = try Self.truth("png/card-person09-clean.png")
        for name in ["surname", "document_number"] { #expect(r.fields[name]?.value == truth[name], "\(name)") }
    }

    @Test func aPageTurnedAQuarterMovesItsPartsWithIt() {
        // A 100 × 200 page, a 30 × 40 part at (10, 20): where it stands once the page is turned.
        let part = (x: 10.0, y: 20.0), size = (w: 30.0, h: 40.0), page = (w: 100.0, h: 200.0)
        #expect(PageRecognizer.turned(part, size: size, page: page, turns: 0) == (10, 20))
        #expect(PageRecognizer.turned(part, size: size, page: page, turns: 1) == (140, 10))
        #expect(PageRecognizer.turned(part, size: size, page: page, turns: 2) == (60, 140))
        #expect(PageRecognizer.turned(part, size: size, page: page, turns: 3) == (20, 60))
    }

    @Test func contentIsFoundAndACardTellsItselfFromPrint() throws {
        var page: UnsafeMutablePointer<PIX>? = .some(try #require(pixCreate(600, 800, 8)))
        defer { pixDestroy(&page) }
        pixSetAllArbitrary(page, 255)
        #expect(ImageProperties.content(of: page!) == nil)
        // A grey card: solid; its box exactly.
        var card: UnsafeMutablePointer<PIX>? = .some(try #require(pixCreate(200, 120, 8)))
        defer { pixDestroy(&card) }
        pixSetAllArbitrary(card, 160)
        pixRasterop(page, 100, 150, 200, 120, PIX_SRC, card, 0, 0)
        let found = try #require(ImageProperties.content(of: page!))
        #expect(found.solid && found.box == DocRouteModel.Box(x0: 100, y0: 150, x1: 300, y1: 270))
        // Lines of print on white: not solid; a lone speck is not content.
        var text: UnsafeMutablePointer<PIX>? = .some(try #require(pixCreate(600, 800, 8)))
        defer { pixDestroy(&text) }
        pixSetAllArbitrary(text, 255)
        var line: UnsafeMutablePointer<PIX>? = .some(try #require(pixCreate(150, 3, 8)))
        defer { pixDestroy(&line) }
        pixSetAllArbitrary(line, 0)
        for y: Int32 in [200, 220, 240] { pixRasterop(text, 50, y, 150, 3, PIX_SRC, line, 0, 0) }
        pixSetPixel(text, 500, 700, 0)
        let print = try #require(ImageProperties.content(of: text!))
        #expect(!print.solid && print.box == DocRouteModel.Box(x0: 50, y0: 200, x1: 200, y1: 243))
    }

    // MARK: machine-readable zone

    @Test func aVerifiedZoneConfirmsCorrectsAndFillsPrintedFields() throws {
        let pipeline = try Support.pipeline("identity")
        // Agreement: every mapped field confirmed; dates at least as sure as the zone.
        let agree = try #require(
            pipeline.records(
                for: Support.card(
                    number: "D23145890", birth: "12.08.1974", surname: "ERIKSSON",
                    zone: Support.specimenZone)
            ).first)
        #expect(agree.fields["document_number"]?.checks["mrz"] == .agrees)
        #expect(agree.fields["date_of_birth"]?.checks["mrz"] == .agrees)
        #expect(agree.fields["surname"]?.checks["mrz"] == .agrees)
        #expect(agree.json().contains("\"checks\":{\"mrz\":\"agrees\"}"))

        // A misread printed number (8 for 3) fails the zone's check digit: the zone's is taken.
        let wrong = try #require(
            pipeline.records(
                for: Support.card(
                    number: "D28145890", birth: "12.08.1974", surname: "ERIKSSON",
                    zone: Support.specimenZone)
            ).first)
        let number = try #require(wrong.fields["document_number"])
        #expect(number.value == .string("D23145890"))
        #expect(number.strategy == .mrz && number.checks["mrz"] == .corrected)
        #expect(wrong.warnings.contains { $0.contains("D28145890") })

        // Missing printed number: filled from the zone. A name that differs is kept as printed.
        let missing = try #require(
            pipeline.records(
                for: Support.card(
                    number: nil, birth: "12.08.1974", surname: "ERIKSON",
                    zone: Support.specimenZone)
            ).first)
        #expect(missing.fields["document_number"]?.value == .string("D23145890"))
        #expect(missing.fields["document_number"]?.checks["mrz"] == .filled)
        #expect(missing.fields["surname"]?.value == .string("ERIKSON"))
        #expect(missing.fields["surname"]?.checks["mrz"] == .disagrees)

        // A zone whose check digits fail (birth date misread) is not used at all.
        var broken = Support.specimenZone
        broken[1] = "7408132F1204159UTO<<<<<<<<<<<6"
        let unused = try #require(
            pipeline.records(
                for: Support.card(
                    number: "D28145890", birth: "12.08.1974", surname: "ERIKSSON",
                    zone: broken)
            ).first)
        #expect(unused.fields["document_number"]?.value == .string("D28145890"))
        #expect(unused.fields.values.allSatisfy { $0.checks.isEmpty })
        #expect(unused.warnings.contains { $0.contains("do not verify") })
    }

    @Test func theCheckDigitDecidesOnlyWhatItCanTell() throws {
        let zone = try #require(MRZ(Support.specimenZone.joined(separator: "\n")))
        // 3 → 8 changes the digit; 6 → G does not (G counts 16): the digit cannot tell them.
        #expect(zone.checkDigitAccepts("D28145890", for: .documentNumber) == false)
        #expect(
            Router.reconcile(printed: "D28145890", zone: "D23145890", part: .documentNumber, mrz: zone) == "D23145890")
        #expect(Router.reconcile(printed: "D23145890", zone: "D2314589A", part: .documentNumber, mrz: zone) == nil)
        #expect(zone.checkDigitAccepts("1974-08-12", for: .birthDate) == true)
        #expect(zone.value(.birthDate) == "1974-08-12" && zone.value(.expiryDate) == "2012-04-15")
        #expect(Router.same(.string("MÜLLER"), .string("MUELLER"), name: true))
        #expect(Router.same(.string("ØSTERGÅRD"), .string("OSTERGARD"), name: true))
        #expect(!Router.same(.string("ERIKSON"), .string("ERIKSSON"), name: true))
    }

    @Test func fillerReadAsLettersIsRestoredButANameEndingInThemIsNot() throws {
        func padded(_ s: String) -> String { s + String(repeating: "<", count: 30 - s.count) }
        // Line model misreadings of long filler runs: c, e, g, K.
        let misread = [
            "I<UTOD231458907<<cccceccceKK<<", "7408122F1204159UTO<<<ccccccg<6", "ERIKSSON<<ANNA<MARIA<<<cceccK<",
        ]
        let zone = try #require(MRZ.repaired(misread.joined(separator: "\n")))
        #expect(zone.isValid, "\(zone.failedChecks)")
        #expect(zone.lines == Support.specimenZone)
        // A name that ends in those letters keeps them.
        let elke = padded("ERIKSSON<<ELKE")
        let named = try #require(
            MRZ.repaired([Support.specimenZone[0], Support.specimenZone[1], elke].joined(separator: "\n")))
        #expect(named.lines[2] == elke)
    }

    @Test func fillerReadAsALetterInsideNamesIsSettledByThePrintedNames() throws {
        // Every filler of the names line read as K, the separators too.
        let misread = [Support.specimenZone[0], Support.specimenZone[1], "ERIKSSONKKANNAKMARIAKKKKKKKKKK"]
        let zone = try #require(MRZ.repaired(misread.joined(separator: "\n")))
        #expect(zone.isValid && zone.namesFiller == "K" && zone.lines[2] == "ERIKSSONKKANNAKMARIA<<<<<<<<<<")
        let named = zone.confirmingNames(["SURNAME", "ERIKSSON", "GIVEN", "NAMES", "ANNA", "MARIA"])
        #expect(named.surname == "ERIKSSON" && named.givenNames == "ANNA MARIA" && !named.namesDoubtful)
        #expect(named.lines[2] == Support.specimenZone[2])
        // Nothing printed to tell a K from filler: the names are not taken.
        #expect(zone.confirmingNames(["SURNAME"]).namesDoubtful)

        // Through the pipeline: the printed given names are confirmed, not contradicted.
        let record = try #require(
            try Support.pipeline("identity").records(
                for: Support.card(
                    number: "D23145890", birth: "12.08.1974",
                    surname: "ERIKSSON", zone: misread)
            ).first)
        #expect(record.fields["given_names"]?.value == .string("ANNA MARIA"))
        #expect(record.fields["given_names"]?.checks["mrz"] == .agrees)
        #expect(record.fields["surname"]?.checks["mrz"] == .agrees)
    }

    @Test func aSwappedZoneNumberCountsAsReadWhenThePrintedNumberReadsItSo() throws {
        var lines = Support.specimenZone
        lines[0] = "I<UTOD2314589O7<<<<<<<<<<<<<<<"  // 0 read as O in the zone
        let zone = try #require(MRZ.repaired(lines.joined(separator: "\n")))
        #expect(zone.isValid && zone.numberSwapped == [8] && zone.value(.documentNumber) == "D23145890")
        #expect(!Router.guessed(zone, printed: "D23145890"))
        #expect(Router.guessed(zone, printed: "D2314589Q"))
        #expect(Router.guessed(zone, printed: nil))
        // Not a guess: the digit corrects a printed character the swap did not touch; a guess
        // corrects nothing.
        #expect(
            Router.reconcile(printed: "D28145890", zone: "D23145890", part: .documentNumber, mrz: zone) == "D23145890")
        #expect(Router.reconcile(printed: "D2814589Q", zone: "D23145890", part: .documentNumber, mrz: zone) == nil)
    }

    @Test func aLoneQuoteAtAValuesEndIsASpeck() {
        #expect(FieldValidator.clean("\"ERIK") == "ERIK")
        #expect(FieldValidator.clean("ERIK ”") == "ERIK")
        #expect(FieldValidator.clean("\"Bob\" SMITH") == "\"Bob\" SMITH")
        #expect(FieldValidator.clean("\"") == "\"")
    }

    // MARK: totals

    /// Words laid out as printed lines; `columns` puts each word at its x (points).
    static func printed(_ lines: [[(String, Double)]]) -> Document {
        var words: [TextSpan] = []
        for (l, line) in lines.enumerated() {
            for (text, x) in line {
                let width = Double(text.count) * 6, top = Double(l) * 14
                let box = DocRouteModel.Box(x0: x, y0: top, x1: x + width, y1: top + 10)
                words.append(TextSpan(text: text, box: box, confidence: nil, line: l, block: 0, order: words.count))
            }
        }
        let page = Page(index: 0, width: 595, height: 842, unit: .pt, origin: .textLayer, words: words)
        return Document(
            source: Document.Source(path: "po.pdf", sha256: "", format: .pdf, bytes: 0), pages: [page], tables: [])
    }

    static func order(total: String?, tax: String = "30.00") -> Document {
        var lines: [[(String, Double)]] = [
            [("Item", 40), ("Description", 100), ("Amount", 400)],
            [("A-100", 40), ("Steel", 100), ("bolts", 140), ("225.00", 404)],
            [("B-220", 40), ("Washers", 100), ("1,080.00", 398)],
            [("Tax:", 300), (tax, 410)],
        ]
        if let total { lines.append([("Total:", 300), ("EUR", 370), (total, 398)]) }
        return printed(lines)
    }

    @Test func aTotalIsCheckedAgainstItsLineItemsAndTax() throws {
        let spec = try PipelineSpec.parse(
            yaml: """
                name: po
                fields:
                  - {name: tax, labels: [Tax], type: money}
                  - name: total
                    labels: [Total]
                    type: money
                    sum: {column: [Amount, Line total], plus: [tax]}
                """)
        let router = Router(spec: spec)
        // 225.00 + 1,080.00 + 30.00 tax = 1,335.00.
        let agrees = try #require(router.extract(Self.order(total: "1,335.00")).first).fields["total"]
        #expect(agrees?.checks["sum"] == .agrees && agrees?.value == .number(Decimal(string: "1335")!))
        let misread = try #require(router.extract(Self.order(total: "1,385.00")).first)
        #expect(misread.fields["total"]?.checks["sum"] == .disagrees)
        #expect(misread.fields["total"]?.value == .number(Decimal(string: "1385")!))
        #expect(misread.warnings.contains { $0.contains("not the sum") })
        let missing = try #require(router.extract(Self.order(total: nil)).first).fields["total"]
        #expect(missing?.checks["sum"] == .filled && missing?.strategy == .sum)
        #expect(missing?.value == .number(Decimal(string: "1335")!))
        // Without the tax, nothing can be said.
        let untaxed = try #require(router.extract(Self.order(total: "1,335.00", tax: "n/a")).first).fields["total"]
        #expect(untaxed?.checks.isEmpty == true)
        // A declared sum must name money or number fields.
        #expect(throws: PipelineSpecError.self) {
            try PipelineSpec.parse(
                yaml: "name: x\nfields:\n  - {name: total, type: money, sum: {column: [Amount], plus: [nope]}}")
        }
    }

    @Test func aNativeTablesColumnIsSummedUpToItsTotalRow() throws {
        let rows = [["Item", "Amount"], ["A-100", "225.00"], ["B-220", "1,080.00"], ["Total", "1,305.00"]]
        var cells: [Cell] = []
        for (r, row) in rows.enumerated() {
            for (c, text) in row.enumerated() { cells.append(Cell(row: r, column: c, text: text)) }
        }
        let table = Table(page: 0, rowCount: rows.count, columnCount: 2, cells: cells)
        let document = Document(
            source: Document.Source(path: "po.xlsx", sha256: "", format: .xlsx, bytes: 0), pages: [], tables: [table])
        let column = LineItemColumn(headers: ["Amount"], stop: ["Total"], numbers: NumberNormalizer())
        #expect(column.amounts(in: document, layout: TextLayout(document)) == [Decimal(225), Decimal(1080)])
        // An entry that is not a number: no sum.
        var unreadable = table
        unreadable.cells[3].text = "22S.OO"
        let bad = Document(source: document.source, pages: [], tables: [unreadable])
        #expect(column.amounts(in: bad, layout: TextLayout(bad)) == nil)
    }

    @Test func aSampleOrdersTotalAgreesWithItsLineItems() throws {
        let spec = try PipelineSpec.resolve(
            "purchase_order", directories: [Support.packageRoot.appendingPathComponent("Pipelines").path])
        let pipeline = Pipeline(spec: spec, reader: Support.reader)
        let path = Support.packageRoot.appendingPathComponent("Samples/documents/purchase-order.pdf").path
        let total = try #require(pipeline.process(path: path).first).fields["total"]
        #expect(total?.checks["sum"] == .agrees, "\(String(describing: total))")
    }

    // MARK: confidence

    @Test func calibrationIsFittedFromLabelledOutcomes() throws {
        // Right answers above 0.8, half right around 0.5, wrong below 0.3.
        var outcomes: [(raw: Double, correct: Bool)] = []
        for i in 0..<200 { outcomes.append((0.8 + Double(i % 20) / 100, true)) }
        for i in 0..<40 { outcomes.append((0.45 + Double(i % 10) / 100, i % 2 == 0)) }
        for i in 0..<20 { outcomes.append((0.1 + Double(i % 10) / 50, false)) }
        let c = ConfidenceCalibration.fit(outcomes)
        let ys = c.points.map(\.calibrated)
        #expect(ys == ys.sorted(), "monotone: \(c.points)")
        #expect(c.apply(0.95) > 0.98)
        #expect(abs(c.apply(0.5) - 0.5) < 0.15)
        #expect(c.apply(0.15) < 0.2)
        #expect(c.apply(0) == 0)

        // The evaluation's reliability table, before and after such a mapping.
        var e = Evaluation(pipeline: "t", documents: 0, records: 0)
        e.outcomes = outcomes.enumerated().map {
            Evaluation.Outcome(raw: $1.raw, correct: $1.correct, kind: $0 % 2 == 0 ? "png" : "pdf")
        }
        #expect(e.reliability.reduce(0) { $0 + $1.fields } == 260)
        // Per kind and overall: the share right among sure values, the share of right values sure.
        #expect(e.confidence(kind: nil).sure == 100 && e.confidence(kind: nil).sureAccuracy == 1)
        #expect(e.confidence(kind: "png").values + e.confidence(kind: "pdf").values == 260)
        #expect(abs(e.confidence(kind: nil).sureCoverage - 100.0 / 220) < 1e-9)
        let sure = e.reliability.filter { $0.lower >= 0.9 }
        #expect(sure.reduce(0) { $0 + $1.fields } == 100 && sure.reduce(0) { $0 + $1.correct } == 100)
        let after = e.recalibrated(by: c)
        #expect(after.sureAccuracy == 1)
        #expect(after.outcomes.filter { !$0.correct }.allSatisfy { $0.raw < Evaluation.sure })
    }

    /// A seed no fit or tuning has used (identity's calibration was fitted on Samples/identity
    /// and the sets of seeds 4242 and 4243; docs/extraction.md, "Confidence").
    static let heldOutSeed = 61807

    @Test func calibrationKeepsSureValuesRightOnCardsItWasNotFittedOn() throws {
        // A fresh degraded set made now (Samples/make-identity-fresh.py, Pillow): the shipped
        // calibration is judged on values it never saw. Issue 21's bar: values at 0.9 or more
        // are right at least 97 % of the time.
        let dir = try Support.generated("make-identity-fresh.py", seed: Self.heldOutSeed, ["40"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let truth = try Evaluation.loadTruth(path: dir.appendingPathComponent("truth.jsonl").path)
        #expect(truth.count == 40)
        let pipeline = try Support.pipeline("identity")
        #expect(pipeline.spec.calibration != nil && pipeline.spec.reviewBelow == 0.9)
        let e = Evaluation.run(directory: dir.path, truth: truth, runner: BatchRunner(pipeline: pipeline, jobs: 2))
        let sure = e.outcomes.filter { $0.raw >= Evaluation.sure }
        print(
            "held-out calibration (seed \(Self.heldOutSeed)): \(e.outcomes.count) valid values, \(sure.count) at ≥ 0.9, "
                + "\(sure.filter(\.correct).count) of them right (\(String(format: "%.4f", e.sureAccuracy))); F1 \(String(format: "%.4f", e.overall.f1))"
        )
        #expect(e.outcomes.count >= 200)
        #expect(sure.count >= e.outcomes.count / 2, "most values should be sure on these cards")
        #expect(e.sureAccuracy >= 0.97, "\(e.sureButWrong)")
    }

    @Test func anUnsureValueSendsTheDocumentToReviewAndIsListed() throws {
        var spec = try Support.pipeline("identity").spec
        let pipeline = Pipeline(spec: spec, reader: Support.reader)
        let document = Support.card(
            number: "D23145890", birth: "12.08.1974", surname: "ERIKSSON", zone: [], confidence: 0.99)
        let sure = try #require(pipeline.records(for: document).first)
        // Every value sure: ok, nothing listed.
        #expect(sure.status == .ok && sure.review == nil, "\(String(describing: sure.review))")

        // One optional value read unsurely: `ok` means every value given is sure, so review.
        var optional = document
        optional.pages[0].words = optional.pages[0].words.map { w in
            var w = w
            if w.text == "UTO" && w.line == 4 { w.confidence = 0.3 }
            return w
        }
        let o = try #require(pipeline.records(for: optional).first)
        #expect(pipeline.spec.fields.first { $0.name == "nationality" }?.required == false)
        #expect(
            o.status == .needsReview && o.review?.keys.sorted() == ["nationality"], "\(String(describing: o.review))")
        #expect(o.review?["nationality"] == "unsure OCR reading", "\(String(describing: o.review))")

        // The same words read less surely: the required fields fall below review.below.
        var unsure = document
        unsure.pages[0].words = unsure.pages[0].words.map { w in
            var w = w
            w.confidence = 0.3
            return w
        }
        let r = try #require(pipeline.records(for: unsure).first)
        #expect(
            r.status == .needsReview, "\(r.fields.mapValues { "\($0.value?.description ?? "nil") \($0.reason ?? "")" })"
        )
        let listed = try #require(r.review)
        #expect(listed["surname"] != nil && listed["document_number"] != nil)
        #expect(r.json().contains("\"review\":{"))

        // A lower threshold accepts them.
        spec.reviewBelow = 0.1
        #expect(Pipeline(spec: spec, reader: Support.reader).records(for: unsure).first?.status == .ok)
    }
}
