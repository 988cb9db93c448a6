#!/usr/bin/python3
"""ansi2png.py - render `tmux capture-pane -p -e` output (text with SGR
escapes) to a PNG with a monospace font, the way a terminal would show
it. Used by tests/screenshots.sh; needs python3-pil and fonts-dejavu-core.

usage: ansi2png.py IN.ansi OUT.png [--cols N] [--rows N] [--font-size PX]
"""
import argparse
import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
# a dark terminal's palette (xterm's, slightly softened)
BASIC = [
    (0x1e, 0x1e, 0x2e), (0xcd, 0x31, 0x31), (0x0d, 0xbc, 0x79), (0xe5, 0xe5, 0x10),
    (0x24, 0x72, 0xc8), (0xbc, 0x3f, 0xbc), (0x11, 0xa8, 0xcd), (0xe5, 0xe5, 0xe5),
    (0x66, 0x66, 0x66), (0xf1, 0x4c, 0x4c), (0x23, 0xd1, 0x8b), (0xf5, 0xf5, 0x43),
    (0x3b, 0x8e, 0xea), (0xd6, 0x70, 0xd6), (0x29, 0xb8, 0xdb), (0xff, 0xff, 0xff),
]
DEFAULT_FG = (0xd0, 0xd4, 0xe0)
DEFAULT_BG = (0x16, 0x16, 0x22)


def xterm256(n):
    if n < 16:
        return BASIC[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    g = 8 + (n - 232) * 10
    return (g, g, g)


class Pen:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.italic = self.underline = self.reverse = False

    def sgr(self, params):
        p = [int(x) if x else 0 for x in params.split(";")] if params else [0]
        i = 0
        while i < len(p):
            v = p[i]
            if v == 0:
                self.reset()
            elif v == 1:
                self.bold = True
            elif v == 2:
                self.dim = True
            elif v == 3:
                self.italic = True
            elif v == 4:
                self.underline = True
            elif v == 7:
                self.reverse = True
            elif v == 22:
                self.bold = self.dim = False
            elif v == 23:
                self.italic = False
            elif v == 24:
                self.underline = False
            elif v == 27:
                self.reverse = False
            elif 30 <= v <= 37:
                self.fg = BASIC[v - 30]
            elif 90 <= v <= 97:
                self.fg = BASIC[v - 90 + 8]
            elif 40 <= v <= 47:
                self.bg = BASIC[v - 40]
            elif 100 <= v <= 107:
                self.bg = BASIC[v - 100 + 8]
            elif v == 39:
                self.fg = None
            elif v == 49:
                self.bg = None
            elif v in (38, 48) and i + 1 < len(p):
                if p[i + 1] == 5 and i + 2 < len(p):
                    c = xterm256(p[i + 2])
                    i += 2
                elif p[i + 1] == 2 and i + 4 < len(p):
                    c = (p[i + 2], p[i + 3], p[i + 4])
                    i += 4
                else:
                    c = None
                if v == 38:
                    self.fg = c
                else:
                    self.bg = c
            i += 1

    def colours(self):
        fg = self.fg or DEFAULT_FG
        bg = self.bg or DEFAULT_BG
        if self.bold and self.fg in BASIC[:8]:
            fg = BASIC[BASIC.index(self.fg) + 8]
        if self.reverse:
            fg, bg = bg, fg
        if self.dim:
            fg = tuple((a + b) // 2 for a, b in zip(fg, bg))
        return fg, bg


ESC = re.compile(r"\x1b\[([0-9;]*)([A-Za-z])|\x1b([()])([0-9A-Za-z])|\x1b.|([\x0e\x0f])")
# DEC special graphics, for line drawing sent as ACS (non-UTF-8 locales)
DEC = dict(zip("jklmnqtuvwx`afgy z~", "┘┐┌└┼─├┤┴┬│◆▒°±≤ ≥·"))


def parse(text, cols, rows):
    """Grid of (char, fg, bg, bold, underline) per cell."""
    pen = Pen()
    grid = []
    acs = False

    def put(row, ch):
        if acs:
            ch = DEC.get(ch, ch)
        row.append((ch, *pen.colours(), pen.bold, pen.underline))

    for line in text.split("\n")[:rows]:
        row = []
        pos = 0
        for m in ESC.finditer(line):
            for ch in line[pos:m.start()]:
                put(row, ch)
            if m.group(2) == "m":
                pen.sgr(m.group(1))
            elif m.group(3) == "(":
                acs = m.group(4) == "0"
            elif m.group(5):
                acs = m.group(5) == "\x0e"
            pos = m.end()
        for ch in line[pos:]:
            put(row, ch)
        # the rest of the row takes the current background, as a terminal
        # erasing to the end of the line would
        while len(row) < cols:
            row.append((" ", *pen.colours(), False, False))
        grid.append(row[:cols])
    while len(grid) < rows:
        grid.append([(" ", DEFAULT_FG, DEFAULT_BG, False, False)] * cols)
    return grid


# braille dot bits by (column, row), as Unicode numbers them
DOTS = [(0, 0, 0x01), (0, 1, 0x02), (0, 2, 0x04), (1, 0, 0x08), (1, 1, 0x10), (1, 2, 0x20),
        (0, 3, 0x40), (1, 3, 0x80)]


def braille(d, x0, y0, cw, ch, bits, fg):
    """Draw a braille cell as dots: monospace fonts rarely carry them."""
    r = max(1.0, cw / 7.5)
    for col, row, bit in DOTS:
        if bits & bit:
            cx = x0 + cw * (0.3 + 0.4 * col)
            cy = y0 + ch * (0.14 + 0.24 * row)
            d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fg)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--font-size", type=int, default=15)
    a = ap.parse_args()
    with open(a.input, encoding="utf-8", errors="replace") as f:
        text = f.read()
    regular = ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", a.font_size)
    bold = ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", a.font_size)
    left, top, right, bottom = regular.getbbox("M")
    cw = regular.getlength("M")
    ch = int(a.font_size * 1.25)
    pad = 8
    img = Image.new("RGB", (int(cw * a.cols) + 2 * pad, ch * a.rows + 2 * pad), DEFAULT_BG)
    d = ImageDraw.Draw(img)
    for y, row in enumerate(parse(text, a.cols, a.rows)):
        for x, (c, fg, bg, b, u) in enumerate(row):
            x0, y0 = pad + x * cw, pad + y * ch
            d.rectangle([x0, y0, x0 + cw, y0 + ch], fill=bg)
            if 0x2800 <= ord(c) <= 0x28FF:
                braille(d, x0, y0, cw, ch, ord(c) - 0x2800, fg)
            elif c != " ":
                d.text((x0, y0 + (ch - a.font_size) // 2 - 1), c, font=bold if b else regular, fill=fg)
            if u:
                d.line([x0, y0 + ch - 2, x0 + cw, y0 + ch - 2], fill=fg)
    img.save(a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
