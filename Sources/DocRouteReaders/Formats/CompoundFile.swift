import DocRouteModel
import Foundation

/// Just enough of the OLE2 Compound File Binary format to say what a legacy container holds:
/// a Word 97–2003 document, an Excel 97–2003 workbook, or an encrypted OOXML package
/// (Office stores password-protected .docx/.xlsx as a CFB with an `EncryptedPackage` stream).
enum CompoundFile {
    /// A human-readable name of what the CFB container `data` holds.
    static func describe(_ data: Data) -> String {
        let names = streamNames(data)
        if names.contains("EncryptedPackage") || names.contains("EncryptionInfo") {
            return "encrypted OOXML package (password-protected .docx/.xlsx)"
        }
        if names.contains("WordDocument") { return "legacy OLE2 Word document (.doc)" }
        if names.contains("Workbook") || names.contains("Book") { return "legacy OLE2 Excel workbook (.xls)" }
        if names.contains("PowerPoint Document") { return "legacy OLE2 PowerPoint presentation (.ppt)" }
        return "OLE2 compound file"
    }

    /// Names of the directory entries, read from the directory sector chain (bounded).
    static func streamNames(_ data: Data) -> Set<String> {
        let bytes = [UInt8](data)
        guard bytes.count >= 512 else { return [] }
        func u16(_ o: Int) -> Int { o + 2 <= bytes.count ? Int(bytes[o]) | Int(bytes[o + 1]) << 8 : 0 }
        func u32(_ o: Int) -> Int {
            o + 4 <= bytes.count
                ? Int(bytes[o]) | Int(bytes[o + 1]) << 8 | Int(bytes[o + 2]) << 16 | Int(bytes[o + 3]) << 24 : -1
        }
        let sectorShift = u16(30)
        guard sectorShift == 9 || sectorShift == 12 else { return [] }
        let sectorSize = 1 << sectorShift
        // The FAT: sector numbers listed in the header's DIFAT (first 109 entries suffice here).
        var fatSectors: [Int] = []
        for i in 0..<109 {
            let s = u32(76 + i * 4)
            if s < 0 || s >= 0xFFFF_FFFA { break }
            fatSectors.append(s)
        }
        func offset(_ sector: Int) -> Int { (sector + 1) * sectorSize }
        func next(_ sector: Int) -> Int {
            let perSector = sectorSize / 4
            let index = sector / perSector
            guard index < fatSectors.count else { return -1 }
            return u32(offset(fatSectors[index]) + (sector % perSector) * 4)
        }
        var names: Set<String> = []
        var sector = u32(48)
        var visited = 0
        while sector >= 0 && sector < 0xFFFF_FFFA && visited < 1024 {
            let base = offset(sector)
            guard base + sectorSize <= bytes.count else { break }
            for e in stride(from: base, to: base + sectorSize, by: 128) {
                let len = min(u16(e + 64), 64)
                guard len >= 2 else { continue }
                var units: [UInt16] = []
                for k in stride(from: 0, to: len - 2, by: 2) { units.append(UInt16(u16(e + k))) }
                names.insert(String(decoding: units, as: UTF16.self))
            }
            sector = next(sector)
            visited += 1
        }
        return names
    }
}
