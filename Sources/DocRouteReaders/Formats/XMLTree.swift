import CLibXML2
import DocRouteModel
import Foundation

/// An XML part parsed by libxml2 with untrusted-input settings: no network, no external
/// entities, no DTD loading, no entity substitution, and any document type declaration
/// refused before parsing (OPC forbids DTDs in OOXML parts, so an entity-expansion cap of
/// zero costs valid files nothing and makes "billion laughs" impossible).
final class XMLTree {
    private let doc: xmlDocPtr

    init(data: Data, name: String, maxElements: Int = ReaderLimits.default.maxXMLElements) throws(DocRouteError) {
        if Self.declaresDocumentType(data) {
            throw .limitExceeded("XML part \(name) declares a DTD or entities, which OOXML forbids")
        }
        let elements = Self.elementCount(data, stopAfter: maxElements)
        if elements > maxElements {
            throw .limitExceeded("XML part \(name) has more than \(maxElements) elements")
        }
        let options = Int32(
            XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
                | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue)
        guard data.count < Int(Int32.max) else { throw .limitExceeded("XML part \(name) is too large") }
        let parsed: xmlDocPtr? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            return xmlReadMemory(base.assumingMemoryBound(to: CChar.self), Int32(raw.count), nil, nil, options)
        }
        guard let parsed else { throw .corrupt("XML part \(name) is not well-formed") }
        doc = parsed
    }

    deinit { xmlFreeDoc(doc) }

    var root: XMLElement? {
        guard let node = xmlDocGetRootElement(doc) else { return nil }
        return XMLElement(node: node, tree: self)
    }

    /// How many start tags `data` holds (a `<` followed by a letter, `_`, `:` or a non-ASCII
    /// byte; one inside a comment counts too, so this is an upper bound), counting no further
    /// than one past `stopAfter`.
    static func elementCount(_ data: Data, stopAfter limit: Int) -> Int {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int in
            guard let base = raw.baseAddress else { return 0 }
            var count = 0
            var offset = 0
            let n = raw.count
            while offset < n, count <= limit, let hit = memchr(base + offset, Int32(UInt8(ascii: "<")), n - offset) {
                let i = base.distance(to: UnsafeRawPointer(hit))
                if i + 1 < n {
                    let next = raw[i + 1]
                    if (next | 0x20) >= UInt8(ascii: "a") && (next | 0x20) <= UInt8(ascii: "z")
                        || next == UInt8(ascii: "_")
                        || next == UInt8(ascii: ":") || next >= 0x80
                    {
                        count += 1
                    }
                }
                offset = i + 1
            }
            return count
        }
    }

    /// True if the prolog (before the root element) holds `<!DOCTYPE` or `<!ENTITY`.
    static func declaresDocumentType(_ data: Data) -> Bool {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Bool in
            let b = raw.bindMemory(to: UInt8.self)
            var i = 0
            let n = b.count
            func has(_ s: StaticString, at k: Int) -> Bool {
                let len = s.utf8CodeUnitCount
                guard k + len <= n else { return false }
                let p = s.utf8Start
                for j in 0..<len where b[k + j] != p[j] { return false }
                return true
            }
            while i < n {
                guard b[i] == UInt8(ascii: "<") else { i += 1; continue }
                if has("<?", at: i) {
                    i += 2
                    while i + 1 < n && !(b[i] == UInt8(ascii: "?") && b[i + 1] == UInt8(ascii: ">")) { i += 1 }
                    i += 2
                } else if has("<!--", at: i) {
                    i += 4
                    while i + 2 < n
                        && !(b[i] == UInt8(ascii: "-") && b[i + 1] == UInt8(ascii: "-")
                            && b[i + 2] == UInt8(ascii: ">"))
                    { i += 1 }
                    i += 3
                } else if has("<!", at: i) {
                    return true  // <!DOCTYPE, <!ENTITY or any other markup declaration
                } else {
                    return false  // the root element starts: no DTD can follow
                }
            }
            return false
        }
    }
}

/// An element of an `XMLTree`, named by its local name (namespace prefixes and URIs are
/// ignored, so Transitional and Strict OOXML read alike). Valid while its tree lives.
struct XMLElement {
    let node: xmlNodePtr
    let tree: XMLTree

    /// The element's local name.
    var name: String { String(cString: node.pointee.name) }

    /// Whether the local name equals `local` (no String allocation).
    func `is`(_ local: StaticString) -> Bool {
        strcmp(
            UnsafeRawPointer(node.pointee.name).assumingMemoryBound(to: CChar.self),
            UnsafeRawPointer(local.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
    }

    /// The value of the attribute whose local name is `local`, whatever its namespace.
    func attribute(_ local: String) -> String? {
        var attr = node.pointee.properties
        while let a = attr {
            if String(cString: a.pointee.name) == local {
                guard let value = xmlNodeGetContent(UnsafeMutableRawPointer(a).assumingMemoryBound(to: xmlNode.self))
                else { return "" }
                defer { docroute_xml_free(value) }
                return String(cString: value)
            }
            attr = a.pointee.next
        }
        return nil
    }

    /// Child elements in document order.
    var children: [XMLElement] {
        var out: [XMLElement] = []
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE { out.append(XMLElement(node: c, tree: tree)) }
            child = c.pointee.next
        }
        return out
    }

    /// Calls `body` for each child element, without building an array.
    func forEachChild<E: Error>(_ body: (XMLElement) throws(E) -> Void) throws(E) {
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE { try body(XMLElement(node: c, tree: tree)) }
            child = c.pointee.next
        }
    }

    /// The first child element with local name `local`.
    func child(_ local: StaticString) -> XMLElement? {
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE {
                let e = XMLElement(node: c, tree: tree)
                if e.is(local) { return e }
            }
            child = c.pointee.next
        }
        return nil
    }

    /// The concatenated text of the element and its descendants.
    var text: String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { docroute_xml_free(content) }
        return String(cString: content)
    }

    /// Every descendant element with local name `local`, in document order.
    func descendants(_ local: StaticString) -> [XMLElement] {
        var out: [XMLElement] = []
        func walk(_ e: XMLElement) {
            e.forEachChild { c in
                if c.is(local) { out.append(c) }
                walk(c)
            }
        }
        walk(self)
        return out
    }
}
