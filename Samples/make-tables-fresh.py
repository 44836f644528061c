#!/usr/bin/env python3
"""Makes a fresh set of synthetic report pages, each with one or two tables, from a seed, to
measure the table finder (`docroute eval-tables`) on tables no threshold was chosen on (issue
23): six rule styles (a full grid; a frame with column lines; a frame with row lines; zebra
shading in a frame; a dark header fill with white words over a light grid; top, header and
bottom rules only), headers of one or two levels (a group cell over two columns), labels that
wrap over two lines, figures, percentages and words. Each page is written as a PDF with a text
layer and as a grey PNG (150-300 dpi) of the same page.

    pip install pillow==13.0.0 reportlab==4.2.5
    python3 Samples/make-tables-fresh.py SEED OUT_DIR [COUNT]
    docroute eval-tables OUT_DIR/pdf        # text layer
    docroute eval-tables OUT_DIR/png        # OCR

Each of OUT_DIR/pdf and OUT_DIR/png gets its own truth-tables.jsonl (ICDAR 2013 regions:
0-based rows and columns, 1-based pages). Nothing here is committed: pick a seed nobody has
used and report F1 on it.
"""
import json
import os
import random
import sys

from PIL import Image, ImageDraw, ImageFont

SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

STYLES = ["grid", "columns", "rows", "zebra", "dark", "open"]
LABELS = ["Agriculture", "Fisheries", "Energy supply", "Manufacturing", "Construction", "Retail trade",
          "Transport", "Hotels and restaurants", "Public administration", "Education", "Health care",
          "Financial services", "Water supply", "Mining and quarrying", "Households", "Other services",
          "Research and development", "Waste management", "Telecommunications", "Real estate"]
REGIONS = ["North", "South", "East", "West", "Central", "Coastal", "Urban", "Rural", "Total", "Other"]
HEADS = ["Value", "Share", "Change", "Count", "Rate", "Mean", "Median", "Budget", "Actual", "Target",
         "Cases", "Index", "Growth", "Output", "Staff"]
GROUPS = ["Men", "Women", "Public", "Private", "Before", "After", "Planned", "Spent"]
WORDS = "the of results for each year were reported by all member states and regions in this".split()


def figure(rng, kind):
    if kind == "int":
        return "{:,}".format(rng.randint(0, 250000)) if rng.random() < 0.7 else str(rng.randint(0, 99))
    if kind == "pct":
        return "%.1f%%" % rng.uniform(0, 100)
    if kind == "dec":
        return "%.2f" % rng.uniform(-50, 500)
    return rng.choice(["yes", "no", "n/a", "-", "high", "low", "medium"])


def table(rng):
    """A table: header rows (lists of (text, span)), body rows (lists of cell texts, the first a
    label that may hold a newline), the column widths and the rule style."""
    columns = rng.randint(3, 7)
    kinds = [rng.choice(["int", "pct", "dec", "int", "word"]) for _ in range(columns - 1)]
    heads = rng.sample(HEADS, columns - 1)
    header = [[(rng.choice(["Sector", "Region", "Item", "Category"]), 1)] + [(h, 1) for h in heads]]
    if columns >= 4 and rng.random() < 0.4:
        # A group cell over two columns above the second header row.
        start = rng.randint(1, columns - 2)
        top = [("", 1)] * start + [(rng.choice(GROUPS), 2)] + [("", 1)] * (columns - start - 2)
        header.insert(0, top)
    body = []
    labels = rng.sample(LABELS + REGIONS, rng.randint(4, 12))
    for label in labels:
        body.append([label] + [figure(rng, k) for k in kinds])
    label_width = rng.choice([80, 100, 130])
    widths = [label_width] + [rng.choice([50, 60, 70]) for _ in kinds]
    return {"header": header, "body": body, "widths": widths, "style": rng.choice(STYLES)}


def wrap(text, width, size):
    """Lines of `text` in a column `width` points wide (DejaVu at `size`: about 0.55 em a letter)."""
    per = max(4, int(width / (size * 0.58)))
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > per:
            lines.append(line)
            line = word
        else:
            line = (line + " " + word).strip()
    return lines + [line] if line else lines


def draw(t, x0, y0, ops, size):
    """Adds the table's draw operations; returns its cells (ICDAR) and its bottom."""
    widths, style = t["widths"], t["style"]
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    lead = size * 1.25
    rows = []  # (kind, cells) with cells [(text lines, col, span)]
    for h in t["header"]:
        cells, c = [], 0
        for text, span in h:
            cells.append(([text] if text else [], c, span))
            c += span
        rows.append(("head", cells))
    for r in t["body"]:
        cells = [(wrap(r[0], widths[0] - 8, size), 0, 1)] + [([v], c + 1, 1) for c, v in enumerate(r[1:])]
        rows.append(("body", cells))
    out, y = [], y0
    tops = []
    for i, (kind, cells) in enumerate(rows):
        height = max(len(lines) for lines, _, _ in cells or [([""], 0, 1)]) * lead + size * 0.8
        tops.append((y, y + height, kind))
        if style == "zebra" and kind == "body" and i % 2 == 0:
            ops.append(("fill", xs[0], y, xs[-1] - xs[0], height, 235))
        if style == "dark" and kind == "head":
            ops.append(("fill", xs[0], y, xs[-1] - xs[0], height, 70))
        for lines, c, span in cells:
            right = c > 0 and kind == "body"
            for k, line in enumerate(lines):
                base = y + size * 0.4 + (k + 1) * lead - size * 0.25
                if right:
                    ops.append(("text", xs[c + span] - 4, base, size, False, line, "right", 0))
                elif span > 1:
                    ops.append(("text", (xs[c] + xs[c + span]) / 2, base, size, True, line, "centre",
                                255 if style == "dark" else 0))
                else:
                    ops.append(("text", xs[c] + 4, base, size, kind == "head", line, "left",
                                255 if style == "dark" and kind == "head" else 0))
            if lines:
                out.append({"start_row": i, "end_row": i, "start_col": c, "end_col": c + span - 1,
                            "content": " ".join(lines)})
        y += height
    bottom = y
    grey = 170 if style == "dark" else 0
    def hline(yy, width=0.6):
        ops.append(("line", xs[0], yy, xs[-1], yy, width, grey))
    def vline(xx, width=0.6):
        ops.append(("line", xx, y0, xx, bottom, width, grey))
    heads = [t for t in tops if t[2] == "head"]
    if style in ("grid", "dark"):
        for top, _, _ in tops:
            hline(top)
        hline(bottom)
        for i, x in enumerate(xs):
            if 0 < i < len(xs) - 1 and len(t["header"]) > 1:
                # Column lines stop under a group cell.
                group = [(c, s) for _, c, s in rows[0][1] if s > 1]
                if any(c < i < c + s for c, s in group):
                    ops.append(("line", x, heads[1][0], x, bottom, 0.6, grey))
                    continue
            vline(x)
    elif style == "columns":
        hline(y0); hline(heads[-1][1]); hline(bottom)
        for x in xs:
            vline(x)
    elif style in ("rows", "zebra"):
        for top, _, _ in tops if style == "rows" else tops[:1]:
            hline(top)
        hline(heads[-1][1]); hline(bottom)
        vline(xs[0]); vline(xs[-1])
    else:
        hline(y0, 1.2); hline(heads[-1][1]); hline(bottom, 1.2)
    return out, bottom


def page(rng):
    ops = []
    size = rng.choice([8, 9, 10])
    y = 70
    ops.append(("text", 60, y, 14, True, "Report %d: %s" % (rng.randint(1, 40), rng.choice(LABELS)), "left", 0))
    y += 24
    tables = []
    for n in range(rng.choice([1, 1, 2])):
        for _ in range(rng.randint(1, 3)):
            line = " ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + "."
            ops.append(("text", 60, y, 9, False, line, "left", 0))
            y += 13
        y += 10
        ops.append(("text", 60, y, 9, True, "Table %d. %s by %s" % (n + 1, rng.choice(HEADS), rng.choice(["sector", "region"])), "left", 0))
        y += 8
        t = table(rng)
        if 60 + sum(t["widths"]) > 545:
            t["widths"] = [w * 485 / sum(t["widths"]) for w in t["widths"]]
        cells, y = draw(t, 60, y, ops, size)
        tables.append(cells)
        y += 24
        if y > 640:
            break
    return ops, tables


def write_pdf(ops, path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", SANS))
        pdfmetrics.registerFont(TTFont("DejaVuBold", BOLD))
    c = canvas.Canvas(path, pagesize=A4, invariant=1)
    h = A4[1]
    for op in ops:
        if op[0] == "fill":
            _, x, y, bw, bh, grey = op
            c.setFillGray(grey / 255)
            c.rect(x, h - y - bh, bw, bh, stroke=0, fill=1)
        elif op[0] == "line":
            _, x0, y0, x1, y1, width, grey = op
            c.setStrokeGray(grey / 255)
            c.setLineWidth(width)
            c.line(x0, h - y0, x1, h - y1)
        else:
            _, x, y, size, bold, s, align, grey = op
            c.setFillGray(grey / 255)
            c.setFont("DejaVuBold" if bold else "DejaVu", size)
            {"right": c.drawRightString, "centre": c.drawCentredString}.get(align, c.drawString)(x, h - y, s)
    c.showPage()
    c.save()


def write_png(ops, path, dpi):
    k = dpi / 72
    img = Image.new("L", (int(595 * k), int(842 * k)), 255)
    d = ImageDraw.Draw(img)
    fonts = {}
    for op in ops:
        if op[0] == "fill":
            _, x, y, bw, bh, grey = op
            d.rectangle([x * k, y * k, (x + bw) * k, (y + bh) * k], fill=grey)
        elif op[0] == "line":
            _, x0, y0, x1, y1, width, grey = op
            d.line([x0 * k, y0 * k, x1 * k, y1 * k], fill=grey, width=max(1, round(width * k)))
        else:
            _, x, y, size, bold, s, align, grey = op
            f = fonts.setdefault((size, bold), ImageFont.truetype(BOLD if bold else SANS, int(size * k)))
            width = d.textlength(s, font=f)
            px = x * k - {"right": width, "centre": width / 2}.get(align, 0)
            d.text((px, y * k), s, font=f, fill=grey, anchor="ls")
    img.save(path, dpi=(dpi, dpi))


def main():
    seed, out = int(sys.argv[1]), sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    for kind in ("pdf", "png"):
        os.makedirs(os.path.join(out, kind), exist_ok=True)
    truth = {"pdf": [], "png": []}
    for i in range(count):
        rng = random.Random(seed * 1000 + i)
        ops, tables = page(rng)
        name = "tables-%03d" % (i + 1)
        write_pdf(ops, os.path.join(out, "pdf", name + ".pdf"))
        write_png(ops, os.path.join(out, "png", name + ".png"), rng.choice([150, 200, 300]))
        for kind in ("pdf", "png"):
            for n, cells in enumerate(tables):
                truth[kind].append({"file": "%s.%s" % (name, kind), "table": str(n + 1),
                                    "regions": [{"page": 1, "cells": cells}]})
    for kind in ("pdf", "png"):
        with open(os.path.join(out, kind, "truth-tables.jsonl"), "w") as f:
            for t in truth[kind]:
                f.write(json.dumps(t, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
