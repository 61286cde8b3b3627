#!/usr/bin/env python3
"""The normative index of the seeds: every normative sentence, with a stable id.

    python3 tools/normative_index.py [--seeds DIR] [--out spec/normative] [--check]

Reads the five seeds (../shared/seeds/*.txt; seed 001's figures from its .layout.txt) and
writes spec/normative/<seed>.json:

  "sentences": every normative statement, {id, section, kind, where?, text}
  "segments":  the whole seed as normalised text, in reading order, so that
               `lockref invariants --coverage` can check that a requirement's quote is
               seed text and find the sentences it covers ([section, token text, id?])

A statement is normative when it carries a keyword (shall, must, required/requirement,
only, never, responsible for, not allowed, does not allow, disallowed, not permitted,
prohibited; in RFC text also the
capitalised SHOULD/RECOMMENDED of BCP 14), or when it belongs to a rule list or rule table
named in RULE_LISTS/RULE_TABLES below (imperative rules without those words: KMB's
command steps, the Table 9 control-register flows, Table 60, the guide's setup steps
and access-control table), or when it is a figure that defines behaviour (a derivation,
a state machine, a sequence: every figure of seed 001 except those FIGURES_INFORMATIVE
names). Front matter (licence, acknowledgements, tenets, tables of contents, references)
is kept as informative text.

Id: "<seed number>:<section>:<8 hex digits>", the digits the start of the SHA-256 of the
normalised text (ASCII letters and digits, lower-cased, separated by single spaces: the
same normalisation as tools/lockref/coverage.cpp). A sentence keeps its id as long as its
section and words do; an edit of the seed or of this extractor that changes either gives
a new id, and `lockref invariants --coverage` then reports the old id as stale wherever
a status file or requirement still names it.

Text-extraction damage is repaired where it would garble a sentence (REPAIRS), and the
repairs are listed in each output file. --check regenerates in memory and fails when the
committed files differ (tests/cli/normative.sh).
"""
import argparse
import hashlib
import html
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

SEEDS = {
    "000_486f11a636b6eb99": "Seagate Secure NVMe SED Common Criteria Configuration Guide v1.2",
    "001_30ed4cd62c635f55": "OCP L.O.C.K. 0.9",
    "002_663e49dcce633651": "TCG Key Per I/O application note",
    "003_d440909de6bfcb0d": "RFC 4108 (truncated after §1.5)",
    "004_87bb5aba1330c1f6": "OCP L.O.C.K. 0.8 KMB draft",
}

# ---- normalisation (must equal tools/lockref/coverage.cpp normalise()) ---------------

TOKEN = re.compile(r"[A-Za-z0-9]+")


def tokens(text):
    return [t.lower() for t in TOKEN.findall(text)]


def norm(text):
    return " ".join(tokens(text))


def digest(text):
    return hashlib.sha256(norm(text).encode()).hexdigest()[:8]


# ---- what makes a statement normative -------------------------------------------------

KEYWORDS = re.compile(
    r"\b(shall|must|required|requires?|requirements?|only|never|disallowed|prohibited|responsible for)\b"
    r"|\b(not|never) (be )?(allowed|permitted)\b|\b(does|do) not allow\b", re.IGNORECASE)
BCP14 = re.compile(r"\b(SHOULD|RECOMMENDED)\b")


def keyword(text, rfc=False):
    m = KEYWORDS.search(text) or (BCP14.search(text) if rfc else None)
    return m.group(0).lower() if m else None


# ---- cleaning ---------------------------------------------------------------------------

HOMOGLYPHS = str.maketrans({"Т": "T", "у": "y", "р": "p", "е": "e", "В": "B", "С": "C", "Α": "A",
                            "ı": "i", "·": "", "•": "", "∙": "", "\u00a0": " "})
LATEX = [(r"\\rightarrow", "→"), (r"\\leq?\b", "≤"), (r"\\geq?\b", "≥"), (r"\\neq", "≠"), (r"\\ne\b", "≠"),
         (r"\\parallel", "||"), (r"\\ldots", "..."), (r"\\dots", "..."), (r"\\cdot", "·"), (r"\\sqrt", "sqrt"),
         (r"\\log", "log"), (r"\\approx", "≈"), (r"\\mbox\{([^}]*)\}", r"\1"), (r"\$", "")]

# Known text-extraction damage, repaired before segmentation: (seed, damaged, repaired, why).
REPAIRS = [
    ("001", "0b, andset the CMD bit", "0b, and set the CMD bit", "Table 9 DONE: two bullets run together"),
    ("001", "\tOb\tDone (DONE)", "\t0b\tDone (DONE)", "Table 9 DONE reset value: letter O for zero"),
    ("001", "\nOh\tCommand successful", "\n0h\tCommand successful", "Table 10: letter O for zero"),
    ("001", "zeroized after programming to the Encryption Engine.\t231", "zeroized after programming to the Encryption Engine.\t23",
     "Table 1 MEKs row: footnote mark 1 glued to KV slot 23"),
    ("000", "by cryptographic means: changing the\tUser1-9, Locking SP Admin1-4",
     "by cryptographic means: changing the encryption key.\tUser1-9, Locking SP Admin1-4",
     "Authenticated Services table, Cryptographic Erase of non-SUDR: cell cut at a page break"),
    ("000", "\tencryption key. cnging the encryption key.\t", "\tencryption key.\t",
     "Authenticated Services table, Cryptographic Erase of SUDR: garbled continuation"),
    ("000", "It is received by the drive\n4. firmware and placed into DRAM.",
     "It is received by the drive firmware and placed into DRAM.", "firmware update step 3: a list number inside the sentence"),
]


def clean(text, seedno):
    text = unicodedata.normalize("NFKC", text.translate(HOMOGLYPHS))
    if seedno == "001":
        text = html.unescape(text)   # "&#x27;Nenc&#x27;" under Table 54
    for s, bad, good, _ in REPAIRS:
        if s == seedno:
            if bad not in text:
                raise SystemExit(f"normative_index: repair '{bad}' not found in seed {seedno}: seed changed?")
            text = text.replace(bad, good)
    return text


def tidy(text):
    """Display form of a sentence: markdown and LaTeX markup removed, spaces collapsed."""
    for pat, rep in LATEX:
        text = re.sub(pat, rep, text)
    text = text.replace("**", "").replace("\\_", "_")
    text = re.sub(r"\s+", " ", text).strip()
    return text


ABBREV = re.compile(r"(\b(e\.g|i\.e|etc|vs|cf|Fig|Figs|No|al|approx|Sec|resp)\.|(?:^|[\s(])[A-Z]\.|\.\.\.)$")


def sentences(text):
    """Splits a paragraph into sentences: at . ! ? followed by space and a capital, a digit,
    a backtick or a quote, unless the period ends an abbreviation."""
    out, start = [], 0
    for m in re.finditer(r"[.!?][\"')\]]?\s+(?=[A-Z0-9`\"'“(\[*])", text):
        head = text[start:m.start() + 1]
        if ABBREV.search(head.rstrip("\"')]")):
            continue
        out.append(text[start:m.end()].strip())
        start = m.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


# ---- the index being built ----------------------------------------------------------------

class Index:
    def __init__(self, seedno, rfc=False):
        self.seedno, self.rfc = seedno, rfc
        self.sentences, self.segments = [], []
        self.ids = {}

    def add(self, section, text, kind="sentence", where=None, normative=None, why=None):
        text = tidy(text)
        if not tokens(text):
            return None
        if normative is None:
            why = keyword(text, self.rfc)
            normative = why is not None
        sid = None
        if normative:
            base = f"{self.seedno}:{section}:{digest(text)}"
            sid, n = base, 1
            while sid in self.ids and self.ids[sid] != norm(text):
                n += 1
                sid = f"{base}-{n}"
            if sid not in self.ids:
                self.ids[sid] = norm(text)
                e = {"id": sid, "section": section, "kind": kind}
                if where:
                    e["where"] = where
                e["why"] = why
                e["text"] = text
                self.sentences.append(e)
        seg = [section, norm(text)]
        if sid:
            seg.append(sid)
        self.segments.append(seg)
        return sid

    def paragraph(self, section, lines, informative=False):
        """Adds a paragraph (its lines joined); front matter is kept as informative text."""
        t = " ".join(x.strip() for x in lines)
        if informative:
            self.segments.append([section, norm(t)])
        else:
            self.prose(section, t)
        return t

    def prose(self, section, text, where=None, rule=None):
        for s in sentences(tidy(text)):
            if rule and re.search(r"\bin this example\b|^We will use ", s):
                self.add(section, s, "sentence", where, False)   # an aside inside a rule
            elif rule:
                self.add(section, s, "rule", where, True, rule)
            else:
                self.add(section, s, "sentence", where)


# ---- seed 001: OCP L.O.C.K. 0.9 (plain text + figures from the layout text) ----------------

NOISE_001 = re.compile(r"^(Open Compute Project\s*[·∙]?\s*OCP L\.O\.C\.K\.|Date: August 14, 2025)\s*$")
HEADING_001 = re.compile(r"^(\d+(?:\.\d+)*|[A-C]\.\d+) \**([A-Z][^\t]*?)\**\s*$")
APPENDIX = re.compile(r"^Appendix ([A-C]): (.+)$")
FRONT_001 = {"1", "1.1", "2", "3", "3.1", "3.2", "3.3", "3.4", "3.5", "References"}

# Rule lists: (section, start of the paragraph that introduces the list, why).
RULE_LISTS = {
    "001": [
        ("4.6.2.2.1", "KMB performs the following steps", "KMB command steps"),
        ("4.6.2.2.2", "To enable an MPK, KMB performs the following steps", "KMB command steps"),
        ("4.6.2.2.3", "The access key to which an MPK is bound may be rotated", "KMB command steps"),
        ("4.6.2.2.4", "To test an MPK, KMB receives", "KMB command steps"),
        ("4.6.4.2", "Drive firmware is responsible for enforcing", "§4.6.4.2 rules"),
        ("4.6.8", None, "Table: reset behaviour"),
        ("4.7.1.2.4", "The expected change flow of the Control register", "Table 9 control-register flow"),
        ("4.7.1.2.4", "The KMB therefore interacts with the Control register", "Table 9 control-register flow"),
    ],
    "000": [
        ("tcg-opal-setup-configuration", "Steps:", "CC setup step"),
        ("firmware-access-control-and-firmware-trusted-update", "To perform a firmware download", "firmware update step"),
        ("firmware-access-control-and-firmware-trusted-update", "The SEDs Firmware Access Control requires", "firmware unlock step"),
    ],
}
# Rule tables: every row is a rule (seed, table caption or header start, why).
RULE_TABLES = {
    # (caption or first header cell, why, "row": the whole row is one rule | "sentences": each sentence of its prose cells)
    "001": [("Table 60", "compliance requirement", "sentences"), ("Table 9", "control-register rule", "sentences"),
            ("Table 11", "engine command", "row"), ("Table 10", "engine error code", "row"),
            ("Table 15", "Table 15 condition", "row"), ("Table 53", "HEK state rule", "row"),
            ("Table 57", "result code", "row"), ("Table 4", "HEK lifecycle rule", "row"),
            ("Reset behaviour", "reset behaviour", "sentences")],
    "000": [("Credential Name / Firmware", "try-limit table row", "row"),
            ("TCG Opal Security Mode Authenticated Services", "access-control rule", "row"),
            ("TCG Opal Security Mode Unauthenticated Services", "access-control rule", "row"),
            ("Error Status", "firmware error", "row"), ("Error State", "firmware error", "row")],
}


def rule_list(seedno, section, intro_text):
    """Why the list after `intro_text` in `section` is a list of rules (RULE_LISTS), or None."""
    for sec, intro, why in RULE_LISTS.get(seedno, []):
        if sec == section and intro and intro_text.startswith(intro):
            return why
    return None


FIGURES_INFORMATIVE = {1: "overview", 2: "overview of the derivations drawn in Figures 3-28",
                       16: "example drive flow", 17: "example drive flow", 29: "illustration",
                       30: "example", 31: "example", 32: "example", 33: "example", 35: "sample sequence",
                       36: "example"}


def is_noise_001(line):
    s = line.strip()
    if not s or NOISE_001.match(s):
        return True
    compact = re.sub(r"\s+", "", s)
    if compact in ("(continuedonnextpage)", "(continuedfrompreviouspage)", "Bits Type Reset Description".replace(" ", "")):
        return True
    if re.fullmatch(r"-{5,}\|?", compact):
        return True
    return False


def figure_anchors(text):
    """Figure number -> the tokens of the plain text just before the figure: the paragraph
    (or caption, or heading) above the image marker (a line of nothing but spaces)."""
    lines = text.split("\n")
    out = {}
    for i, l in enumerate(lines):
        m = re.match(r"^Figure (\d+): ", l.strip())
        if not m or int(m.group(1)) in out:
            continue
        j = i - 1
        # up to the image marker: a line of spaces, or two empty lines in a row
        while j > 0 and not ((lines[j] and not lines[j].strip()) or (not lines[j] and not lines[j - 1])):
            j -= 1
        while j > 0 and not lines[j].strip():
            j -= 1                     # the text before it
        while j > 0 and is_noise_001(lines[j]):
            j -= 1
        out[int(m.group(1))] = tokens(lines[j])[-6:]
    return out


def layout_figures(layout, text):
    """Figure number -> (caption, [text blocks]) from seed 001's layout text: the lines from
    the end of the text that precedes the figure in the plain text (its anchor) down to the
    caption, without page headers; a block is a run of horizontally overlapping chunks of
    text on consecutive lines (a label, or a sentence written inside the figure)."""
    lines = layout.split("\n")
    anchors = figure_anchors(text)
    caps = {}
    for i, l in enumerate(lines):
        m = re.match(r"^\s+Figure (\d+): (.+?)\s*$", l)
        if m and not re.match(r"^ {8}\S", l):
            caps.setdefault(int(m.group(1)), (i, m.group(2)))
    out = {}
    prev_cap = -1
    for n, (ci, cap) in sorted(caps.items()):
        # the anchor: last occurrence of its tokens between the previous caption and this one
        first = prev_cap + 1
        want = anchors.get(n, [])
        stream, owner = [], []
        for li in range(first, ci):
            for t in tokens(lines[li]):
                stream.append(t)
                owner.append(li)
        start = first
        for k in range(len(stream) - len(want), -1, -1):
            if want and stream[k:k + len(want)] == want:
                start = owner[k + len(want) - 1] + 1
                break
        prev_cap = ci
        region = [l for l in lines[start:ci]
                  if not (l.strip().startswith("Date: August 14, 2025") or l.strip().startswith("Open Compute Project"))]
        blocks = []  # [start, end, [texts], last_line_index]
        for li, l in enumerate(region):
            for m in re.finditer(r"\S+(?: \S+)*", l):
                a, b, t = m.start(), m.end(), m.group(0)
                for blk in reversed(blocks):
                    if blk[3] >= li - 2 and blk[3] < li and a < blk[1] and blk[0] < b:
                        blk[2].append(t)
                        blk[0], blk[1], blk[3] = min(blk[0], a), max(blk[1], b), li
                        break
                else:
                    blocks.append([a, b, [t], li])
        out[n] = (cap, [" ".join(b[2]) for b in blocks])
    return out


def successor(prev, num):
    """Is section number `num` (a tuple) the one that can follow `prev` in a document?"""
    if num == prev + (1,):
        return True
    for k in range(len(prev)):
        if num == prev[:k] + (prev[k] + 1,):
            return True
    return False


def numtuple(s):
    return tuple(int(x) for x in s.split("."))


def slug(title):
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def parse_001(text, layout):
    idx = Index("001")
    figs = layout_figures(layout, text)
    lines = text.split("\n")
    # start at the first heading after the tables of contents: "1 License"
    start = next(i for i, l in enumerate(lines) if l.strip() == "1 License")
    section, table, rows, header = "front", None, [], None
    para, items = [], []   # current paragraph lines; list items of the current list
    last_para = ""          # paragraph that introduced the current list
    rule_tables = RULE_TABLES["001"]
    fig_done = set()
    prevnum = ()

    def front():
        return section in FRONT_001 or section.startswith("front")

    def flush_para():
        nonlocal para, last_para
        if para:
            last_para = idx.paragraph(section, para, front())
            para = []

    def flush_items():
        nonlocal items
        rule = None if front() else rule_list("001", section, last_para)
        for n, (label, t) in enumerate(items, 1):
            where = f"list after \"{last_para[:50]}\" item {label or n}" if rule else None
            if front():
                idx.segments.append([section, norm(t)])
            else:
                idx.prose(section, t, where, rule)
        items = []

    def table_rule(caption, first_row):
        for key, why, mode in rule_tables:
            if caption and (caption.startswith(key + ":") or caption == key):
                return why, mode
            if not caption and first_row.startswith(key):
                return why, mode
        return None, None

    def flush_table(caption_after=None):
        nonlocal rows, table, header
        if rows:
            cap = table or caption_after
            why, mode = table_rule(cap, rows[0][0] if rows else "")
            if section == "4.6.8":
                cap, why, mode = "Reset behaviour", "reset behaviour", "sentences"
            tname = cap.split(":")[0] if cap else f"table in §{section}"
            for r in rows:
                cells = [c.strip() for c in r]
                rowtext = " | ".join(c for c in cells if c)
                if header is not None and [c for c in cells if c] == [c for c in header if c]:
                    idx.segments.append([section, norm(rowtext)])
                    continue
                label = next((c for c in cells if c), "")[:40]
                where = f"{tname}, row \"{label}\""
                if front():
                    idx.segments.append([section, norm(rowtext)])
                elif why and mode == "row":
                    idx.add(section, rowtext, "table-row", where, True, why)
                elif why:
                    # a rule row: each sentence of its prose cells is a rule ("See Section ..." is not)
                    for ci, c in enumerate(cells):
                        if len(c.split()) < 4 or ci == 0:   # short cells and the row label
                            idx.segments.append([section, norm(c)])
                            continue
                        for x in sentences(tidy(c)):
                            if re.match(r"^See (Section|Sections|Figure|Table) ", x):
                                idx.add(section, x, "sentence", where, False)
                            else:
                                idx.add(section, x, "table-row", where, True, why)
                else:
                    for c in cells:
                        if len(c.split()) >= 4:
                            for x in sentences(tidy(c)):
                                idx.add(section, x, "table-cell", where)
                        else:
                            idx.segments.append([section, norm(c)])
            rows, header = [], None
        table = None

    i = start
    while i < len(lines):
        raw = lines[i].rstrip("\r\n")
        i += 1
        line = raw.rstrip(" \r\n")
        if is_noise_001(line):
            if not line.strip():
                # a blank line ends a paragraph unless the sentence runs on after a page break
                tail = para[-1] if para else (items[-1][1] if items else "")
                if tail and not re.search(r"[.:;!?)\]\"”]$", tail.strip()):
                    k = i
                    while k < len(lines) and is_noise_001(lines[k].rstrip()):
                        k += 1
                    if k < len(lines) and re.match(r"^[a-z]", lines[k]):
                        if not para:  # a list item cut by a page break
                            lab, t = items[-1]
                            items[-1] = (lab, t + " " + lines[k].strip())
                            i = k + 1
                        else:
                            i = k
                        continue
                flush_para()
                if items and not (i < len(lines) and re.match(r"^\s*(- |\d+\. |- \d+\.)", lines[i])):
                    pass
            continue
        m = HEADING_001.match(line) if "\t" not in line else None
        if m and re.match(r"^\d", m.group(1)):
            if not successor(prevnum, numtuple(m.group(1))):
                m = None
            else:
                prevnum = numtuple(m.group(1))
        ma = APPENDIX.match(line)
        if line.strip() == "References" or ma or m:
            flush_para(); flush_items(); flush_table()
            if line.strip() == "References":
                section = "References"
            elif ma:
                section = ma.group(1)
            else:
                section = m.group(1)
            idx.segments.append([section, norm(line)])
            continue
        fm = re.match(r"^Figure (\d+): (.+)$", line.strip())
        if fm:
            flush_para(); flush_items(); flush_table()
            n = int(fm.group(1))
            if n in fig_done:
                continue
            fig_done.add(n)
            cap, blocks = figs.get(n, (fm.group(2), []))
            where = f"Figure {n}"
            body = " / ".join(blocks)
            normative = n not in FIGURES_INFORMATIVE
            idx.add(section, f"Figure {n}: {cap}" + (f" — {body}" if body else ""), "figure", where,
                    normative, "figure" if normative else None)
            for b in blocks:  # a sentence written inside a figure
                if keyword(b) and len(b.split()) >= 5:
                    for s in sentences(tidy(b)):
                        idx.add(section, s, "figure-text", where)
            continue
        tm = re.match(r"^\s*Table (\d+): ?(.+)$", line)
        if tm and "\t" not in line.strip():
            flush_para(); flush_items()
            cap = f"Table {tm.group(1)}: {tm.group(2).strip()}"
            if rows and table is None:
                flush_table(caption_after=cap)  # Table 5 has its caption after the rows
                continue
            flush_table()
            table = cap
            idx.segments.append([section, norm(cap)])
            continue
        if "\t" in line:
            flush_para(); flush_items()
            cells = line.split("\t")
            if line.startswith("\t") and rows:
                prev = rows[-1]
                for k, c in enumerate(cells):
                    if c.strip():
                        while len(prev) <= k:
                            prev.append("")
                        prev[k] = (prev[k] + " " + c.strip()).strip()
            else:
                if header is None and not rows:
                    header = [c.strip() for c in cells]
                rows.append(cells)
            continue
        if rows:
            flush_table()
        li = re.match(r"^\s*(?:- |· |• )?(?:(\d+)\. )?(.*)$", line)
        is_item = re.match(r"^\s*(- |· |• |\d+\. |- \d+\. )", line) is not None
        if is_item:
            flush_para()
            label, body = li.group(1), li.group(2).strip()
            # "1. **CMD**: 0h 2. **ERR**: 0h ..." several sub-items on one line
            subs = re.findall(r"(?:^|\s)(?:\d+\. )?\*\*([A-Z]+):?\*\*:? *([^*]*?)(?=\s+\d+\. \*\*|$)", body)
            if re.match(r"^\*\*[A-Z]+:?\*\*", body) or (subs and body.startswith("**")):
                pairs = subs or [(re.match(r"\*\*([A-Z]+):?\*\*", body).group(1), re.sub(r"^\*\*[A-Z]+:?\*\*:?\s*", "", body))]
                if items:
                    lab, t = items[-1]
                    extra = "; ".join(f"{k}: {v.strip()}" for k, v in pairs)
                    items[-1] = (lab, t.rstrip(".") + (", " if t.endswith(")") else " (") + extra + ")"
                                 if not t.endswith(")") else t[:-1] + "; " + extra + ")")
                continue
            items.append((label, body))
            continue
        if line[:1].isspace() and items:
            lab, t = items[-1]
            items[-1] = (lab, t + " " + line.strip())
            continue
        if items:
            flush_items()
        para.append(line)
    flush_para(); flush_items(); flush_table()
    return idx


# ---- seed 000: Seagate Opal CC guide ---------------------------------------------------------

def parse_000(text):
    idx = Index("000")
    lines = join_page_breaks(text.split("\n"))
    toc_start = next(i for i, l in enumerate(lines) if l.strip() == "Contents")
    headings = []
    k = toc_start + 1
    while not lines[k].startswith("Introduction\t"):
        k += 1
    while lines[k].strip():
        headings.append(re.sub(r"\.{3,}", "", lines[k].split("\t")[0]).strip())
        k += 1
    heads = {h: slug(h) for h in headings}
    # "Lock/Unlock FW Download" etc. are not headings; these extra ones are (body only)
    for extra in ("Firmware Update Error Messages:", "Roll back Error Message"):
        heads[extra] = None
    # the two access-control tables have titles of their own
    for extra in ("TCG Opal Security Mode Authenticated Services", "TCG Opal Security Mode Unauthenticated Services"):
        heads[extra] = slug(extra)
    section = "front"
    para, items, rows = [], [], []
    last_para = ""
    in_code = False
    table_head = None

    def flush_para():
        nonlocal para, last_para
        if para:
            last_para = idx.paragraph(section, para, section == "front")
            para = []

    def flush_items():
        nonlocal items
        why = rule_list("000", section, last_para)
        for label, t in items:
            where = f"step {label}" if label else None
            idx.prose(section, t, where if why else None, why)
        items = []

    def flush_rows():
        nonlocal rows, table_head
        if rows:
            why = None
            for key, w, _mode in RULE_TABLES["000"]:
                if (table_head and table_head.startswith(key)) or section == slug(key):
                    why = w
            nhead = 1
            for ri, r in enumerate(rows):
                cells = [c.strip() for c in r if c.strip()]
                if not cells:
                    continue
                rowtext = " | ".join(cells)
                if ri < nhead:  # title and column headers
                    idx.segments.append([section, norm(rowtext)])
                    continue
                if why and len(cells) > 1:
                    idx.add(section, rowtext, "table-row", f"table \"{table_head.split(chr(9))[0]}\", row \"{cells[0][:40]}\"",
                            True, why)
                else:
                    for c in cells:
                        for s in sentences(tidy(c)):
                            idx.add(section, s, "table-cell", f"table row \"{cells[0][:40]}\"")
            rows = []
        table_head = None

    for raw in lines[k:]:
        line = raw.rstrip(" \r\n")
        if line.strip().startswith("```"):
            flush_para(); flush_items(); flush_rows()
            in_code = not in_code
            continue
        if in_code:  # example code: informative, but quotable
            if line.strip():
                idx.segments.append([section, norm(line)])
            continue
        s = line.strip()
        if s in heads:
            flush_para(); flush_items(); flush_rows()
            if heads[s]:
                section = heads[s]
            idx.segments.append([section, norm(s)])
            continue
        if not s:
            flush_para()
            continue
        if "\t" in line:
            flush_para(); flush_items()
            cells = line.split("\t")
            if not rows:
                table_head = line
            if line.startswith("\t") and rows:
                # a continuation line: more text for the row above (description column), or,
                # from the operator column on, another operator of the same service
                first = next(k for k, c in enumerate(cells) if c.strip())
                if first >= 2 and len(rows) > 2:
                    rows.append([rows[-1][0]] + [c for c in cells[1:]])
                else:
                    prev = rows[-1]
                    for k, c in enumerate(cells):
                        if c.strip():
                            while len(prev) <= k:
                                prev.append("")
                            prev[k] = (prev[k].strip() + " " + c.strip()).strip()
                continue
            rows.append(cells)
            continue
        if rows:
            flush_rows()
        m = re.match(r"^\s*(?:- )?(\d+)\.\s+(.*)$", line)
        b = re.match(r"^\s*- (.*)$", line)
        if m or b:
            flush_para()
            if m:
                items.append((m.group(1), m.group(2).strip().strip("*").strip()))
            else:
                items.append((None, b.group(1).strip()))
            continue
        if items and s.startswith("<http"):
            lab, t = items[-1]
            items[-1] = (lab, t + " " + s)
            continue
        if items and not s.startswith("[Commands") and not s.startswith("Commands") and len(items) and section == "tcg-opal-setup-configuration":
            flush_items()
        elif items:
            flush_items()
        if s.startswith("[Commands") or s.startswith("Commands "):
            idx.segments.append([section, norm(s)])
            continue
        para.append(line)
    flush_para(); flush_items(); flush_rows()
    return idx


# ---- seed 002: TCG Key Per I/O application note -----------------------------------------------

def join_page_breaks(lines):
    """Re-joins a sentence cut by a page break: a prose line that does not end a sentence,
    blank lines, then a line that starts in lower case."""
    out = []
    for l in lines:
        if l.strip() and re.match(r"^[a-z]", l) and "\t" not in l and len(out) >= 2 and not out[-1].strip():
            k = len(out) - 1
            while k > 0 and not out[k].strip():
                k -= 1
            prev = out[k]
            if prev.strip() and "\t" not in prev and not re.match(r"\s*[<`#\[]", prev) and \
                    not re.search(r"[.:;!?)\]\"”>]$", prev.rstrip()):
                del out[k + 1:]
                out[k] = prev.rstrip() + " " + l.strip()
                continue
        out.append(l)
    return out


def parse_002(text):
    idx = Index("002")
    lines = join_page_breaks(text.split("\n"))
    start = next(i for i, l in enumerate(lines) if l.strip() == "1 Introduction" and i > 200)
    section = "front"
    para, caption = [], None
    heading = re.compile(r"^(\d+(?:\.\d+)*) (\S.*)$")
    in_xml, comment = False, ""
    prev = ()

    def flush():
        nonlocal para
        if para:
            idx.prose(section, " ".join(p.strip() for p in para))
            para = []

    for raw in lines[start:]:
        line = raw.rstrip(" \r\n")
        s = line.strip()
        m = heading.match(s) if "\t" not in line else None
        if m and not in_xml and not s.startswith("<"):
            num = numtuple(m.group(1))
            if successor(prev, num):
                flush()
                section, prev = m.group(1), num
                idx.segments.append([section, norm(s)])
                continue
        if in_xml:  # inside an XML comment that spans lines
            comment += " " + s.split("-->")[0]
            if "-->" in s:
                in_xml = False
                idx.add(section, comment.strip().rstrip("-").strip(), "kmip-annotation", "KMIP XML comment")
            continue
        if s.startswith("<"):
            flush()
            # XML (KMIP examples): comments are annotations ("required", "shall match")
            for c in re.findall(r"<!--(.*?)-->", s):
                c = c.strip().rstrip("-").strip()
                if c:
                    idx.add(section, c, "kmip-annotation", "KMIP XML comment")
            m_open = re.search(r"<!--((?:(?!-->).)*)$", s)
            if m_open:
                in_xml, comment = True, m_open.group(1)
            idx.segments.append([section, norm(re.sub(r"<!--.*?(-->|$)", "", s))])
            continue
        if not s:
            flush()
            continue
        if re.match(r"^Table \d+: ", s):
            flush()
            caption = s
            idx.segments.append([section, norm(s)])
            continue
        if "\t" in line:
            flush()
            cells = [c.strip() for c in line.split("\t") if c.strip()]
            rowtext = " | ".join(cells)
            where = f"{caption.split(':')[0]}" if caption else None
            if keyword(rowtext):
                idx.add(section, rowtext, "table-row", where)
            else:
                idx.segments.append([section, norm(rowtext)])
            continue
        if re.match(r"^\s*(- |\d+\. |[a-z]\. )", line):
            flush()
            idx.prose(section, re.sub(r"^\s*(- (?:[a-zA-Z0-9]+\) )?|\d+\. |[a-z]\. )", "", line))
            continue
        para.append(line)
    flush()
    return idx


# ---- seed 003: RFC 4108, one paragraph per line, headings glued to paragraph ends ---------------

def parse_003(text):
    idx = Index("003", rfc=True)
    lines = [l for l in text.split("\n") if l.strip()]
    t0 = next(i for i, l in enumerate(lines) if l.startswith("Table of Contents"))
    toc = " ".join(lines[t0 + 1:t0 + 3])   # the contents run over two long lines
    titles = re.findall(r"(\d+(?:\.\d+)*)\. ([A-Z][A-Za-z0-9 ,/().-]+?) ?\.{2,}", toc)
    section = "front"
    glued = re.compile(r"(\d+(?:\.\d+)*)\. (" + "|".join(re.escape(t) for _, t in titles) + r")\s*$")
    prev = ()

    def heading_at_end(line):
        """The heading glued to the end of a paragraph line: the longest tail of the number
        that can follow the current section (page numbers and "Section 1.2.3." run into it)."""
        m = glued.search(line)
        if not m:
            return None, None
        parts = m.group(1).split(".")
        for k in range(len(parts)):
            for cut in range(len(parts[k])):
                cand = [parts[k][cut:]] + parts[k + 1:]
                if cand[0] and successor(prev, numtuple(".".join(cand))):
                    head = ".".join(cand)
                    return head, line.rfind(head + ". " + m.group(2))
        return None, None

    for line in lines:
        if line.startswith("Table of Contents"):
            idx.segments.append([section, norm(line)])
            continue
        head, at = heading_at_end(line)
        if "+----" in line:  # Figure 1, ASCII art
            body = line[:at] if head else line
            idx.add(section, "Figure 1: " + re.sub(r"[+|:-]+", " ", body), "figure", "Figure 1", False)
            if head:
                section, prev = head, numtuple(head)
                idx.segments.append([section, norm(line[at:])])
            continue
        body = line[:at] if head else line
        if section == "front" or line.startswith("1. Introduction ...."):
            idx.segments.append([section, norm(body)])
        else:
            idx.prose(section, body)
        if head:
            section, prev = head, numtuple(head)
            idx.segments.append([section, norm(line[at:])])
    return idx


# ---- seed 004: OCP L.O.C.K. 0.8 draft (markdown) -------------------------------------------------

FRONT_004 = {"front", "contributors", "reviosn-table", "license", "open-web-foundation-owf-cla", "notes",
             "acknowledgements", "compliance-with-ocp-tenets", "openness", "efficiency", "impact", "scale",
             "sustainability", "references"}


def parse_004(text):
    idx = Index("004")
    section = "front"
    para = []

    def flush():
        nonlocal para
        if para:
            t = " ".join(p.strip() for p in para)
            if section in FRONT_004:
                idx.segments.append([section, norm(t)])
            else:
                idx.prose(section, re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", t))
            para = []

    for raw in text.split("\n"):
        line = raw.rstrip(" \r\n")
        s = line.strip()
        h = re.match(r"^(#+) (.+)$", s) or re.match(r"^\*\*([^*<]+)\*\*$", s)
        if h and not s.startswith("**<center>"):
            flush()
            title = h.group(2) if h.re.pattern.startswith("^(#+)") else h.group(1)
            section = slug(title)
            idx.segments.append([section, norm(title)])
            continue
        if not s or s.startswith("<div") or s.startswith("!["):
            flush()
            continue
        if re.match(r"^(\*|-|\d+\.)\s+", s) or s.startswith("|"):
            flush()
            item = re.sub(r"^(\*|-|\d+\.)\s+", "", s)
            if section in FRONT_004:
                idx.segments.append([section, norm(item)])
            else:
                idx.prose(section, re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", item))
            continue
        para.append(line)
    flush()
    return idx


# ---- driver ----------------------------------------------------------------------------------------

def build(seeds_dir):
    out = {}
    for stem, title in SEEDS.items():
        path = os.path.join(seeds_dir, stem + ".txt")
        with open(path, encoding="utf-8") as f:
            raw = f.read()
        seedno = stem[:3]
        text = clean(raw, seedno)
        if seedno == "001":
            with open(os.path.join(seeds_dir, stem + ".layout.txt"), encoding="utf-8") as f:
                layout = unicodedata.normalize("NFKC", f.read().translate(HOMOGLYPHS))
            idx = parse_001(text, layout)
        else:
            idx = {"000": parse_000, "002": parse_002, "003": parse_003, "004": parse_004}[seedno](text)
        idx.segments = [g for g in idx.segments if g[1]]
        sections = []
        for seg in idx.segments:
            if not sections or sections[-1] != seg[0]:
                if seg[0] not in sections:
                    sections.append(seg[0])
        out[stem] = {
            "schema": 1,
            "seed": stem + ".txt",
            "title": title,
            "about": "Normative index written by tools/normative_index.py (do not edit: regenerate). "
                     "'sentences' are the normative statements with stable ids; 'segments' is the whole "
                     "seed as normalised text in reading order ([section, text, id if normative]). "
                     "Statuses: spec/normative/" + stem + ".status.json and the requirement catalogue.",
            "seed_sha256": hashlib.sha256(raw.encode()).hexdigest(),
            "repairs": [{"damaged": b, "repaired": g, "why": w} for s, b, g, w in REPAIRS if s == seedno],
            "sections": sections,
            "sentences": idx.sentences,
            "segments": idx.segments,
        }
    return out


def dump(obj):
    """One sentence / segment per line: diffs of a re-extraction stay readable."""
    head = {k: v for k, v in obj.items() if k not in ("sentences", "segments")}
    s = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    s += ',\n "sentences": [\n' + ",\n".join("  " + json.dumps(e, ensure_ascii=False) for e in obj["sentences"])
    s += '\n ],\n "segments": [\n' + ",\n".join("  " + json.dumps(e, ensure_ascii=False) for e in obj["segments"])
    return s + "\n ]\n}\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", default=os.path.join(ROOT, "..", "shared", "seeds"))
    ap.add_argument("--out", default=os.path.join(ROOT, "spec", "normative"))
    ap.add_argument("--check", action="store_true", help="fail if the committed index differs from a fresh extraction")
    ap.add_argument("--summary", action="store_true", help="print sentence counts per section")
    a = ap.parse_args()
    out = build(a.seeds)
    bad = 0
    for stem, obj in out.items():
        path = os.path.join(a.out, stem + ".json")
        text = dump(obj)
        if a.check:
            try:
                with open(path, encoding="utf-8") as f:
                    same = f.read() == text
            except OSError:
                same = False
            if not same:
                print(f"{path}: differs from a fresh extraction (run tools/normative_index.py)")
                bad += 1
            else:
                print(f"{path}: up to date ({len(obj['sentences'])} normative sentences)")
        else:
            os.makedirs(a.out, exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            print(f"{os.path.relpath(path)}: {len(obj['sentences'])} normative sentences, {len(obj['segments'])} segments")
        if a.summary:
            counts = {}
            for e in obj["sentences"]:
                counts[e["section"]] = counts.get(e["section"], 0) + 1
            for sec, n in counts.items():
                print(f"   §{sec}: {n}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
