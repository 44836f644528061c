#!/usr/bin/env python3
"""Makes a fresh degraded set of identity-card images from a seed: new synthetic people, the two
card layouts of Samples/identity/, and degradations drawn at random (noise, blur, skew, low
resolution, low contrast, uneven lighting, upside-down or sideways scans, phone photos as JPEG,
image-only PDF scans). It exists so that OCR accuracy is also measured on images no test and no
tuning has seen (issue 6): pick a seed nobody has used and report F1 on it.

    pip install pillow==13.0.0
    python3 Samples/make-identity-fresh.py SEED OUT_DIR [COUNT] [--layouts=stacked,inline,wide,boxed]

`--layouts` picks the card layouts drawn from (default: the two of Samples/identity/); `wide`
and `boxed` are issue 20's layouts no extraction code was tuned on (no MRZ).

OUT_DIR gets png/, jpeg/, scanned-pdf/ and truth.jsonl in the format of Samples/identity/.
Nothing here is committed: the set is made where it is measured.
"""
import datetime
import importlib.util
import json
import os
import random
import sys

from PIL import Image, ImageDraw, ImageFilter

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_identity", os.path.join(HERE, "make-identity.py"))
mi = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mi)

SURNAMES = ["ANDERSSON", "BÉRANGER", "CIOBANU", "DÍAZ", "EKSTRÖM", "FISCHER", "GONÇALVES", "HÄKKINEN",
            "IVANOVA", "JOHANSEN", "KOVÁČ", "LEHMANN", "MORENO RUIZ", "NIELSEN", "OLSEN", "PAPADOPOULOS",
            "QUINTANA", "RÓŻAŃSKA", "SÁNCHEZ", "TANNER", "UNGER", "VÁZQUEZ", "WÓJCIK", "YILMAZ",
            "ZIELIŃSKI", "LE GOFF", "DE LUCA", "O'NEILL", "VAN DER BERG", "ŠIMUNEK"]
GIVEN = ["ÉLODIE", "MATEUSZ", "INÊS", "JÖRG", "SØREN", "ANA MARIA", "ZOË", "RENÉ", "AGNIESZKA",
         "BJÖRN", "LUÍS MIGUEL", "HÉLÈNE", "TOMÁŠ", "KAROLINA", "FRANÇOIS", "MAREK", "NOÉMIE",
         "ØYVIND", "CATALINA", "JONAS", "EMMA", "PAUL", "SARA", "LEA MARIE", "DAVID"]
NATIONS = ["FRA", "POL", "PRT", "DEU", "DNK", "ROU", "ESP", "FIN", "CZE", "SVK", "SWE", "NOR", "TUR",
           "GRC", "AUT", "CHE", "BEL", "NLD", "IRL", "ITA"]
PLACES = ["ÅRHUS", "ŁÓDŹ", "MÁLAGA", "GÖTEBORG", "CLUJ", "BRNO", "GENÈVE", "COIMBRA", "TAMPERE",
          "KÖLN", "BORDEAUX", "İZMİR", "SALZBURG", "BILBAO", "GRAZ", "ODENSE", "POZNAŃ", "LIÈGE",
          "TRONDHEIM", "ZÜRICH", "PORTO", "NICE", "ESSEN", "KOŠICE", "VIGO"]
SEXES = "FM"

# How each image is spoilt: one to three of these, drawn per image.
DEGRADATIONS = ["noise", "blur", "skew", "lowres", "contrast", "lighting"]


def person(rng):
    dob = datetime.date(1945, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 60))
    exp = datetime.date(2027, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 10))
    number = rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") + "".join(rng.choice(mi.NUMCHARS) for _ in range(8))
    return {"surname": rng.choice(SURNAMES), "given_names": rng.choice(GIVEN), "date_of_birth": dob,
            "sex": rng.choice(SEXES), "nationality": rng.choice(NATIONS), "document_number": number,
            "date_of_expiry": exp, "place_of_birth": rng.choice(PLACES)}


def spoil(img, kinds, rng):
    """Like make-identity's degrade, with parameters drawn from `rng`; returns (image, dpi)."""
    dpi = 300
    if "contrast" in kinds:
        # Faded print on a grey card: text at 70-110 instead of 0, paper at 170-200.
        lo, hi = rng.randint(70, 110), rng.randint(170, 200)
        img = img.point(lambda v: lo + (hi - lo) * v // 255)
    if "lighting" in kinds:
        # A shadow across the card: brightness falls by up to 35% from one side.
        w, h = img.size
        depth = rng.uniform(0.2, 0.35)
        shade = Image.linear_gradient("L").rotate(rng.choice([0, 90, 180, 270])).resize((w, h))
        shade = shade.point(lambda v: int(255 * (1 - depth * v / 255)))
        img = _multiply(img, shade)
    if "skew" in kinds:
        angle = rng.choice([-1, 1]) * rng.uniform(0.5, 3.0)
        img = img.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=int(img.getpixel((2, 2))))
    if "blur" in kinds:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.1)))
    if "lowres" in kinds:
        f = rng.uniform(0.55, 0.75)
        img = img.resize((int(img.width * f), int(img.height * f)), Image.LANCZOS)
        dpi = int(300 * f)
    if "noise" in kinds:
        add_noise(img, rng.uniform(8, 18), rng)
    return img, dpi


def add_noise(img, sigma, rng):
    """Gaussian noise of `sigma` grey levels on every pixel of a grey image, in place."""
    px = img.load()
    for y in range(img.height):
        for x in range(img.width):
            px[x, y] = max(0, min(255, px[x, y] + int(rng.gauss(0, sigma))))


def _multiply(img, shade):
    from PIL import ImageChops
    return ImageChops.multiply(img, shade)


FIELDS = [("Surname", "surname"), ("Given names", "given_names"), ("Date of birth", "date_of_birth"),
          ("Sex", "sex"), ("Nationality", "nationality"), ("Place of birth", "place_of_birth"),
          ("Document No", "document_number"), ("Date of expiry", "date_of_expiry")]


def card_wide(p, style):
    """Issue 20's first new layout: labels in a left column, values far to their right (a wide
    gap, no colon), no machine-readable zone. Written after the layout code; no code was tuned
    on it."""
    img = Image.new("L", (1400, 760), 250)
    d = ImageDraw.Draw(img)
    d.text((50, 30), "FEDERATION OF ARCADIA", fill=0, font=mi.font(mi.BOLD, 40))
    d.text((50, 80), "Residence card", fill=40, font=mi.font(mi.SANS, 28))
    lab, val = mi.font(mi.SANS, 30), mi.font(mi.BOLD, 34)
    y = 150
    for label, key in FIELDS:
        value = p[key]
        if isinstance(value, datetime.date):
            value = mi.fmt_date(value, style)
        d.text((50, y), label, fill=70, font=lab)
        d.text((640, y - 2), value, fill=0, font=val)
        y += 70
    return img


def card_boxed(p, style):
    """Issue 20's second new layout: each label small at the top of a drawn box, its value
    inside the box below it, boxes in a grid of three columns; no machine-readable zone."""
    img = Image.new("L", (1500, 700), 255)
    d = ImageDraw.Draw(img)
    d.text((40, 24), "REPUBLIC OF BOREALIA - PERSONAL DATA", fill=0, font=mi.font(mi.BOLD, 36))
    lab, val = mi.font(mi.SANS, 22), mi.font(mi.BOLD, 32)
    for i, (label, key) in enumerate(FIELDS):
        col, row = i % 3, i // 3
        x0, y0 = 40 + col * 480, 100 + row * 180
        d.rectangle([x0, y0, x0 + 450, y0 + 150], outline=90, width=3)
        d.text((x0 + 14, y0 + 10), label, fill=80, font=lab)
        value = p[key]
        if isinstance(value, datetime.date):
            value = mi.fmt_date(value, style)
        d.text((x0 + 14, y0 + 60), value, fill=0, font=val)
    return img


LAYOUTS = {"stacked": mi.card_stacked, "inline": mi.card_inline, "wide": card_wide, "boxed": card_boxed}


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--layouts=")]
    layouts = ["stacked", "inline"]
    for a in sys.argv[1:]:
        if a.startswith("--layouts="):
            layouts = a.split("=", 1)[1].split(",")
    if len(args) < 2 or any(l not in LAYOUTS for l in layouts):
        sys.exit("usage: make-identity-fresh.py SEED OUT_DIR [COUNT] [--layouts=stacked,inline,wide,boxed]")
    seed, out = int(args[0]), args[1]
    count = int(args[2]) if len(args) > 2 else 30
    rng = random.Random(seed)
    for sub in ["png", "jpeg", "scanned-pdf"]:
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    truth = []
    styles = ["dots", "slash", "month"]
    for k in range(count):
        p = person(rng)
        style = rng.choice(styles)
        layout = rng.choice(layouts)
        base = LAYOUTS[layout](p, style)
        kinds = rng.sample(DEGRADATIONS, rng.choice([1, 2, 2, 3]))
        img, dpi = spoil(base, kinds, rng)
        form = rng.choices(["png", "jpeg", "scanned-pdf"], weights=[6, 2, 2])[0]
        if form == "png" and rng.random() < 0.15:
            turn = rng.choice([90, 180, 270])
            img = img.rotate(turn, expand=True)
            kinds = kinds + ["rot%d" % turn]
        name = "fresh-%03d-%s" % (k + 1, "-".join(kinds))
        if form == "png":
            path = os.path.join(out, "png", name + ".png")
            img.save(path, dpi=(dpi, dpi), optimize=True)
        elif form == "jpeg":
            path = os.path.join(out, "jpeg", name + ".jpg")
            mi.photo(img, rng.randrange(1 << 30)).save(path, quality=rng.randint(70, 90))
        else:
            page = Image.new("L", (2480, 3508), 255)
            page.paste(img, (rng.randint(100, 400), rng.randint(100, 600)))
            if rng.random() < 0.2:
                page = page.rotate(180)
                name += "-rot180"
            path = os.path.join(out, "scanned-pdf", name + ".pdf")
            page.save(path, resolution=300.0)
        fields = {k2: (v.isoformat() if isinstance(v, datetime.date) else v) for k2, v in p.items()}
        if layout in ("stacked", "inline"):
            fields["mrz"] = "\n".join(mi.td1(p))
        truth.append({"file": os.path.relpath(path, out), "fields": fields})
    with open(os.path.join(out, "truth.jsonl"), "w", encoding="utf-8") as f:
        for entry in truth:
            f.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
    print("%d images in %s (seed %d)" % (count, out, seed))


if __name__ == "__main__":
    main()
