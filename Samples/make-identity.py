#!/usr/bin/env python3
"""Makes Samples/identity/: labelled identity documents of 15 synthetic people, and truth.jsonl.

Every person is made up; names, numbers and dates come from a seeded random generator, and the
machine-readable zones (ICAO 9303 TD1) carry correct check digits.

Producers: Pillow (PNG clean and degraded, JPEG photos, image-only "scanned" PDF), ReportLab
(PDF with a text layer), python-docx (DOCX: a label/value table, or `Label: value` paragraphs),
openpyxl (XLSX: a form sheet, or a register with one row per person).

    pip install pillow==13.0.0 python-docx openpyxl reportlab
    python3 Samples/make-identity.py

truth.jsonl holds one line per expected record: {"file", "row" (register rows only), "fields"},
with values normalised as DocRoute normalises them (ISO dates, sex as F/M, text as printed).
"""
import datetime
import io
import json
import os
import random
import shutil

from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "identity")
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
TRUTH = []
rng = random.Random(20261122)

SURNAMES = ["MARTIN", "NOWAK", "OKAFOR", "LINDQVIST", "FERREIRA", "SCHMIDT", "O'BRIEN", "ROSSI",
            "DUBOIS", "KOWALCZYK", "HALVORSEN", "GARCIA LOPEZ", "VAN DIJK", "MÜLLER", "PETROV"]
GIVEN = ["CLAIRE ANNE", "PIOTR", "CHIDI", "ASTRID", "JOÃO PEDRO", "LUKAS", "SIOBHAN", "GIULIA",
         "MARC", "ZOFIA", "ERIK", "LUCIA", "THIJS", "ANNA LENA", "IVAN"]
NATIONS = ["FRA", "POL", "NGA", "SWE", "PRT", "DEU", "IRL", "ITA", "FRA", "POL", "NOR", "ESP",
           "NLD", "DEU", "BGR"]
PLACES = ["LYON", "KRAKÓW", "LAGOS", "UPPSALA", "PORTO", "BREMEN", "CORK", "TORINO", "NANTES",
          "GDANSK", "BERGEN", "SEVILLA", "UTRECHT", "MÜNCHEN", "VARNA"]
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
# Letters and digits that a document number may hold: no O, I or Q (as on many real cards).
NUMCHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def person(i):
    dob = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 55))
    exp = datetime.date(2027, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 10))
    number = rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") + "".join(rng.choice(NUMCHARS) for _ in range(8))
    return {"surname": SURNAMES[i], "given_names": GIVEN[i], "date_of_birth": dob,
            "sex": "FMMFMMFFMFMFMFM"[i],
            "nationality": NATIONS[i], "document_number": number, "date_of_expiry": exp,
            "place_of_birth": PLACES[i]}


PEOPLE = [person(i) for i in range(15)]


# ---------------------------------------------------------------- ICAO 9303 machine-readable zone

def check_digit(s):
    weights = [7, 3, 1]
    total = 0
    for i, ch in enumerate(s):
        if ch.isdigit():
            v = int(ch)
        elif ch.isalpha():
            v = ord(ch) - 55
        else:
            v = 0
        total += v * weights[i % 3]
    return str(total % 10)


def mrz_name(s):
    """ICAO 9303 part 3: accents dropped, letters without a decomposition transliterated."""
    import unicodedata
    for letter, latin in {"Ø": "O", "Ł": "L", "Đ": "D", "Æ": "AE", "Œ": "OE", "ß": "SS", "Þ": "TH"}.items():
        s = s.replace(letter, latin)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return "".join(c if c.isalpha() else "<" for c in s.upper())


def td1(p):
    num = p["document_number"]
    l1 = ("I<UTO" + num + check_digit(num)).ljust(30, "<")
    dob = p["date_of_birth"].strftime("%y%m%d")
    exp = p["date_of_expiry"].strftime("%y%m%d")
    l2 = dob + check_digit(dob) + p["sex"] + exp + check_digit(exp) + p["nationality"]
    l2 = l2.ljust(29, "<")
    composite = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
    l2 += check_digit(composite)
    l3 = (mrz_name(p["surname"]) + "<<" + mrz_name(p["given_names"])).ljust(30, "<")[:30]
    return [l1, l2, l3]


# ---------------------------------------------------------------- how dates are printed

def fmt_date(d, style):
    if style == "dots":
        return d.strftime("%d.%m.%Y")
    if style == "slash":
        return d.strftime("%d/%m/%Y")
    if style == "month":
        return "%02d %s %d" % (d.day, MONTHS[d.month - 1], d.year)
    return d.isoformat()


def truth(path, p, row=None, mrz=False, place=True):
    fields = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in p.items()}
    if not place:
        fields.pop("place_of_birth")
    if mrz:
        fields["mrz"] = "\n".join(td1(p))
    entry = {"file": os.path.relpath(path, ROOT), "fields": fields}
    if row is not None:
        entry["row"] = row
    TRUTH.append(entry)


# ---------------------------------------------------------------- card images

def font(path, px):
    return ImageFont.truetype(path, px)


def card_stacked(p, style):
    """A TD1-size card (85.6 x 54 mm at 300 dpi): small labels above values, two columns, MRZ."""
    img = Image.new("L", (1011, 638), 246)
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, 1010, 90], fill=225)
    d.text((30, 14), "REPUBLIC OF UTOPIA", fill=0, font=font(BOLD, 30))
    d.text((30, 52), "IDENTITY CARD", fill=0, font=font(SANS, 26))
    d.rectangle([30, 110, 250, 380], outline=120, width=3)
    d.text((92, 230), "PHOTO", fill=150, font=font(SANS, 26))
    lab, val = font(SANS, 22), font(BOLD, 32)
    left = [("Surname", p["surname"]), ("Given names", p["given_names"]),
            ("Date of birth", fmt_date(p["date_of_birth"], style)), ("Place of birth", p["place_of_birth"])]
    right = [("Sex", p["sex"]), ("Nationality", p["nationality"]),
             ("Date of expiry", fmt_date(p["date_of_expiry"], style))]
    y = 105
    for label, value in left:
        d.text((280, y), label, fill=60, font=lab)
        d.text((280, y + 26), value, fill=0, font=val)
        y += 72
    y = 105
    for label, value in right:
        d.text((760, y), label, fill=60, font=lab)
        d.text((760, y + 26), value, fill=0, font=val)
        y += 72
    d.text((30, 400), "Document No", fill=60, font=lab)
    d.text((30, 426), p["document_number"], fill=0, font=font(MONO, 32))
    mono = font(MONO, 36)
    for i, line in enumerate(td1(p)):
        d.text((40, 490 + i * 46), line, fill=0, font=mono)
    return img


def card_inline(p, style):
    """A larger card printed as `Label: value` lines, with the MRZ below."""
    img = Image.new("L", (1240, 820), 255)
    d = ImageDraw.Draw(img)
    d.text((50, 30), "UTOPIA RESIDENCE PERMIT", fill=0, font=font(BOLD, 40))
    f = font(SANS, 34)
    lines = [("Surname", p["surname"]), ("Given names", p["given_names"]),
             ("Date of birth", fmt_date(p["date_of_birth"], style)), ("Sex", p["sex"]),
             ("Nationality", p["nationality"]), ("Place of birth", p["place_of_birth"]),
             ("Document No", p["document_number"]),
             ("Date of expiry", fmt_date(p["date_of_expiry"], style))]
    y = 110
    for label, value in lines:
        d.text((50, y), "%s: %s" % (label, value), fill=0, font=f)
        y += 54
    mono = font(MONO, 40)
    for i, line in enumerate(td1(p)):
        d.text((50, 580 + i * 56), line, fill=0, font=mono)
    return img


def degrade(img, kinds, seed):
    r = random.Random(seed)
    dpi = 300
    if "skew" in kinds:
        angle = r.choice([-1, 1]) * r.uniform(1.0, 3.0)
        img = img.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    if "blur" in kinds:
        img = img.filter(ImageFilter.GaussianBlur(0.9))
    if "lowres" in kinds:
        img = img.resize((img.width * 2 // 3, img.height * 2 // 3), Image.LANCZOS)
        dpi = 200
    if "noise" in kinds:
        px = img.load()
        for y in range(img.height):
            for x in range(img.width):
                v = px[x, y] + int(r.gauss(0, 14))
                px[x, y] = max(0, min(255, v))
    return img, dpi


def photo(img, seed):
    """A card photographed on a desk: grey surround, slight rotation, colour, JPEG, no DPI."""
    r = random.Random(seed)
    bg = Image.new("RGB", (img.width + 160, img.height + 160), (96, 92, 88))
    card = img.convert("RGB").rotate(r.uniform(-1.5, 1.5), resample=Image.BICUBIC, expand=True,
                                     fillcolor=(96, 92, 88))
    bg.paste(card, (80 - (card.width - img.width) // 2, 80 - (card.height - img.height) // 2))
    return bg.filter(ImageFilter.GaussianBlur(0.5))


def make_images():
    os.makedirs(os.path.join(ROOT, "png"), exist_ok=True)
    os.makedirs(os.path.join(ROOT, "jpeg"), exist_ok=True)
    os.makedirs(os.path.join(ROOT, "scanned-pdf"), exist_ok=True)
    styles = ["dots", "slash", "month"]
    # Clean PNGs: all 15 people, two layouts.
    for i, p in enumerate(PEOPLE):
        style = styles[i % 3]
        img = card_stacked(p, style) if i % 2 == 0 else card_inline(p, style)
        path = os.path.join(ROOT, "png", "card-person%02d-clean.png" % (i + 1))
        img.save(path, dpi=(300, 300), optimize=True)
        truth(path, p, mrz=True)
    # Degraded PNGs: 10 people, one or two degradations each.
    plans = [["noise"], ["blur"], ["skew"], ["lowres"], ["noise", "skew"], ["blur", "skew"],
             ["lowres", "noise"], ["skew"], ["noise"], ["blur", "lowres"]]
    for k, kinds in enumerate(plans):
        i = (k * 4 + 2) % 15
        p = PEOPLE[i]
        base = card_stacked(p, styles[(i + 1) % 3]) if k % 2 == 0 else card_inline(p, styles[(i + 1) % 3])
        img, dpi = degrade(base, kinds, 100 + k)
        path = os.path.join(ROOT, "png", "card-person%02d-%s.png" % (i + 1, "-".join(kinds)))
        img.save(path, dpi=(dpi, dpi), optimize=True)
        truth(path, p, mrz=True)
    # JPEG photos without DPI metadata.
    for k in range(6):
        i = (k * 5 + 1) % 15
        p = PEOPLE[i]
        base = card_stacked(p, "month") if k % 2 == 0 else card_inline(p, "dots")
        path = os.path.join(ROOT, "jpeg", "photo-%d-person%02d.jpg" % (k + 1, i + 1))
        photo(base, 200 + k).save(path, quality=85)
        truth(path, p, mrz=True)
    # Scanned PDFs: a card (or permit) as an image-only page, written by Pillow's PDF writer.
    for k in range(6):
        i = (k * 7 + 3) % 15
        p = PEOPLE[i]
        base = card_stacked(p, "slash") if k % 2 == 0 else card_inline(p, "month")
        if k % 3 == 2:
            base, _ = degrade(base, ["noise"], 300 + k)
        page = Image.new("L", (2480, 3508), 255)
        page.paste(base, (200, 200))
        path = os.path.join(ROOT, "scanned-pdf", "scan-%d-person%02d.pdf" % (k + 1, i + 1))
        page.save(path, resolution=300.0)
        truth(path, p, mrz=True)


# ---------------------------------------------------------------- PDF with a text layer

def make_text_pdfs():
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(TTFont("DejaVu", SANS))
    pdfmetrics.registerFont(TTFont("DejaVuBold", BOLD))
    os.makedirs(os.path.join(ROOT, "pdf"), exist_ok=True)
    for k in range(10):
        i = (k * 3 + 2) % 15
        p = PEOPLE[i]
        path = os.path.join(ROOT, "pdf", "record-%02d-person%02d.pdf" % (k + 1, i + 1))
        c = canvas.Canvas(path, pagesize=A4, invariant=1)
        c.setTitle("Identity record")
        w, h = A4
        c.setFont("DejaVuBold", 16)
        c.drawString(60, h - 80, "Municipality of Utopia - Population register extract")
        c.setFont("DejaVu", 10)
        c.drawString(60, h - 100, "Reference %d/2026, issued on request of the holder." % (4000 + k))
        rows = [("Surname", p["surname"]), ("Given names", p["given_names"]),
                ("Date of birth", fmt_date(p["date_of_birth"], ["dots", "month", "iso"][k % 3])),
                ("Sex", {"F": "Female", "M": "Male"}[p["sex"]] if k % 2 else p["sex"]),
                ("Nationality", p["nationality"]), ("Place of birth", p["place_of_birth"]),
                ("Document No", p["document_number"]),
                ("Date of expiry", fmt_date(p["date_of_expiry"], ["dots", "month", "iso"][k % 3]))]
        y = h - 150
        if k % 2 == 0:
            # A ruled two-column table: label cell, value cell.
            for label, value in rows:
                c.rect(60, y - 8, 160, 24)
                c.rect(220, y - 8, 300, 24)
                c.setFont("DejaVu", 11)
                c.drawString(68, y, label)
                c.setFont("DejaVuBold", 11)
                c.drawString(228, y, value)
                y -= 24
        else:
            c.setFont("DejaVu", 11)
            for label, value in rows:
                c.drawString(60, y, "%s: %s" % (label, value))
                y -= 18
        c.setFont("DejaVu", 8)
        c.drawString(60, 60, "This extract is valid for three months from the date of issue.")
        c.showPage()
        c.save()
        truth(path, p)


# ---------------------------------------------------------------- DOCX

def make_docx():
    import docx
    os.makedirs(os.path.join(ROOT, "docx"), exist_ok=True)
    for k in range(10):
        i = (k * 2 + 5) % 15
        p = PEOPLE[i]
        style = ["slash", "iso", "month", "dots"][k % 4]
        d = docx.Document()
        d.add_heading("Employee identity check", level=1)
        d.add_paragraph("Copied from the identity document presented by the employee.")
        rows = [("Surname", p["surname"].title() if k % 3 == 1 else p["surname"]),
                ("Given names", p["given_names"].title() if k % 3 == 1 else p["given_names"]),
                ("Date of birth", fmt_date(p["date_of_birth"], style)),
                ("Sex", {"F": "Female", "M": "Male"}[p["sex"]]),
                ("Nationality", p["nationality"]), ("Place of birth", p["place_of_birth"].title()),
                ("ID number", p["document_number"]),
                ("Expiry date", fmt_date(p["date_of_expiry"], style))]
        if k % 2 == 0:
            t = d.add_table(rows=len(rows), cols=2)
            t.style = "Table Grid"
            for r, (label, value) in enumerate(rows):
                t.cell(r, 0).text = label
                t.cell(r, 1).text = value
        else:
            for label, value in rows:
                d.add_paragraph("%s: %s" % (label, value))
        d.add_paragraph("Checked by HR on arrival.")
        path = os.path.join(ROOT, "docx", "hr-check-%02d-person%02d.docx" % (k + 1, i + 1))
        d.save(path)
        fields = dict(p)
        fields["surname"], fields["given_names"], fields["place_of_birth"] = rows[0][1], rows[1][1], rows[5][1]
        truth(path, fields)


# ---------------------------------------------------------------- XLSX

def make_xlsx():
    import openpyxl
    from openpyxl.styles import Font
    os.makedirs(os.path.join(ROOT, "xlsx"), exist_ok=True)
    for k in range(8):
        i = (k * 4 + 7) % 15
        p = PEOPLE[i]
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Form"
        ws["A1"] = "Visitor registration"
        ws["A1"].font = Font(bold=True, size=14)
        ws.merge_cells("A1:C1")
        rows = [("Surname", p["surname"]), ("Given names", p["given_names"]),
                ("Date of birth", p["date_of_birth"]), ("Sex", p["sex"]),
                ("Nationality", p["nationality"]), ("Place of birth", p["place_of_birth"]),
                ("Document number", p["document_number"]), ("Valid until", p["date_of_expiry"])]
        for r, (label, value) in enumerate(rows, start=3):
            ws.cell(row=r, column=1, value=label + (":" if k % 2 else ""))
            c = ws.cell(row=r, column=2, value=value)
            if isinstance(value, datetime.date):
                c.number_format = "DD.MM.YYYY" if k % 2 else "D MMM YYYY"
        ws.column_dimensions["A"].width = 18
        ws.column_dimensions["B"].width = 24
        path = os.path.join(ROOT, "xlsx", "visitor-%d-person%02d.xlsx" % (k + 1, i + 1))
        wb.save(path)
        truth(path, p)
    # Registers: a header row of labels, one row per person.
    for k, members in enumerate([range(0, 8), range(8, 15)]):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Register"
        header = ["No", "Surname", "Given names", "Sex", "Date of birth", "Place of birth", "Nationality",
                  "Document No", "Date of expiry"]
        for c, h in enumerate(header, start=1):
            ws.cell(row=1, column=c, value=h).font = Font(bold=True)
        path = os.path.join(ROOT, "xlsx", "register-%d.xlsx" % (k + 1))
        for r, i in enumerate(members, start=2):
            p = PEOPLE[i]
            values = [r - 1, p["surname"], p["given_names"], p["sex"], p["date_of_birth"], p["place_of_birth"],
                      p["nationality"], p["document_number"], p["date_of_expiry"]]
            for c, v in enumerate(values, start=1):
                cell = ws.cell(row=r, column=c, value=v)
                if isinstance(v, datetime.date):
                    cell.number_format = "YYYY-MM-DD"
            truth(path, p, row=r)
        wb.save(path)


def main():
    if os.path.isdir(ROOT):
        for sub in ["png", "jpeg", "scanned-pdf", "pdf", "docx", "xlsx"]:
            shutil.rmtree(os.path.join(ROOT, sub), ignore_errors=True)
    os.makedirs(ROOT, exist_ok=True)
    make_images()
    make_text_pdfs()
    make_docx()
    make_xlsx()
    with open(os.path.join(ROOT, "truth.jsonl"), "w", encoding="utf-8") as f:
        for entry in TRUTH:
            f.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
    files = {e["file"] for e in TRUTH}
    print("%d files, %d records" % (len(files), len(TRUTH)))


if __name__ == "__main__":
    main()
