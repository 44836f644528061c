#!/usr/bin/env python3
"""Makes a fresh degraded set of identity-card images from a seed: new synthetic people, the two
card layouts of Samples/identity/, and degradations drawn at random (noise, blur, skew, low
resolution, low contrast, uneven lighting, upside-down or sideways scans, phone photos as JPEG,
image-only PDF scans). It exists so that OCR accuracy is also measured on images no test and no
tuning has seen (issue 6): pick a seed nobody has used and report F1 on it.

    pip install pillow==13.0.0
    python3 Samples/make-identity-fresh.py SEED OUT_DIR [COUNT]

OUT_DIR gets png/, jpeg/, scanned-pdf/ and truth.jsonl in the format of Samples/identity/.
Nothing here is committed: the set is made where it is measured.
"""
import datetime
import importlib.util
import json
import os
import random
import sys

from PIL import Image, ImageFilter

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


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: make-identity-fresh.py SEED OUT_DIR [COUNT]")
    seed, out = int(sys.argv[1]), sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    rng = random.Random(seed)
    for sub in ["png", "jpeg", "scanned-pdf"]:
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    truth = []
    styles = ["dots", "slash", "month"]
    for k in range(count):
        p = person(rng)
        style = rng.choice(styles)
        base = mi.card_stacked(p, style) if rng.random() < 0.5 else mi.card_inline(p, style)
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
        fields["mrz"] = "\n".join(mi.td1(p))
        truth.append({"file": os.path.relpath(path, out), "fields": fields})
    with open(os.path.join(out, "truth.jsonl"), "w", encoding="utf-8") as f:
        for entry in truth:
            f.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
    print("%d images in %s (seed %d)" % (count, out, seed))


if __name__ == "__main__":
    main()
