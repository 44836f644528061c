#!/usr/bin/env python3
"""Makes DocRoute's sample documents with real producers, and manifest.json, their ground truth.

Producers: Pillow (PNG, JPEG, multi-page TIFF, image-only "scanned" PDF), ReportLab (PDF with a
text layer), python-docx (DOCX), openpyxl (XLSX), LibreOffice headless when present (recalculates
the workbook so that formula cells carry cached values, as Excel's files do).

    pip install pillow==13.0.0 python-docx openpyxl reportlab
    python3 Samples/make-samples.py

Fonts: DejaVu (Debian's fonts-dejavu-core). The output is deterministic for given versions.
"""
import datetime
import json
import os
import shutil
import subprocess
import tempfile
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
MANIFEST = []


def out(name):
    return os.path.join(HERE, "documents", name)


def record(name, fmt, pages, lines=None, cells=None, ocr=False, notes=None):
    MANIFEST.append({"file": name, "format": fmt, "pages": pages, "lines": lines or [],
                     "cells": cells or [], "ocr": ocr, "notes": notes or ""})


# ---------------------------------------------------------------- raster pages

def draw_lines(size, lines, font_px, top, left, gap, bg=255, bold_first=0):
    img = Image.new("L", size, bg)
    d = ImageDraw.Draw(img)
    y = top
    for i, line in enumerate(lines):
        f = ImageFont.truetype(BOLD if i < bold_first else FONT, font_px)
        d.text((left, y), line, fill=0, font=f)
        y += int(font_px * gap)
    return img


ID_CLEAN = [
    "REPUBLIC OF EXAMPLE",
    "NATIONAL IDENTITY CARD",
    "Surname: MARTIN",
    "Given names: CLAIRE ANNE",
    "Date of birth: 12.04.1990",
    "Sex: F",
    "Nationality: EXA",
    "Document No: X4RTB7291",
    "Date of expiry: 03.11.2031",
]

ID_PHOTO = [
    "REPUBLIC OF EXAMPLE",
    "NATIONAL IDENTITY CARD",
    "Surname: OKONKWO",
    "Given names: DANIEL CHUKWUEMEKA",
    "Date of birth: 30.01.1985",
    "Sex: M",
    "Nationality: EXA",
    "Document No: K7PLM3308",
    "Date of expiry: 17.06.2029",
]

LETTER = [
    "ACME Supplies Ltd, 14 Harbour Road, Portsmouth PO1 3AX",
    "",
    "Dear Customer,",
    "",
    "Thank you for your order of 15 March 2024. We confirm that the goods",
    "listed on purchase order PO-2024-0193 will be shipped within five working",
    "days. Delivery is free of charge for orders above 250 pounds. Please check",
    "the parcel on arrival and report any damage within seven days, quoting",
    "the order number and the delivery note reference printed on the label.",
    "",
    "Invoices are payable within 30 days of the invoice date by bank transfer",
    "to the account named on the invoice. Late payments may incur interest at",
    "the statutory rate. Our terms and conditions apply to every order.",
    "",
    "If you have any questions, call our customer service team on",
    "023 9200 4411 between 9 am and 5 pm, Monday to Friday.",
    "",
    "Yours faithfully,",
    "Margaret Ellis, Customer Service Manager",
]

PO_PAGE1 = [
    "PURCHASE ORDER",
    "PO Number: PO-2024-0193",
    "Order date: 15/03/2024",
    "Supplier: ACME Supplies Ltd",
    "Buyer: Northwind Trading GmbH",
    "Delivery address: Hafenstrasse 12, 20457 Hamburg",
    "Payment terms: 30 days net",
    "Total amount: EUR 1,284.50",
]

PO_PAGE2 = [
    "TERMS AND CONDITIONS",
    "1. Goods remain our property until paid in full.",
    "2. Claims must be made within seven days of delivery.",
    "3. This order is governed by the laws of England.",
    "Authorised by: Margaret Ellis",
]


def id_card(lines, seed, degrade):
    # ID-1 card (85.6 x 54 mm) at 300 dpi.
    img = draw_lines((1012, 638), lines, 34, 40, 50, 1.55, bold_first=2)
    if degrade:
        rnd = random.Random(seed)
        img = img.point(lambda v: 40 + v * 0.8)   # grey paper, less contrast
        px = img.load()
        for _ in range(4000):
            x, y = rnd.randrange(img.width), rnd.randrange(img.height)
            px[x, y] = rnd.choice([90, 200])
        img = img.filter(ImageFilter.GaussianBlur(0.6))
    return img


def a4(lines, font_px=42, top=250, gap=1.45, bold_first=0):
    return draw_lines((2480, 3508), lines, font_px, top, 200, gap, bold_first=bold_first)


def make_images():
    id_card(ID_CLEAN, 1, False).save(out("id-card-clean.png"), dpi=(300, 300))
    record("id-card-clean.png", "png", 1, ID_CLEAN, ocr=True, notes="clean ID card, 300 dpi")

    # No DPI metadata on purpose: the reader must assume a resolution.
    id_card(ID_PHOTO, 2, True).convert("RGB").save(out("id-card-photo.jpg"), quality=88)
    record("id-card-photo.jpg", "jpeg", 1, ID_PHOTO, ocr=True, notes="noisy, blurred, grey; no DPI metadata")

    a4([l for l in LETTER]).save(out("letter-a4.png"), dpi=(300, 300), optimize=True)
    record("letter-a4.png", "png", 1, [l for l in LETTER if l], ocr=True, notes="clean A4 page at 300 dpi")

    p1 = a4(PO_PAGE1, bold_first=1).convert("1")
    p2 = a4(PO_PAGE2, bold_first=1).convert("1")
    p1.save(out("purchase-order-scan.tiff"), save_all=True, append_images=[p2], compression="group4", dpi=(300, 300))
    record("purchase-order-scan.tiff", "tiff", 2, PO_PAGE1 + PO_PAGE2, ocr=True, notes="two-page bilevel G4 TIFF")

    # A lying extension: a PNG named .jpg.
    id_card(ID_CLEAN, 1, False).save(out("misnamed-png.jpg"), format="PNG", dpi=(300, 300))
    record("misnamed-png.jpg", "png", 1, ID_CLEAN, ocr=True, notes="PNG content under a .jpg name")

    # Scanned PDF: an image-only page, written by Pillow's PDF writer.
    a4(PO_PAGE1, bold_first=1).save(out("purchase-order-scanned.pdf"), resolution=300.0)
    record("purchase-order-scanned.pdf", "pdf", 1, PO_PAGE1, ocr=True, notes="image-only PDF: no text layer")


# ---------------------------------------------------------------- PDF with a text layer

PO_ITEMS = [
    ["Item", "Description", "Qty", "Unit price", "Amount"],
    ["A-100", "Steel bolts M8", "500", "0.45", "225.00"],
    ["B-220", "Washers 8 mm", "1000", "0.08", "80.00"],
    ["C-310", "Hex nuts M8", "500", "0.12", "60.00"],
    ["D-045", "Drill bits set", "10", "91.95", "919.50"],
]


def make_text_pdf():
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(out("purchase-order.pdf"), pagesize=A4, invariant=1)
    w, h = A4
    y = h - 72
    c.setFont("Helvetica-Bold", 18)
    c.drawString(72, y, PO_PAGE1[0]); y -= 30
    c.setFont("Helvetica", 11)
    for line in PO_PAGE1[1:7]:
        c.drawString(72, y, line); y -= 18
    y -= 12
    xs = [72, 130, 290, 340, 420]
    for r, row in enumerate(PO_ITEMS):
        c.setFont("Helvetica-Bold" if r == 0 else "Helvetica", 11)
        for x, cell in zip(xs, row):
            c.drawString(x, y, cell)
        y -= 18
    y -= 6
    c.setFont("Helvetica-Bold", 11)
    c.drawString(340, y, "Total: EUR 1,284.50")
    c.showPage()
    c.setFont("Helvetica-Bold", 14)
    c.drawString(72, h - 72, PO_PAGE2[0])
    c.setFont("Helvetica", 11)
    for i, line in enumerate(PO_PAGE2[1:]):
        c.drawString(72, h - 100 - 18 * i, line)
    c.save()
    lines = PO_PAGE1[:7] + [" ".join(r) for r in PO_ITEMS] + ["Total: EUR 1,284.50"] + PO_PAGE2
    record("purchase-order.pdf", "pdf", 2, lines, notes="ReportLab text layer, two pages")


# ---------------------------------------------------------------- DOCX

def make_docx():
    import docx
    from docx.shared import Pt
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "Northwind Trading GmbH - Personnel Office"
    d.sections[0].footer.paragraphs[0].text = "Form HR-7 rev. 2024-01"
    d.add_heading("Employee Registration Form", level=1)
    d.add_paragraph("Please complete every field in block capitals.")
    t = d.add_table(rows=5, cols=3)
    t.style = "Table Grid"
    t.cell(0, 0).merge(t.cell(0, 2)).text = "Personal details"          # gridSpan 3
    t.cell(1, 0).text = "Full name"
    t.cell(1, 1).merge(t.cell(1, 2)).text = "Claire Anne Martin"        # gridSpan 2
    t.cell(2, 0).text = "Date of birth"
    t.cell(2, 1).text = "12.04.1990"
    t.cell(2, 2).text = "Age: 34"
    a = t.cell(3, 0).merge(t.cell(4, 0))                              # vMerge over 2 rows
    a.text = "Address"
    t.cell(3, 1).merge(t.cell(3, 2)).text = "Hafenstrasse 12"
    t.cell(4, 1).merge(t.cell(4, 2)).text = "20457 Hamburg"
    d.add_paragraph("Signature: C. Martin")
    for p in d.paragraphs:
        for r in p.runs:
            r.font.size = Pt(11)
    d.core_properties.created = datetime.datetime(2024, 1, 1)
    d.save(out("employee-form.docx"))
    lines = ["Northwind Trading GmbH - Personnel Office", "Employee Registration Form",
             "Please complete every field in block capitals.", "Personal details", "Full name",
             "Claire Anne Martin", "Date of birth", "12.04.1990", "Age: 34", "Address", "Hafenstrasse 12",
             "20457 Hamburg", "Signature: C. Martin", "Form HR-7 rev. 2024-01"]
    cells = [
        {"table": 0, "row": 0, "column": 0, "row_span": 1, "column_span": 3, "text": "Personal details"},
        {"table": 0, "row": 1, "column": 0, "row_span": 1, "column_span": 1, "text": "Full name"},
        {"table": 0, "row": 1, "column": 1, "row_span": 1, "column_span": 2, "text": "Claire Anne Martin"},
        {"table": 0, "row": 2, "column": 1, "row_span": 1, "column_span": 1, "text": "12.04.1990"},
        {"table": 0, "row": 2, "column": 2, "row_span": 1, "column_span": 1, "text": "Age: 34"},
        {"table": 0, "row": 3, "column": 0, "row_span": 2, "column_span": 1, "text": "Address"},
        {"table": 0, "row": 4, "column": 1, "row_span": 1, "column_span": 2, "text": "20457 Hamburg"},
    ]
    record("employee-form.docx", "docx", 1, lines, cells, notes="python-docx; header, footer, gridSpan, vMerge")


# ---------------------------------------------------------------- XLSX

def make_xlsx():
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Orders"
    ws["A1"] = "Open purchase orders"
    ws.merge_cells("A1:D1")
    ws.append(["PO Number", "Order date", "Supplier", "Amount"])
    rows = [("PO-2024-0193", datetime.date(2024, 3, 15), "ACME Supplies Ltd", 1284.5),
            ("PO-2024-0201", datetime.date(2024, 4, 2), "Contoso Metals", 310.0),
            ("PO-2024-0215", datetime.date(2024, 4, 29), "Fabrikam Tools", 75.25)]
    for r in rows:
        ws.append(list(r))
    for r in range(3, 6):
        ws.cell(r, 2).number_format = "dd/mm/yyyy"
    ws["C6"] = "Total"
    ws["D6"] = "=SUM(D3:D5)"
    ws["A8"] = "Reviewed"
    ws["B8"] = True
    ws["A9"] = "Updated at"
    ws["B9"] = datetime.datetime(2024, 5, 2, 14, 30)
    ws["B9"].number_format = "yyyy-mm-dd hh:mm"
    s2 = wb.create_sheet("Suppliers")
    s2.append(["Supplier", "Country", "Since"])
    s2.append(["ACME Supplies Ltd", "United Kingdom", 2011])
    s2.append(["Contoso Metals", "Deutschland", 2019])
    path = out("orders.xlsx")
    wb.save(path)
    recalculated = recalc_with_libreoffice(path)

    cells = [
        {"table": 0, "row": 0, "column": 0, "row_span": 1, "column_span": 4, "text": "Open purchase orders"},
        {"table": 0, "row": 2, "column": 0, "text": "PO-2024-0193"},
        {"table": 0, "row": 2, "column": 1, "text": "2024-03-15", "kind": "date"},
        {"table": 0, "row": 3, "column": 1, "text": "2024-04-02", "kind": "date"},
        {"table": 0, "row": 2, "column": 3, "text": "1284.5", "kind": "number"},
        {"table": 0, "row": 4, "column": 3, "text": "75.25", "kind": "number"},
        {"table": 0, "row": 7, "column": 1, "text": "TRUE", "kind": "boolean"},
        {"table": 0, "row": 8, "column": 1, "text": "2024-05-02T14:30:00", "kind": "date"},
        {"table": 1, "row": 2, "column": 1, "text": "Deutschland"},
        {"table": 1, "row": 1, "column": 2, "text": "2011", "kind": "number"},
    ]
    if recalculated:
        cells.append({"table": 0, "row": 5, "column": 3, "text": "1669.75", "kind": "number", "formula": "SUM(D3:D5)"})
    record("orders.xlsx", "xlsx", 2, ["Open purchase orders", "PO-2024-0193", "ACME Supplies Ltd", "Deutschland"],
           cells, notes="openpyxl%s; merged title, dates, formula, two sheets" %
           (" recalculated by LibreOffice" if recalculated else ""))

    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Mac"
    ws["A1"] = "Invoice date"
    ws["B1"] = datetime.date(2021, 1, 1)
    ws["B1"].number_format = "yyyy-mm-dd"
    ws["A2"] = "Due"
    ws["B2"] = datetime.date(2021, 1, 31)
    ws["B2"].number_format = "d mmm yyyy"
    wb.save(out("mac-1904.xlsx"))
    record("mac-1904.xlsx", "xlsx", 1, ["Invoice date"],
           [{"table": 0, "row": 0, "column": 1, "text": "2021-01-01", "kind": "date"},
            {"table": 0, "row": 1, "column": 1, "text": "2021-01-31", "kind": "date"}],
           notes="openpyxl, 1904 date epoch")


def recalc_with_libreoffice(path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("LibreOffice not found: orders.xlsx keeps a formula without a cached value")
        return False
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([soffice, "--headless", "--calc", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                        "--outdir", tmp, path], check=True, capture_output=True,
                       env=dict(os.environ, HOME=tmp))
        shutil.copy(os.path.join(tmp, os.path.basename(path)), path)
    return True


if __name__ == "__main__":
    os.makedirs(os.path.join(HERE, "documents"), exist_ok=True)
    make_images()
    make_text_pdf()
    make_docx()
    make_xlsx()
    MANIFEST.sort(key=lambda m: m["file"])
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(MANIFEST, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote", len(MANIFEST), "samples")
