#!/usr/bin/env python3
"""Makes a stream of identity-card images for the learned-template benchmark (issue 7): COUNT
PNG cards of one layout (or of both, interleaved), each with new synthetic values, noise and a
skew of 0-3 degrees, and a truth.jsonl in the format of Samples/identity/.

    pip install pillow==13.0.0
    python3 Samples/make-identity-stream.py SEED OUT_DIR COUNT [stacked|inline|mixed]

Nothing here is committed: the stream is made where it is measured.
"""
import datetime
import importlib.util
import json
import os
import random
import sys

from PIL import Image, ImageFilter

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("make_identity_fresh", os.path.join(HERE, "make-identity-fresh.py"))
fresh = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fresh)
mi = fresh.mi


def card(p, layout, rng):
    style = rng.choice(["dots", "slash", "month"])
    img = mi.card_stacked(p, style) if layout == "stacked" else mi.card_inline(p, style)
    angle = rng.uniform(0, 3) * rng.choice([-1, 1])
    img = img.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=int(img.getpixel((2, 2))))
    if rng.random() < 0.3:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.8)))
    fresh.add_noise(img, rng.uniform(4, 14), rng)
    return img, angle


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: make-identity-stream.py SEED OUT_DIR COUNT [stacked|inline|mixed]")
    seed, out, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    layout = sys.argv[4] if len(sys.argv) > 4 else "stacked"
    rng = random.Random(seed)
    os.makedirs(os.path.join(out, "png"), exist_ok=True)
    truth = []
    for k in range(count):
        p = fresh.person(rng)
        this = layout if layout != "mixed" else rng.choice(["stacked", "inline"])
        img, angle = card(p, this, rng)
        name = "stream-%04d-%s.png" % (k + 1, this)
        img.save(os.path.join(out, "png", name), dpi=(300, 300), optimize=True)
        fields = {k2: (v.isoformat() if isinstance(v, datetime.date) else v) for k2, v in p.items()}
        fields["mrz"] = "\n".join(mi.td1(p))
        truth.append({"file": "png/" + name, "fields": fields, "layout": this, "skew": round(angle, 2)})
    with open(os.path.join(out, "truth.jsonl"), "w", encoding="utf-8") as f:
        for entry in truth:
            f.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
    print("%d %s images in %s (seed %d)" % (count, layout, out, seed))


if __name__ == "__main__":
    main()
