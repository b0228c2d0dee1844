"""Small server-rendered SVG charts: no JavaScript, no CDN. Labels are escaped."""

from django.utils.html import format_html, format_html_join

WIDTH, HEIGHT, PAD = 560, 180, 24


def bar_chart(*, values: list[int], labels: list[str], title: str) -> str:
    """Vertical bars with a count above each and a label below."""
    top = max(values, default=0) or 1
    slot = (WIDTH - 2 * PAD) / max(len(values), 1)
    bars = []
    for index, (value, label) in enumerate(zip(values, labels, strict=True)):
        height = (HEIGHT - 3 * PAD) * value / top
        x = PAD + index * slot
        y = HEIGHT - 2 * PAD - height
        bars.append(
            (
                f"{x + 2:.1f}",
                f"{y:.1f}",
                f"{max(slot - 4, 1):.1f}",
                f"{height:.1f}",
                f"{x + slot / 2:.1f}",
                f"{y - 4:.1f}",
                value,
                f"{HEIGHT - PAD:.1f}",
                label,
            )
        )
    body = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="bar"></rect>'
        '<text x="{}" y="{}" class="count">{}</text><text x="{}" y="{}" class="label">{}</text>',
        ((x, y, w, h, cx, ty, v, cx, ly, label) for x, y, w, h, cx, ty, v, ly, label in bars),
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>{}</svg>',
        WIDTH,
        HEIGHT,
        title,
        title,
        body,
    )
