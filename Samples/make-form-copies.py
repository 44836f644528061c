#!/usr/bin/env python3
"""Makes filled, scanned copies of a real blank form: page 2 of the US federal SF-424
(Application for Federal Assistance, a work of the US government), as shipped in the sdist of
pypdf 7.1.1 (`resources/SF424_page2.pdf`; fetched from PyPI once, sha256-checked, cached
under ${DOCROUTE_CACHE:-~/.cache/docroute}/forms). Issue 24's form set: one layout, many copies,
for learning a form from one labelled copy and reading the others by it.

    pip install pillow==13.0.0 reportlab==4.2.5 pypdf==7.1.1
    python3 Samples/make-form-copies.py SEED OUT_DIR [COUNT] [--pdf]
    docroute templates learn OUT_DIR/copy-001.png --truth LINE.json --pipeline Samples/sf424.yaml --templates T
    docroute eval OUT_DIR --pipeline Samples/sf424.yaml --templates T

Each copy gets its own values typed into the form's boxes (applicant type, agency, CFDA number
and title, funding opportunity number and title, competition number, areas, project title;
some optional boxes left empty), is rendered at 150, 200 or 300 dpi in grey, and is scanned one
way: clean, noisy, blurred, skewed (up to 1.5°), shifted and scaled a little, or low-resolution.
The form's one prefilled value (its agency line) is blanked first. OUT_DIR gets copy-NNN.png and
truth.jsonl (values as typed; multi-line values joined by spaces). Nothing here is committed:
pick a seed nobody has used and report F1 on it.

With --pdf the copies are PDFs with a text layer instead (copy-NNN.pdf), as a program that fills
the form and prints it flat makes them: the blank page's own content with its form widgets
and prefilled values dropped, the values typed in Helvetica or Courier at 7.5–9 pt, and one copy in three moved
(up to 6 pt) and scaled (±2 %) as a different printer driver would place the page.
"""
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile

from PIL import Image, ImageDraw, ImageFilter, ImageFont

SHA256 = "bdc3c9b43ea8facaddc50ed3a6ce9a6311fba05271710bc40e01ffda4fa7993c"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"

# The form's input boxes, in points (x0, y0, x1, y1), and how many lines each holds.
BOXES = {
    "applicant_type": ((34, 79, 528, 92), 1),
    "applicant_type_2": ((34, 112, 528, 125), 1),
    "agency": ((34, 213, 509, 226), 1),
    "cfda_number": ((34, 250, 158, 263), 1),
    "cfda_title": ((34, 282, 518, 305), 2),
    "funding_number": ((34, 328, 350, 341), 1),
    "funding_title": ((34, 361, 518, 412), 3),
    "competition_number": ((34, 436, 350, 449), 1),
    "areas": ((34, 543, 518, 595), 3),
    "project_title": ((34, 618, 518, 660), 3),
}
# The prefilled agency line, blanked (points).
PREFILLED = (36, 215, 240, 226)

TYPES = ["A: State Government", "B: County Government", "C: City or Township Government",
         "D: Special District Government", "G: Independent School District",
         "H: Public/State Controlled Institution of Higher Education",
         "M: Nonprofit with 501C3 IRS Status (Other than Institution of Higher Education)",
         "N: Nonprofit without 501C3 IRS Status (Other than Institution of Higher Education)",
         "O: Private Institution of Higher Education", "P: Individual", "Q: For-Profit Organization (Other than Small Business)",
         "R: Small Business", "I: Indian/Native American Tribal Government (Federally Recognized)"]
AGENCIES = ["U.S. Department of the Interior, Fish and Wildlife Service", "Department of Health and Human Services",
            "National Science Foundation", "Department of Energy", "Department of Agriculture, Forest Service",
            "Environmental Protection Agency", "Department of Commerce, NOAA", "Department of Education",
            "Department of Transportation, Federal Transit Administration", "National Endowment for the Arts",
            "Department of Justice, Office of Justice Programs", "Department of Housing and Urban Development"]
PROGRAMS = ["Wildlife Restoration and Basic Hunter Education", "Community Development Block Grants",
            "Geosciences", "Conservation Research and Development", "Urban and Community Forestry Program",
            "Brownfields Multipurpose, Assessment, Revolving Loan Fund, and Cleanup Cooperative Agreements",
            "Coastal Zone Management Administration Awards", "Promise Neighborhoods",
            "Formula Grants for Rural Areas and Tribal Transit Program", "Promotion of the Arts Grants to Organizations and Individuals",
            "Edward Byrne Memorial Justice Assistance Grant Program", "Substance Abuse and Mental Health Services Projects of Regional and National Significance"]
WORDS = ["Restoring", "Riparian", "Habitat", "along", "the", "Upper", "Clearwater", "River", "Expanding", "Rural",
         "Transit", "Access", "for", "Seniors", "Community", "Health", "Workers", "in", "Coastal", "Counties",
         "Youth", "Literacy", "and", "Digital", "Skills", "Program", "Wetland", "Monitoring", "Network",
         "Flood", "Resilience", "Planning", "Tribal", "Lands", "Energy", "Efficiency", "Retrofits", "Public",
         "Schools", "Watershed", "Partnership", "Early", "Childhood", "Arts", "Education", "Initiative"]
PLACES = ["Cook County, Illinois", "City of Chicago", "Lewis County, Idaho", "Nez Perce Reservation", "State of Oregon",
          "Maricopa County, Arizona", "City of Phoenix", "Travis County, Texas", "Statewide, Vermont",
          "Hamilton County, Ohio", "City of Cincinnati", "Kenai Peninsula Borough, Alaska", "Suffolk County, Massachusetts"]
AGENCY_CODES = ["FWS", "HHS", "NSF", "DE", "USDA", "EPA", "NOAA", "ED", "FTA", "NEA", "OJP", "HUD"]


def form_pdf():
    cache = os.path.join(os.environ.get("DOCROUTE_CACHE", os.path.expanduser("~/.cache/docroute")), "forms")
    path = os.path.join(cache, "SF424_page2.pdf")
    if os.path.exists(path) and hashlib.sha256(open(path, "rb").read()).hexdigest() == SHA256:
        return path
    os.makedirs(cache, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                        "pypdf==7.1.1", "-d", work], check=True)
        import tarfile
        with tarfile.open(os.path.join(work, "pypdf-7.1.1.tar.gz")) as tar:
            data = tar.extractfile("pypdf-7.1.1/resources/SF424_page2.pdf").read()
    if hashlib.sha256(data).hexdigest() != SHA256:
        sys.exit("SF424_page2.pdf: unexpected sha256")
    with open(path, "wb") as f:
        f.write(data)
    return path


def blank(dpi, cache={}):
    if dpi not in cache:
        with tempfile.TemporaryDirectory() as work:
            subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", form_pdf(),
                            os.path.join(work, "page")], check=True)
            img = Image.open(os.path.join(work, "page.png")).convert("L")
            img.load()
        s = dpi / 72
        ImageDraw.Draw(img).rectangle([PREFILLED[0] * s, PREFILLED[1] * s, PREFILLED[2] * s, PREFILLED[3] * s], fill=255)
        cache[dpi] = img
    return cache[dpi].copy()


def wrap(text, font, width, lines):
    out, line = [], ""
    for word in text.split():
        trial = (line + " " + word).strip()
        if font.getlength(trial) <= width or not line:
            line = trial
        else:
            out.append(line)
            line = word
    out.append(line)
    return out[:lines]


def values(rng):
    k = rng.randrange(len(AGENCIES))
    v = {
        "applicant_type": rng.choice(TYPES),
        "agency": AGENCIES[k],
        "cfda_number": "%02d.%03d" % (rng.randint(10, 99), rng.randint(1, 999)),
        "cfda_title": rng.choice(PROGRAMS),
        "funding_number": "%s-%d-%s-%04d" % (AGENCY_CODES[k], rng.randint(2019, 2026),
                                             "".join(rng.choice("ABCDEFGHJKLMNPRSTUVW") for _ in range(3)),
                                             rng.randint(1, 9999)),
        "funding_title": " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14))),
        "areas": "; ".join(rng.sample(PLACES, rng.randint(1, 3))),
        "project_title": " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))),
    }
    if rng.random() < 0.3:
        v["applicant_type_2"] = rng.choice(TYPES)
    if rng.random() < 0.5:
        v["competition_number"] = "%s-%d-%02d" % (AGENCY_CODES[k], rng.randint(2019, 2026), rng.randint(1, 40))
    return v


def fill(img, dpi, v, rng):
    s = dpi / 72
    draw = ImageDraw.Draw(img)
    size = rng.choice([7.5, 8, 8.5])
    font = ImageFont.truetype(rng.choice([FONT, MONO]), int(round(size * s)))
    truth = {}
    for name, ((x0, y0, x1, y1), lines) in BOXES.items():
        if name not in v:
            continue
        rows = wrap(v[name], font, (x1 - x0 - 8) * s, lines)
        truth[name] = " ".join(rows)
        for i, row in enumerate(rows):
            draw.text(((x0 + 3) * s, (y0 + 1.5 + i * size * 1.3) * s), row, font=font, fill=rng.randint(0, 40))
    return truth


def scan(img, dpi, how, rng):
    if how == "noise":
        noise = Image.effect_noise(img.size, 30)
        img = Image.blend(img, noise, 0.25)
    elif how == "blur":
        img = img.filter(ImageFilter.GaussianBlur(radius=dpi / 150))
    elif how == "skew":
        img = img.rotate(rng.uniform(-1.5, 1.5), resample=Image.BICUBIC, expand=False, fillcolor=255)
    elif how == "shift":
        f = rng.uniform(0.97, 1.03)
        scaled = img.resize((int(img.width * f), int(img.height * f)), Image.BICUBIC)
        page = Image.new("L", img.size, 255)
        page.paste(scaled, (int(rng.uniform(-10, 10) * dpi / 72), int(rng.uniform(-10, 10) * dpi / 72)))
        img = page
    elif how == "lowres":
        small = img.resize((img.width * 100 // dpi, img.height * 100 // dpi), Image.BILINEAR)
        img = small
        dpi = 100
    return img, dpi


def fill_pdf(v, rng, path):
    import io
    from pypdf import PdfReader, PdfWriter, Transformation
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas
    writer = PdfWriter(clone_from=form_pdf())
    page = writer.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    font, size = rng.choice(["Helvetica", "Courier"]), rng.choice([7.5, 8, 8.5, 9])
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(width, height))
    c.setFont(font, size)
    truth = {}
    for name, ((x0, y0, x1, y1), lines) in BOXES.items():
        if name not in v:
            continue
        rows, line = [], ""
        for word in v[name].split():
            trial = (line + " " + word).strip()
            if stringWidth(trial, font, size) <= x1 - x0 - 8 or not line:
                line = trial
            else:
                rows.append(line)
                line = word
        rows = (rows + [line])[:lines]
        truth[name] = " ".join(rows)
        for i, row in enumerate(rows):
            c.drawString(x0 + 3, height - (y0 + 1.5 + size * 0.85 + i * size * 1.3), row)
    c.save()
    overlay = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
    if "/Annots" in page:
        del page["/Annots"]
    # The blank's prefilled values (under its widgets, which are gone): `NGMS Agency` and the
    # funding opportunity's `MBL-SF424…` number and title.
    content = page.get_contents()
    content.operations = [(a, op) for a, op in content.operations
                          if not (op == b"TJ" and "".join(x for x in a[0] if isinstance(x, str)).startswith(("NG", "MB")))]
    page.replace_contents(content)
    page.merge_page(overlay)
    if rng.random() < 1 / 3:
        f = rng.uniform(0.98, 1.02)
        page.add_transformation(Transformation().scale(f, f).translate(rng.uniform(-6, 6), rng.uniform(-6, 6)))
    if "/AcroForm" in writer._root_object:
        del writer._root_object["/AcroForm"]
    with open(path, "wb") as out:
        writer.write(out)
    return truth


def main():
    args = [a for a in sys.argv[1:] if a != "--pdf"]
    if len(args) < 2:
        sys.exit(__doc__)
    seed, out = int(args[0]), args[1]
    count = int(args[2]) if len(args) > 2 else 12
    rng = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    ways = ["clean", "noise", "blur", "skew", "shift", "lowres"]
    with open(os.path.join(out, "truth.jsonl"), "w") as t:
        if "--pdf" in sys.argv:
            for n in range(1, count + 1):
                name = "copy-%03d.pdf" % n
                truth = fill_pdf(values(rng), rng, os.path.join(out, name))
                t.write(json.dumps({"file": name, "fields": truth}) + "\n")
            return
        for n in range(1, count + 1):
            dpi = rng.choice([150, 200, 300])
            img = blank(dpi)
            truth = fill(img, dpi, values(rng), rng)
            how = "clean" if n == 1 else ways[(n - 1) % len(ways)]
            img, dpi = scan(img, dpi, how, rng)
            name = "copy-%03d.png" % n
            img.save(os.path.join(out, name), dpi=(dpi, dpi))
            t.write(json.dumps({"file": name, "fields": truth}) + "\n")


if __name__ == "__main__":
    main()
