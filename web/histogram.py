"""The year histogram of the search page: bars (one year, or a few years when the span is long)
drawn as inline SVG, each bar a link that narrows the search to its years."""
from __future__ import annotations

from dataclasses import dataclass

MAX_BARS = 30
BIN_SIZES = (1, 2, 5, 10, 20, 25, 50, 100)
WIDTH, HEIGHT, AXIS = 280, 84, 16


@dataclass
class Bar:
    """One bar: its years, height and link."""

    lo: int
    hi: int
    count: int  # documents, for a one-year bar; the largest yearly count in a wider bar
    years: list[tuple[int, int]]  # (year, documents) with documents > 0
    x: float
    y: float
    w: float
    h: float
    href: str
    selected: bool

    @property
    def span(self) -> str:
        """"2005" or "2000–2004"."""
        return str(self.lo) if self.lo == self.hi else f"{self.lo}–{self.hi}"


@dataclass
class Histogram:
    """Everything the template draws."""

    bars: list[Bar]
    lo: int
    hi: int
    bin_size: int
    zoomed: bool
    width: int = WIDTH
    height: int = HEIGHT
    axis: int = AXIS
    ticks: list[tuple[float, int]] | None = None  # (x, year) labels between the two ends


def build(year_items: list[dict], year_from: int | None, year_to: int | None, years: list[int],
          link, width: int = WIDTH, height: int = HEIGHT, max_bars: int = MAX_BARS) -> Histogram | None:
    """Bars from the year facet; `link(lo, hi)` gives the URL that narrows the search to lo..hi.

    When a range of at least three years is selected the histogram zooms into it, so a wide
    bar clicked leads to the single years inside it.
    """
    counts = {int(it["value"]): int(it["count"]) for it in year_items if int(it["count"]) > 0}
    if not counts:
        return None
    lo, hi = min(counts), max(counts)
    zoomed = False
    if year_from is not None or year_to is not None:
        a = year_from if year_from is not None else lo
        b = year_to if year_to is not None else hi
        if b - a >= 2 and (a > lo or b < hi):
            lo, hi, zoomed = max(lo, a), min(hi, b), True
            if lo > hi:
                lo, hi = a, b
    span = hi - lo + 1
    size = next((s for s in BIN_SIZES if -(-span // s) <= max_bars), BIN_SIZES[-1])
    start = lo - (lo % size) if size > 1 else lo
    bins = []
    y0 = start
    while y0 <= hi:
        y1 = y0 + size - 1
        inside = [(y, counts[y]) for y in range(max(y0, lo), min(y1, hi) + 1) if y in counts]
        # a bar never claims years beyond the data: the last of 2025–2029 is 2025–2025 when 2025 is the latest
        bins.append((max(y0, lo), min(y1, hi), inside))
        y0 += size
    slot = width / len(bins)
    first, last = lo, hi
    # year labels under the bars where the two ends alone would leave the reader counting:
    # each year when there are few bars, decades under a wide chart
    ticks = None
    if size == 1 and 2 < len(bins) <= 8:
        ticks = [(round((i + 0.5) * slot, 1), b0) for i, (b0, _b1, _ys) in enumerate(bins)][1:-1]
    elif width >= 500 and last - first >= 20:
        step = 10 if last - first <= 80 else 20
        ticks = [(round((i + 0.5) * slot, 1), b0) for i, (b0, _b1, _ys) in enumerate(bins)
                 if b0 % step == 0 and b0 - first >= step / 2 and last - b0 >= step / 2]
    axis = AXIS if ticks else 2
    height = height - AXIS + axis
    top = max((max((c for _, c in ys), default=0) for _, _, ys in bins), default=1) or 1
    gap = min(2.0, slot * 0.2)
    chosen = set(years)
    bars = []
    for i, (b0, b1, ys) in enumerate(bins):
        c = max((n for _, n in ys), default=0)
        h = 0.0 if c == 0 else max(3.0, (height - axis - 4) * c / top)
        in_range = (year_from is None or b0 >= year_from) and (year_to is None or b1 <= year_to)
        selected = bool((year_from is not None or year_to is not None) and in_range) or any(y in chosen for y, _ in ys)
        bars.append(Bar(lo=b0, hi=b1, count=c, years=ys, x=round(i * slot + gap / 2, 2),
                        y=round(height - axis - h, 2), w=round(slot - gap, 2), h=round(h, 2),
                        href=link(b0, b1), selected=selected))
    return Histogram(bars=bars, lo=first, hi=last, bin_size=size, zoomed=zoomed,
                     width=width, height=height, axis=axis, ticks=ticks)
