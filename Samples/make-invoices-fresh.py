#!/usr/bin/env python3
"""Makes a fresh set of synthetic invoices from a seed, to measure the shipped `invoice`
pipeline on layouts and wordings no extraction code was tuned on (issue 20): six languages,
issuers and customers, three ways of printing the header facts (`Label: value`, a label column
and a value column far apart, labels in ruled boxes above their values), line items, a totals
block, shipping as an item sometimes, number and date formats of each
language, currency codes and symbols, IBAN and VAT id sometimes. Each invoice is written as a PDF
with a text layer and as a 200 dpi PNG of the same page.

    pip install pillow==13.0.0 reportlab==4.2.5
    python3 Samples/make-invoices-fresh.py SEED OUT_DIR [COUNT] [--ruled] [--wrap]
    docroute eval OUT_DIR --pipeline invoice

`--ruled` boxes every cell of the line items with rules; `--wrap` prints some descriptions
over two lines. Without them a seed gives the same invoices as before they existed.

OUT_DIR gets pdf/, png/, truth.jsonl and truth-lines.jsonl (the line items, as
`line_items.N.COLUMN`: `docroute eval OUT_DIR --pipeline invoice --truth OUT_DIR/truth-lines.jsonl
--partial-truth`). Nothing here is committed: pick a seed nobody has used
and report F1 on it. The wordings are drawn from what invoices print, not from the pipeline's
labels: some are not among them, as on documents nobody here has seen.
"""
import datetime
import json
import os
import random
import sys

from PIL import Image, ImageDraw, ImageFont

SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

# Per language: the words an invoice prints. Lists hold alternatives, drawn per invoice.
WORDS = {
    "en": dict(title=["INVOICE", "Invoice", "TAX INVOICE"], number=["Invoice No.", "Invoice #", "Invoice Number", "Invoice no"],
               date=["Invoice Date", "Date", "Date of issue"], due=["Due Date", "Payment due", "Due"],
               customer=["Bill To", "Billed To", "Invoice to"], net=["Subtotal", "Net amount", "Total excl. VAT"],
               tax=["VAT {r}%", "Tax ({r}%)", "VAT"], total=["Total", "Total due", "Amount due", "Grand Total"],
               shipping=["Shipping"], items=["Description", "Qty", "Unit price", "Amount"],
               iban=["IBAN"], vat=["VAT No.", "VAT Reg. No."], thanks="Thank you for your business.",
               goods=["Consulting services", "Web hosting (annual)", "Office chair", "USB-C cable 2 m", "Printer paper A4",
                      "Design work", "Support contract", "Travel expenses"],
               cities=["London", "Manchester", "Bristol", "Leeds"], streets=["High Street", "Station Road", "Mill Lane"]),
    "de": dict(title=["RECHNUNG", "Rechnung"], number=["Rechnungsnummer", "Rechnungsnr.", "Rechnung Nr.", "Beleg-Nr."],
               date=["Rechnungsdatum", "Datum"], due=["Fällig am", "Zahlbar bis", "Fälligkeitsdatum"],
               customer=["Rechnungsadresse", "Kunde", "Rechnungsempfänger"], net=["Nettobetrag", "Zwischensumme", "Summe netto"],
               tax=["MwSt. {r}%", "zzgl. {r}% USt.", "Umsatzsteuer {r} %"], total=["Gesamtbetrag", "Rechnungsbetrag", "Endbetrag", "Summe brutto"],
               shipping=["Versandkosten"], items=["Beschreibung", "Menge", "Einzelpreis", "Betrag"],
               iban=["IBAN"], vat=["USt-IdNr.", "USt-ID"], thanks="Vielen Dank für Ihren Auftrag.",
               goods=["Beratung", "Webhosting (jährlich)", "Bürostuhl", "USB-C Kabel 2 m", "Druckerpapier A4",
                      "Gestaltung", "Wartungsvertrag", "Reisekosten"],
               cities=["Berlin", "Hamburg", "Köln", "Leipzig"], streets=["Hauptstraße", "Bahnhofstraße", "Gartenweg"]),
    "fr": dict(title=["FACTURE", "Facture"], number=["Facture n°", "N° de facture", "Numéro de facture"],
               date=["Date de facture", "Date", "Date d'émission"], due=["Date d'échéance", "Échéance", "A payer avant le"],
               customer=["Facturé à", "Client", "Adresse de facturation"], net=["Total HT", "Montant HT", "Sous-total"],
               tax=["TVA {r} %", "TVA ({r}%)", "Montant TVA"], total=["Total TTC", "Net à payer", "Montant TTC", "Total à payer"],
               shipping=["Frais de port"], items=["Désignation", "Qté", "Prix unitaire", "Montant"],
               iban=["IBAN"], vat=["N° TVA", "TVA intracommunautaire"], thanks="Merci de votre confiance.",
               goods=["Prestation de conseil", "Hébergement web (annuel)", "Chaise de bureau", "Câble USB-C 2 m",
                      "Papier A4", "Création graphique", "Contrat de maintenance", "Frais de déplacement"],
               cities=["Lyon", "Paris", "Nantes", "Lille"], streets=["rue de la Paix", "avenue Victor Hugo", "rue des Lilas"]),
    "nl": dict(title=["FACTUUR", "Factuur"], number=["Factuurnummer", "Factuurnr.", "Factuur nr"],
               date=["Factuurdatum", "Datum"], due=["Vervaldatum", "Te betalen voor"],
               customer=["Factuuradres", "Klant", "Aan"], net=["Subtotaal", "Totaal excl. BTW", "Netto bedrag"],
               tax=["BTW {r}%", "BTW ({r}%)", "BTW bedrag"], total=["Totaal", "Te betalen", "Totaal incl. BTW", "Totaalbedrag"],
               shipping=["Verzendkosten"], items=["Omschrijving", "Aantal", "Prijs", "Bedrag"],
               iban=["IBAN"], vat=["BTW-nummer", "BTW nr"], thanks="Bedankt voor uw bestelling.",
               goods=["Advieswerk", "Webhosting (jaarlijks)", "Bureaustoel", "USB-C kabel 2 m", "Printpapier A4",
                      "Ontwerp", "Onderhoudscontract", "Reiskosten"],
               cities=["Utrecht", "Amsterdam", "Rotterdam", "Eindhoven"], streets=["Kerkstraat", "Stationsweg", "Dorpsstraat"]),
    "es": dict(title=["FACTURA", "Factura"], number=["Número de factura", "Factura nº", "Nº de factura"],
               date=["Fecha de factura", "Fecha", "Fecha de emisión"], due=["Fecha de vencimiento", "Vencimiento"],
               customer=["Cliente", "Facturar a"], net=["Base imponible", "Subtotal", "Importe neto"],
               tax=["IVA {r}%", "IVA ({r}%)", "Importe IVA"], total=["Total", "Total factura", "Importe total", "Total a pagar"],
               shipping=["Gastos de envío"], items=["Descripción", "Cant.", "Precio", "Importe"],
               iban=["IBAN"], vat=["NIF", "CIF"], thanks="Gracias por su confianza.",
               goods=["Consultoría", "Alojamiento web (anual)", "Silla de oficina", "Cable USB-C 2 m", "Papel A4",
                      "Diseño gráfico", "Contrato de mantenimiento", "Gastos de viaje"],
               cities=["Madrid", "Valencia", "Sevilla", "Bilbao"], streets=["Calle Mayor", "Avenida de la Paz", "Calle Real"]),
    "it": dict(title=["FATTURA", "Fattura"], number=["Numero fattura", "Fattura n.", "Fattura N°"],
               date=["Data fattura", "Data", "Data di emissione"], due=["Data di scadenza", "Scadenza"],
               customer=["Cliente", "Destinatario"], net=["Imponibile", "Totale imponibile", "Subtotale"],
               tax=["IVA {r}%", "IVA ({r}%)", "Imposta"], total=["Totale", "Totale fattura", "Totale da pagare", "Importo totale"],
               shipping=["Spese di spedizione"], items=["Descrizione", "Q.tà", "Prezzo", "Importo"],
               iban=["IBAN"], vat=["Partita IVA", "P.IVA"], thanks="Grazie per la fiducia.",
               goods=["Consulenza", "Hosting web (annuale)", "Sedia da ufficio", "Cavo USB-C 2 m", "Carta A4",
                      "Progettazione grafica", "Contratto di assistenza", "Spese di viaggio"],
               cities=["Milano", "Torino", "Bologna", "Firenze"], streets=["Via Roma", "Corso Italia", "Via Garibaldi"]),
}
COMPANIES = ["Nordlicht Systems", "Atelier Brume", "Kestrel Supplies", "Vanmeer Logistics", "Solano Tech", "Ferraro & Figli",
             "Bluefin Media", "Oakridge Consulting", "Lumen Werkstatt", "Casa Verde", "Polder Design", "Tramontana Srl"]
PEOPLE = ["Anna Berger", "Luc Moreau", "Sofia Ricci", "Jan de Vries", "Carmen López", "Tom Fletcher", "Greta Hahn",
          "Marco Bianchi", "Eva Jansen", "Paul Durand"]
MONTHS = {"en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December"],
          "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre"],
          "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                 "November", "Dezember"]}
RATES = {"en": [20, 5], "de": [19, 7], "fr": [20, 10], "nl": [21, 9], "es": [21, 10], "it": [22, 10]}
COUNTRY = {"en": "GB", "de": "DE", "fr": "FR", "nl": "NL", "es": "ES", "it": "IT"}


def money(v, lang, style, currency):
    """The amount as the language prints it, with the currency as a symbol, a code or none
    (`style`; with none, the amounts column's header names the currency)."""
    s = "%.2f" % v
    whole, cents = s.split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    if lang == "en":
        text = ",".join(groups) + "." + cents
    elif lang == "fr":
        text = " ".join(groups) + "," + cents
    else:
        text = ".".join(groups) + "," + cents
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}[currency]
    if style == "symbol":
        return symbol + text if currency in ("USD", "GBP") else text + " " + symbol
    if style == "code":
        return currency + " " + text if lang == "en" else text + " " + currency
    return text


def date_text(d, lang, rng):
    style = rng.choice(["num", "num", "iso", "long"])
    if style == "iso":
        return d.isoformat()
    if style == "long" and lang in MONTHS:
        m = MONTHS[lang][d.month - 1]
        return {"en": "%d %s %d", "fr": "%d %s %d", "de": "%d. %s %d"}[lang] % (d.day, m, d.year)
    sep = {"de": ".", "nl": "-"}.get(lang, "/")
    return "%02d%s%02d%s%d" % (d.day, sep, d.month, sep, d.year)


def iban(rng, country):
    """A valid IBAN (check digits by ISO 13616) of a country whose BBAN is all digits."""
    if country not in ("DE", "ES", "FR"):
        country = "DE"
    bban = "".join(rng.choice("0123456789") for _ in range({"DE": 18, "ES": 20, "FR": 23}[country]))
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(digits) % 97
    return "%s%02d%s" % (country, check, bban)


def invoice(rng, lang):
    w = WORDS[lang]
    currency = rng.choice(["USD", "GBP", "EUR"]) if lang == "en" else "EUR"
    issued = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(0, 700))
    due = issued + datetime.timedelta(days=rng.choice([14, 30, 45])) if rng.random() < 0.7 else None
    number = rng.choice(["INV-%d-%04d" % (issued.year, rng.randrange(1, 9999)), "%d/%04d" % (issued.year, rng.randrange(1, 9999)),
                         "RE-%05d" % rng.randrange(10000, 99999), "F%d-%05d" % (issued.year, rng.randrange(1, 99999)),
                         "%08d" % rng.randrange(10000000, 99999999)])
    rate = rng.choice(RATES[lang])
    items = []
    for _ in range(rng.randint(2, 6)):
        qty = rng.randint(1, 5)
        price = round(rng.uniform(3, 900), 2)
        items.append((rng.choice(w["goods"]), qty, price, round(qty * price, 2)))
    net = round(sum(i[3] for i in items), 2)
    # Shipping: an item of its own, in the net amount.
    if rng.random() < 0.2:
        items.append((rng.choice(w["shipping"]), 1, round(rng.uniform(4, 25), 2), 0))
        items[-1] = items[-1][:3] + (items[-1][2],)
    net = round(sum(i[3] for i in items), 2)
    extra = []
    base = net
    tax = round(base * rate / 100, 2)
    total = round(base + tax, 2)
    facts = dict(invoice_number=number, date=issued.isoformat(), amount=total, amount_untaxed=base,
                 amount_tax=tax, currency=currency)
    if due:
        facts["date_due"] = due.isoformat()
    return dict(lang=lang, currency=currency, issued=issued, due=due, number=number, rate=rate, items=items, net=net,
                extra=extra, base=base, tax=tax, total=total, facts=facts)


def page(inv, rng):
    """Draw operations in points from the top left of an A4 page: ("text", x, y, size, bold, s, align) and ("rect", x, y, w, h)."""
    lang, w = inv["lang"], WORDS[inv["lang"]]
    ops = []
    def text(x, y, s, size=10, bold=False, align="left"):
        ops.append(("text", x, y, size, bold, s, align))
    issuer = rng.choice(COMPANIES)
    street = "%s %d" % (rng.choice(w["streets"]), rng.randint(1, 120))
    city = "%05d %s" % (rng.randint(1000, 99999), rng.choice(w["cities"]))
    left = rng.random() < 0.6
    x0 = 50 if left else 330
    text(x0, 60, issuer, 18, True)
    text(x0, 82, street)
    text(x0, 96, city)
    title_x = 330 if left else 50
    text(title_x, 60, rng.choice(w["title"]), 20, True)
    # The customer.
    text(50, 150, rng.choice(w["customer"]) + rng.choice(["", ":"]), 10, True)
    customer = rng.choice(PEOPLE)
    text(50, 166, customer)
    inv["facts"]["issuer"] = issuer
    inv["facts"]["customer"] = customer
    text(50, 180, "%s %d" % (rng.choice(w["streets"]), rng.randint(1, 120)))
    text(50, 194, "%05d %s" % (rng.randint(1000, 99999), rng.choice(w["cities"])))
    facts = [(rng.choice(w["number"]), inv["number"]), (rng.choice(w["date"]), date_text(inv["issued"], lang, rng))]
    if inv["due"]:
        facts.append((rng.choice(w["due"]), date_text(inv["due"], lang, rng)))
    style = rng.choice(["colon", "columns", "boxes"])
    if style == "colon":
        y = 150
        for label, value in facts:
            text(330, y, "%s: %s" % (label, value))
            y += 16
    elif style == "columns":
        y = 150
        for label, value in facts:
            text(330, y, label)
            text(545, y, value, align="right")
            y += 16
    else:
        bx = 50
        widths = [150, 150, 150][:len(facts)]
        for (label, value), bw in zip(facts, widths):
            ops.append(("rect", bx, 220, bw - 6, 36))
            text(bx + 5, 232, label, 8)
            text(bx + 5, 248, value, 10, True)
            bx += bw
    # The items.
    y = 290
    heads = list(w["items"])
    style = rng.choice(["symbol", "code", "none"])
    if style == "none":
        heads[3] += " (%s)" % inv["currency"]
    text(50, y, heads[0], 10, True)
    text(330, y, heads[1], 10, True, "right")
    text(440, y, heads[2], 10, True, "right")
    text(545, y, heads[3], 10, True, "right")
    ops.append(("rect", 50, y + 6, 495, 0.8))
    y += 22
    top = y - 14
    rules = [y + 6]
    for n, (desc, qty, price, amount) in enumerate(inv["items"]):
        text(50, y, desc)
        text(330, y, str(qty), align="right")
        text(440, y, money(price, lang, style, inv["currency"]), align="right")
        text(545, y, money(amount, lang, style, inv["currency"]), align="right")
        if n in inv.get("details", {}):
            # A description wrapped over a second line.
            y += 12
            text(50, y, inv["details"][n])
        y += 16
        rules.append(y - 11)
    if inv.get("ruled"):
        # Every cell boxed: a rule under each row and between the columns.
        for ry in rules[1:]:
            ops.append(("rect", 46, ry, 503, 0.8))
        ops.append(("rect", 46, top, 503, 0.8))
        for rx in (46, 270, 336, 446, 549):
            ops.append(("rect", rx, top, 0.8, rules[-1] - top))
    ops.append(("rect", 300, y, 245, 0.8))
    y += 20
    # The totals, right-aligned: labels at 330, amounts at 545.
    c = inv["currency"]
    lines = [(rng.choice(w["net"]), inv["net"])]
    lines.append((rng.choice(w["tax"]).format(r=inv["rate"]), inv["tax"]))
    lines.append((rng.choice(w["total"]), inv["total"]))
    for k, (label, value) in enumerate(lines):
        last = k == len(lines) - 1
        text(330, y, label + rng.choice(["", ":"]) if not last else label, 11 if last else 10, last)
        text(545, y, money(value, lang, style, c), 11 if last else 10, last, "right")
        y += 18
    # The footer.
    y = 760
    country = COUNTRY[lang]
    foot = []
    if rng.random() < 0.7:
        number = iban(rng, country)
        foot.append("%s: %s" % (rng.choice(w["iban"]), " ".join(number[i:i + 4] for i in range(0, len(number), 4))))
        inv["facts"]["iban"] = number
    if rng.random() < 0.6:
        vat = country + "".join(rng.choice("0123456789") for _ in range(9 if country != "NL" else 9)) + ("B01" if country == "NL" else "")
        foot.append("%s: %s" % (rng.choice(w["vat"]), vat))
        inv["facts"]["vat"] = vat
    text(50, y - 20, w["thanks"], 9)
    for k, s in enumerate(foot):
        text(50 + k * 250, y, s, 8)
    return ops


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
        if op[0] == "rect":
            _, x, y, bw, bh = op
            c.rect(x, h - y - bh, bw, bh)
        else:
            _, x, y, size, bold, s, align = op
            c.setFont("DejaVuBold" if bold else "DejaVu", size)
            (c.drawRightString if align == "right" else c.drawString)(x, h - y, s)
    c.showPage()
    c.save()


def write_png(ops, path, dpi=200):
    k = dpi / 72
    img = Image.new("L", (int(595 * k), int(842 * k)), 255)
    d = ImageDraw.Draw(img)
    fonts = {}
    for op in ops:
        if op[0] == "rect":
            _, x, y, bw, bh = op
            d.rectangle([x * k, y * k, (x + bw) * k, (y + bh) * k], outline=0, width=max(1, int(k * 0.8)))
        else:
            _, x, y, size, bold, s, align = op
            f = fonts.setdefault((size, bold), ImageFont.truetype(BOLD if bold else SANS, int(size * k)))
            width = d.textlength(s, font=f)
            px = x * k - (width if align == "right" else 0)
            d.text((px, y * k), s, font=f, fill=0, anchor="ls")
    img.save(path, dpi=(dpi, dpi))


def main():
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    seed, out = int(args[0]), args[1]
    count = int(args[2]) if len(args) > 2 else 30
    os.makedirs(os.path.join(out, "pdf"), exist_ok=True)
    os.makedirs(os.path.join(out, "png"), exist_ok=True)
    truth = []
    lines = []
    for i in range(count):
        rng = random.Random(seed * 1000 + i)
        lang = rng.choice(sorted(WORDS))
        inv = invoice(rng, lang)
        # Options drawn from a generator of their own: without them, a seed's invoices stay as they were.
        extra = random.Random(seed * 1000 + i + 500)
        inv["ruled"] = "--ruled" in flags
        if "--wrap" in flags:
            inv["details"] = {n: "ref. %05d, %s" % (extra.randrange(100000), extra.choice(WORDS[lang]["goods"]).lower())
                              for n in range(len(inv["items"])) if extra.random() < 0.5}
        ops = page(inv, rng)
        facts = {k: v for k, v in inv["facts"].items() if v is not None}
        name = "invoice-%03d-%s" % (i + 1, lang)
        write_pdf(ops, os.path.join(out, "pdf", name + ".pdf"))
        write_png(ops, os.path.join(out, "png", name + ".png"))
        rows = {}
        for n, (desc, qty, price, amount) in enumerate(inv["items"]):
            if n in inv.get("details", {}):
                desc += "\n" + inv["details"][n]
            rows.update({"line_items.%d.description" % n: desc, "line_items.%d.quantity" % n: qty,
                         "line_items.%d.unit_price" % n: price, "line_items.%d.amount" % n: amount})
        for kind in ("pdf", "png"):
            truth.append({"file": "%s/%s.%s" % (kind, name, kind), "fields": facts})
            lines.append({"file": "%s/%s.%s" % (kind, name, kind), "fields": rows})
    for file, records in (("truth.jsonl", truth), ("truth-lines.jsonl", lines)):
        with open(os.path.join(out, file), "w") as f:
            for t in records:
                f.write(json.dumps(t, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
