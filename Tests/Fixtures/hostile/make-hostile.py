#!/usr/bin/env python3
"""Makes the small hostile inputs of issue 19 (each under 100 kB): bombs that must be refused
before they cost memory, PDFs with broken page trees, XML that must never be expanded.
Run from anywhere; writes beside this script. Needs Pillow (for the TIFF)."""
import io, os, struct, zipfile, zlib

here = os.path.dirname(os.path.abspath(__file__))

def out(name, data):
    with open(os.path.join(here, name), "wb") as f:
        f.write(data)

CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>{}</Types>')
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

def docx(body_xml, prolog=""):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CT.format(
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'))
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", '<?xml version="1.0" encoding="UTF-8"?>' + prolog + body_xml)
    return b.getvalue()

def xlsx(sheet_xml):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CT.format(
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'))
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + sheet_xml + '</worksheet>')
    return b.getvalue()

def para(text):
    return f'<w:p><w:r><w:t>{text}</w:t></w:r></w:p>'

# A merge over the whole sheet (the 4.9 kB file that grew to 12.7 GB).
out("merge-whole-sheet.xlsx", xlsx('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Invoice</t></is></c></row></sheetData>'
                                   '<mergeCells count="1"><mergeCell ref="B1:XFD1048576"/></mergeCells>'))
# 2.1 M empty cells: refused by the element cap before libxml2 builds a tree. (A comment of
# random letters keeps the compression ratio under the ZIP cap, which would refuse it first.)
import random
rng = random.Random(19)
noise = ''.join(rng.choice('abcdefghijklmnopqrstuvwxyz0123456789') for _ in range(80000))
out("many-cells.xlsx", xlsx(f'<!--{noise}--><sheetData>' + ''.join(f'<row r="{r}">' + '<c/>' * 700 + '</row>' for r in range(1, 3001)) + '</sheetData>'))
# Billion laughs: entities are never expanded.
laughs = '<!DOCTYPE w:document [<!ENTITY a "lol">' + ''.join(f'<!ENTITY {chr(98 + i)} "' + f'&{chr(97 + i)};' * 10 + '">' for i in range(9)) + ']>'
out("billion-laughs.docx", docx(f'<w:document {W}><w:body>{para("&j;")}</w:body></w:document>', laughs))
# External entity (XXE): the file's content must never reach a record.
out("xxe.docx", docx(f'<w:document {W}><w:body>{para("Name: &x;")}</w:body></w:document>',
                     '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'))
# 80,000 nested elements (libxml2's depth limit; under 1 MiB, so the ZIP ratio cap does not apply).
out("deep-nesting.docx", docx(f'<w:document {W}><w:body>' + '<w:p>' * 80000 + '</w:p>' * 80000 + '</w:body></w:document>'))
# A zip bomb: 60 MB of spaces in the document part (about 60 kB compressed).
out("zip-bomb.docx", docx(f'<w:document {W}><w:body>{para(" " * (60 << 20))}</w:body></w:document>'))

def png(width, height, idat):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")

# A pixel bomb: a PNG header claiming 100,000 × 100,000 pixels.
out("pixel-bomb.png", png(100000, 100000, zlib.compress(b"\0" * 1000)))
# A JPEG whose frame header claims 65,500 × 65,500 pixels.
from PIL import Image
b = io.BytesIO(); Image.new("L", (8, 8), 255).save(b, "JPEG")
jpg = bytearray(b.getvalue()); i = jpg.index(b"\xff\xc0")
jpg[i + 5:i + 9] = struct.pack(">HH", 65500, 65500)
out("pixel-bomb.jpg", bytes(jpg))
# A TIFF whose second frame's directory points back at the first (an endless frame chain).
# (The 2,000-frame cap is tested with a generated TIFF in LimitsTests: such a file is 200 kB.)
def tiff_cyclic():
    header = b"II*\x00" + struct.pack("<I", 8)
    def ifd(offset_next, strip_at):
        tags = [(256, 3, 1, 1), (257, 3, 1, 1), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
                (273, 4, 1, strip_at), (277, 3, 1, 1), (278, 3, 1, 1), (279, 4, 1, 1)]
        return struct.pack("<H", len(tags)) + b"".join(struct.pack("<HHII", *t) for t in tags) + struct.pack("<I", offset_next)
    size = len(ifd(0, 0))
    first, second, strip = 8, 8 + size, 8 + 2 * size
    return header + ifd(second, strip) + ifd(first, strip) + b"\xff"
out("cyclic-frames.tiff", tiff_cyclic())

def pdf(count, kids):
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids " + kids + b" /Count " + str(count).encode() + b" >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"]
    stream = b"BT /F1 18 Tf 72 700 Td (Invoice number: INV-4711) Tj 0 -30 Td (Total: 120.00 EUR) Tj ET"
    objs.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    data, offsets = b"%PDF-1.4\n", []
    for n, o in enumerate(objs):
        offsets.append(len(data))
        data += str(n + 1).encode() + b" 0 obj\n" + o + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 " + str(len(objs) + 1).encode() + b"\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return data + b"trailer\n<< /Size " + str(len(objs) + 1).encode() + b" /Root 1 0 R >>\nstartxref\n" + str(xref).encode() + b"\n%%EOF\n"

# One real page under a page tree claiming 2,000,000,000 of them.
out("page-count-2e9.pdf", pdf(2000000000, b"[3 0 R]"))
# A page tree that lists itself among its kids.
out("cyclic-pages.pdf", pdf(2, b"[3 0 R 2 0 R]"))
