import CLeptonica
import DocRouteExtraction
import DocRouteModel
import DocRouteReaders
import Foundation
import Synchronization

import struct DocRouteModel.Box

extension FormReader {
    /// What was read on a located copy: each field's region as a candidate, and the TD1 zone's
    /// number line when it was asked for (see `numberLine`).
    package struct Readings {
        package var candidates: CandidateSet = [:]
        package var numberLine: String?
    }

    /// Each field's region on the located copy, read from page 0 of `rasters` (the located
    /// image) as a candidate: by the page model, or for the fields in `byValues` by `values`
    /// (enlarged, as the full path re-reads text values: accents), which the router then does
    /// not re-read. Only the printed run at the region's start is read (see `ink`): the room
    /// after a short value holds nothing but paper, and noise on it would be read as letters.
    /// With `numberLine`, the zone's number line is read too (by the page model). `image` is
    /// the copy cleared of the form's furniture and boxes (`dropFurniture`, `dropBoxes`: the
    /// printed runs are measured on it), `rasters` the copy as it came (OCR reads it). The
    /// regions in `boxed` had boxes round their characters cleared: they are read on
    /// `cleared` too (the copy with only those cleared), and when the two readings differ,
    /// both are candidates, the one OCR is surer of first (clearing a comb's divider mends a
    /// `3` read `8` on it, but can cut a digit whose side lies on it).
    package func read(
        _ located: Located, image: Image, rasters: PageRasters, values: OCREnginePool,
        byValues: Set<String>, running: Set<String> = [], numberLine: Bool,
        boxed: Set<String> = [], cleared: PageRasters? = nil
    ) throws(DocRouteError) -> Readings {
        let page = RegionReader(pool: pool, rasters: rasters, deadline: deadline, clock: clock)
        let text = RegionReader(pool: values, rasters: rasters, deadline: deadline, clock: clock)
        // The regions are read side by side: a lane per engine each model may have, each lane
        // taking the next region of its model when it is free (a thread waiting for another's
        // engine would hold a processor idle), the widest first, so that no lane is left with
        // a long value when the others are done. A copy's reading waits for its longest lane.
        enum Work { case region(String, LearnedForm.Region), numberLine }
        func widest(_ regions: [String: LearnedForm.Region]) -> [Work] {
            func cost(_ r: LearnedForm.Region) -> Double { (r.area.x1 - r.area.x0) * Double(r.lines) }
            return regions.sorted { a, b in
                cost(a.value) != cost(b.value) ? cost(a.value) > cost(b.value) : a.key < b.key
            }.map { Work.region($0.key, $0.value) }
        }
        let onPage = located.template.regions.filter { $0.value.page == 0 }
        var pageWork = widest(onPage.filter { !byValues.contains($0.key) })
        // Half a zone's line: about as wide as a long value.
        if numberLine { pageWork.insert(.numberLine, at: 0) }
        let queues = [widest(onPage.filter { byValues.contains($0.key) }), pageWork]
        // Pools have at least one engine: a queue with work gets at least one lane.
        let lanes = [values.maxEngines, pool.maxEngines].enumerated().flatMap { q, engines in
            Array(repeating: q, count: min(engines, queues[q].count))
        }
        let taken = Mutex([Int](repeating: 0, count: queues.count))
        let out = Mutex(Readings())
        let failure = Mutex<DocRouteError?>(nil)
        DispatchQueue.concurrentPerform(iterations: lanes.count) { lane in
            let q = lanes[lane]
            while true {
                let i = taken.withLock { n in
                    defer { n[q] += 1 }
                    return n[q]
                }
                guard i < queues[q].count else { break }
                let work = queues[q][i]
                do throws(DocRouteError) {
                    switch work {
                    case .numberLine:
                        let line = try Self.numberLine(located, image: image, reader: page)
                        out.withLock { $0.numberLine = line }
                    case .region(let name, let region):
                        let accents = byValues.contains(name)
                        var readers = [accents ? text : page]
                        if boxed.contains(name), let cleared {
                            readers.append(
                                RegionReader(
                                    pool: accents ? values : pool, rasters: cleared, deadline: deadline, clock: clock))
                        }
                        let list = try candidates(
                            region, located: located, image: image, readers: readers, accents: accents,
                            wraps: running.contains(name) ? stops(for: name, located) : nil)
                        guard !list.isEmpty else { continue }
                        out.withLock { $0.candidates[name] = list }
                    }
                } catch {
                    failure.withLock { $0 = $0 ?? error }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return out.withLock { $0 }
    }

    /// Where a value of field `name` that wraps stops (pixels): the form's anchor words and the
    /// other fields' regions on the located copy.
    func stops(for name: String, _ located: Located) -> [Box] {
        located.template.anchors.filter { $0.page == 0 }.map { located.map.pixels($0.area) }
            + located.template.regions.filter { $0.key != name && $0.value.page == 0 }.map {
                located.map.pixels($0.value.area)
            }
    }

    /// One region of the located copy read as candidates, one a reader (the page's printed
    /// run is found once, then read by each of `readers`: the copy as it came, and with boxes
    /// round its characters cleared); readings alike are one candidate, and the surer comes
    /// first. None when it holds no print where the value stood, or the first reader reads
    /// nothing there. A value that wraps (free text: `stops` given) is read over the lines it
    /// wraps on to under its region too (`wrapped`).
    func candidates(
        _ region: LearnedForm.Region, located: Located, image: Image, readers: [RegionReader],
        accents: Bool, wraps stops: [Box]? = nil
    ) throws(DocRouteError) -> [Candidate] {
        let room = located.map.pixels(region.area)
        // Page units are the input's pixels; the image may have been enlarged.
        let height = located.map.e * region.height
        // The print must stand about where the value stood (a value's room is its line):
        // print found well above or below it is a neighbour's, not this value.
        // Running text (`stops` given): the learned value may have had no descenders, and a
        // comma's tail is looked for a little under its room (a comma left out ends the run
        // at the gap it leaves). Numbers and identifiers hold no commas between words, and
        // under them may stand the bottoms of boxes drawn round their characters.
        var deeper = room
        if stops != nil { deeper.y1 += 0.3 * height }
        guard let ink = Self.ink(in: deeper, of: image.pix, valueHeight: height),
            abs((ink.y0 + ink.y1) / 2 - (room.y0 + room.y1) / 2) <= 0.5 * height * Double(region.lines)
        else { return [] }
        // A region placed by its label was never seen filled: a speck or a box's corner there
        // (narrower than a letter, or lower than half of one) is no value.
        if region.byLabel == true, ink.width < 0.4 * height || ink.height < 0.5 * height { return [] }
        var (inked, lines) = (ink, region.lines)
        if let stops {
            let (whole, count) = Self.wrapped(ink, room: room, of: image.pix, valueHeight: height, stops: stops)
            if count > 1 { (inked, lines) = (whole, max(lines, count)) }
        }
        let box = inked.scaled(by: 1 / image.scale)
        // A faint last stroke may fall short of ink (a light `n` found as its first stem): the
        // reading reaches a little further right, within the room.
        var reach = inked
        reach.x1 = max(inked.x1, min(room.x1, inked.x1 + 0.4 * height))
        var out: [Candidate] = []
        let (crop, margin) = (reach.scaled(by: 1 / image.scale), accents ? 0.5 : 0.25)
        for (i, reader) in readers.enumerated() {
            // Another copy of the page showing the same pixels here would read the same (the
            // strokes cleared stood elsewhere in the room): not read again.
            if i > 0, reader.sees(same: readers[0], page: 0, box: crop, lines: lines, margin: margin) { continue }
            guard
                let reading = try reader.read(
                    page: 0, box: crop, lines: lines, whitelist: nil, margin: margin, enlarge: accents)
            else { break }
            guard !out.contains(where: { $0.text == reading.text }) else { continue }
            // The ink's box, not the words': a line read from a crop stretches its words' boxes
            // over whatever stands in the crop's margin.
            var c = Candidate(
                text: reading.text, page: 0, box: box, confidence: reading.confidence, ocr: true, quality: 1,
                lines: lines)
            c.byValuesModel = accents
            out.append(c)
        }
        return out.count > 1 ? out.sorted { $0.confidence > $1.confidence } : out
    }
}
