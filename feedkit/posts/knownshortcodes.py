"""What feedkit makes of the shortcodes it knows by name: Hugo's own (`figure`, `youtube`,
`gist`, `qr`, …) and popular themes' (PaperMod's, Stack's, the note boxes of LoveIt, Docsy,
hugo-book and others), each from its call's parameters and inner content, as Markdown and
HTML a feed can carry (an embed a link, a box a quote). feedkit/posts/shortcodes.py finds
the calls and chooses among these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Call:
    """A shortcode's call: its name, its positional arguments and its named ones."""

    name: str
    args: list[str]
    named: dict[str, str]

    def get(self, key: str, position: int | None = None) -> str:
        if key in self.named:
            return self.named[key]
        if position is not None and position < len(self.args):
            return self.args[position]
        return ""


def link_html(url: str, text: str) -> str:
    return f'<a href="{escape(url)}">{escape(text)}</a>'


def fenced_code(lang: str, code: str) -> str:
    # Without the line ends around it, and the spaces before the closing tag on its line.
    code = re.sub(r"(?:\n[ \t]*)+\Z", "", code.lstrip("\n"))
    longest = max((len(m) for m in re.findall(r"`{3,}", code)), default=2)
    fence = "`" * (longest + 1)
    return f"\n{fence}{lang}\n{code}\n{fence}\n"


def inline_markdown(text: str) -> str:
    """Return the HTML of one line of Markdown, without its paragraph: what Hugo's
    `markdownify` gives a figure's caption."""
    from feedkit.posts.markup import markdown

    html = markdown().html(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


def figure_html(call: Call) -> str:
    """Return Hugo's `figure` as Hugo 0.168 writes it: the image (its `alt` the caption's
    text when it has none), linked to `link`; under it the `title` as a heading, then the
    `caption` and the `attr` credit (a link to `attrlink`) as a paragraph, each as Hugo's
    `markdownify` renders it, run together as Hugo runs them (a line break before the
    credit's link)."""
    from feedkit.posts.sanitize import text_of

    alt, caption, attr = call.get("alt"), call.get("caption"), call.get("attr")
    attrs = [f'src="{escape(call.get("src", 0))}"']
    if alt or caption:
        attrs.append(f'alt="{escape(alt or text_of(inline_markdown(caption)))}"')
    attrs += [f'{k}="{escape(call.get(k))}"' for k in ("width", "height") if call.get(k)]
    img = f"<img {' '.join(attrs)}>"
    if call.get("link"):
        img = f'<a href="{escape(call.get("link"))}">{img}</a>'
    parts = [f"<h4>{escape(call.get('title'))}</h4>"] if call.get("title") else []
    if caption or attr:
        credit = inline_markdown(attr) if attr else ""
        if link := call.get("attrlink"):
            credit = f'\n<a href="{escape(link)}">{credit}</a>'
        parts.append(f"<p>{inline_markdown(caption) if caption else ''}{credit}</p>")
    figcaption = f"<figcaption>{''.join(parts)}</figcaption>" if parts else ""
    return f"\n<figure>{img}{figcaption}</figure>\n"


def qr_html(call: Call, inner: str | None) -> str:
    """Return Hugo's `qr` (0.141: a picture of a QR code, in a file its build names by a
    hash) as what the code holds, for a reader who cannot scan the screen they read it on:
    a link when it is a web or mail address (its text the shortcode's `alt`, when given),
    else the text."""
    text = (call.get("text") or inner or "").strip()
    if not text:
        return ""
    alt = call.get("alt")
    if re.match(r"(?i)(?:https?://|mailto:)\S+\Z", text):
        return f"\n<p>{link_html(text, alt or text)}</p>\n"
    return f"\n<p>{escape(alt or text)}</p>\n"


def embed_link(call: Call) -> str:
    name = call.name
    if name == "youtube":
        video = call.get("id", 0)
        # Where the site's player starts (`start`, in seconds), the video's page starts too.
        start = call.get("start")
        at = f"&t={start}s" if start and start.isdigit() and start != "0" else ""
        return link_html(
            f"https://www.youtube.com/watch?v={video}{at}", call.get("title") or "YouTube video"
        )
    if name in ("vimeo", "vimeo_simple"):  # the second, a thumbnail linking to the video
        video = call.get("id", 0)
        return link_html(f"https://vimeo.com/{video}", call.get("title") or "Vimeo video")
    if name == "gist":
        user, gist, file = call.get("user", 0), call.get("id", 1), call.get("file", 2)
        anchor = "#file-" + re.sub(r"[^\w-]", "-", file).lower() if file else ""
        return link_html(f"https://gist.github.com/{user}/{gist}{anchor}", f"Gist {file or gist}")
    if name in ("tweet", "x", "twitter", "x_simple", "twitter_simple"):
        user, post = call.get("user"), call.get("id", 0)
        return link_html(f"https://x.com/{user or 'i'}/status/{post}", "Post on X")
    if name == "instagram":
        return link_html(f"https://www.instagram.com/p/{call.get('id', 0)}/", "Instagram post")
    # PaperMod's audio and video players: a link to the file, as feeds show embeds.
    kind = "Audio" if name == "audio" else "Video"
    return link_html(call.get("src", 0), call.get("caption") or call.get("title") or kind)


# Themes' boxes around a note: LoveIt's, DoIt's and FixIt's admonition, Blowfish's, Congo's
# and Docsy's alert, Hugo Blox's callout, hugo-book's hint, the notice of hugo-notice and
# others. In a feed: a quote under a bold title.
ADMONITIONS = {"admonition", "alert", "callout", "hint", "notice"}


def admonition_html(call: Call, inner: str) -> str:
    from feedkit.posts.plaintext import plain_text

    # alert's argument is an icon (Blowfish, Congo); the others' the kind: tip, warning, …
    kind = "" if call.name == "alert" else call.get("type") or call.get("style", 0)
    named = call.args[1] if call.name in ("admonition", "notice") and len(call.args) > 1 else ""
    title = escape(plain_text(call.get("title") or named or kind.capitalize()))
    heading = f"<p><strong>{title}</strong></p>\n" if title else ""
    return f"\n<blockquote>\n{heading}\n{inner.strip()}\n\n</blockquote>\n"


def quote_html(call: Call, inner: str) -> str:
    """Return Stack's `quote` (and the like of other themes'): its text in a quote, then a
    line with its `author` and `source`, the source a link to `url` when it gives one."""
    source = f"<cite>{escape(call.get('source'))}</cite>" if call.get("source") else ""
    if source and call.get("url"):
        source = f'<a href="{escape(call.get("url"))}">{source}</a>'
    by = ", ".join(part for part in (escape(call.get("author")), source) if part)
    line = f"<p>― {by}</p>\n" if by else ""
    return f"\n<blockquote>\n\n{inner.strip()}\n\n{line}</blockquote>\n"


EMBEDS = {"youtube", "vimeo", "gist", "tweet", "x", "twitter", "instagram", "audio", "video"}
EMBEDS |= {"vimeo_simple", "x_simple", "twitter_simple"}  # Hugo's versions without scripts
