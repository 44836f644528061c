#!/usr/bin/env python3
"""Makes Samples/identity-unseen/: degraded card images whose layouts the identity pipeline has
never seen, and truth.jsonl. They exist to measure the LLM fallback (docs/llm.md).

The cards print the same facts as Samples/identity/ but under labels the pipeline does not list
(Italian and Dutch), with no machine-readable zone, so that label, table and template strategies
find little; each image is degraded (noise, blur, skew, low resolution, or photographed as a
JPEG). Ten new synthetic people, from a seed Samples/identity/ does not use.

    pip install pillow==13.0.0
    python3 Samples/make-identity-unseen.py

truth.jsonl has the format of Samples/identity/truth.jsonl.
"""
import datetime
import importlib.util
import json
import os
import random
import shutil

from PIL import Image, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "identity-unseen")

_spec = importlib.util.spec_from_file_location("make_identity", os.path.join(HERE, "make-identity.py"))
mi = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mi)

rng = random.Random(77031)
SURNAMES = ["BIANCHI", "DE VRIES", "ESPOSITO", "JANSSEN", "COLOMBO", "BAKKER", "RICCI", "VISSER",
            "MARINO", "SMIT"]
GIVEN = ["FRANCESCA", "PIETER JAN", "MARCO", "SANNE", "CHIARA", "DAAN", "LUCA", "EMMA LOUISE",
         "SOFIA", "RUBEN"]
NATIONS = ["ITA", "NLD", "ITA", "NLD", "ITA", "BEL", "ITA", "NLD", "CHE", "NLD"]
PLACES = ["MILANO", "LEIDEN", "NAPOLI", "ZWOLLE", "BERGAMO", "GENT", "PALERMO", "DELFT",
          "LUGANO", "ARNHEM"]
SEXES = "FMMFFMMFFM"

ITALIAN = ["Cognome", "Nome", "Data di nascita", "Luogo di nascita", "Sesso", "Cittadinanza",
           "Scadenza", "N. carta"]
DUTCH = ["Achternaam", "Voornamen", "Geboortedatum", "Geboorteplaats", "Geslacht",
         "Nationaliteit", "Geldig tot", "Kaartnummer"]


def person(i):
    dob = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 55))
    exp = datetime.date(2027, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 10))
    number = rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") + "".join(rng.choice(mi.NUMCHARS) for _ in range(8))
    return {"surname": SURNAMES[i], "given_names": GIVEN[i], "date_of_birth": dob, "sex": SEXES[i],
            "nationality": NATIONS[i], "document_number": number, "date_of_expiry": exp,
            "place_of_birth": PLACES[i]}


def values(p, style):
    return [p["surname"], p["given_names"], mi.fmt_date(p["date_of_birth"], style), p["place_of_birth"],
            p["sex"], p["nationality"], mi.fmt_date(p["date_of_expiry"], style), p["document_number"]]


def card_stacked(p, labels, title, style):
    """A TD1-size card: small labels above values in two columns, no MRZ."""
    img = Image.new("L", (1011, 638), 246)
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, 1010, 90], fill=225)
    d.text((30, 14), title[0], fill=0, font=mi.font(mi.BOLD, 30))
    d.text((30, 52), title[1], fill=0, font=mi.font(mi.SANS, 26))
    d.rectangle([30, 110, 250, 380], outline=120, width=3)
    lab, val = mi.font(mi.SANS, 22), mi.font(mi.BOLD, 32)
    pairs = list(zip(labels, values(p, style)))
    for k, (label, value) in enumerate(pairs[:4]):
        d.text((280, 105 + 72 * k), label, fill=60, font=lab)
        d.text((280, 131 + 72 * k), value, fill=0, font=val)
    for k, (label, value) in enumerate(pairs[4:7]):
        d.text((760, 105 + 72 * k), label, fill=60, font=lab)
        d.text((760, 131 + 72 * k), value, fill=0, font=val)
    d.text((30, 420), pairs[7][0], fill=60, font=lab)
    d.text((30, 446), pairs[7][1], fill=0, font=mi.font(mi.MONO, 32))
    return img


def card_inline(p, labels, title, style):
    """A permit printed as `Label: value` lines, no MRZ."""
    img = Image.new("L", (1240, 640), 255)
    d = ImageDraw.Draw(img)
    d.text((50, 30), title[0] + " " + title[1], fill=0, font=mi.font(mi.BOLD, 40))
    f = mi.font(mi.SANS, 34)
    for k, (label, value) in enumerate(zip(labels, values(p, style))):
        d.text((50, 110 + 54 * k), "%s: %s" % (label, value), fill=0, font=f)
    return img


def main():
    shutil.rmtree(ROOT, ignore_errors=True)
    os.makedirs(os.path.join(ROOT, "png"))
    os.makedirs(os.path.join(ROOT, "jpeg"))
    people = [person(i) for i in range(10)]
    plans = [["noise"], ["blur"], ["skew"], ["lowres"], ["noise", "skew"], ["blur", "skew"],
             ["lowres", "noise"], "photo", ["skew"], "photo"]
    styles = ["dots", "slash", "month"]
    truth = []
    for k, (p, plan) in enumerate(zip(people, plans)):
        italian = p["nationality"] in ("ITA", "CHE")
        labels = ITALIAN if italian else DUTCH
        title = ("REPUBBLICA DI UTOPIA", "CARTA D'IDENTITÀ") if italian else ("KONINKRIJK UTOPIA", "VERBLIJFSDOCUMENT")
        make = card_stacked if k % 2 == 0 else card_inline
        base = make(p, labels, title, styles[k % 3])
        if plan == "photo":
            path = os.path.join(ROOT, "jpeg", "photo-person%02d.jpg" % (k + 1))
            mi.photo(base, 500 + k).save(path, quality=85)
        else:
            img, dpi = mi.degrade(base, plan, 400 + k)
            path = os.path.join(ROOT, "png", "card-person%02d-%s.png" % (k + 1, "-".join(plan)))
            img.save(path, dpi=(dpi, dpi), optimize=True)
        fields = {key: (v.isoformat() if isinstance(v, datetime.date) else v) for key, v in p.items()}
        truth.append({"file": os.path.relpath(path, ROOT), "fields": fields})
    with open(os.path.join(ROOT, "truth.jsonl"), "w", encoding="utf-8") as f:
        for entry in truth:
            f.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
    print("%d files" % len(truth))


if __name__ == "__main__":
    main()
