"""The includes of popular Jekyll themes, for a blog whose `_includes/` does not hold them.

A theme installed as a gem keeps its `_includes/` in the gem, not in the blog: a post's
`{% include figure image_path=… %}` then finds no file, and a feed would lose the image. These
stand-ins (Liquid, as the theme's own are) give what the include shows, in the form feeds
carry it: a figure with its image and caption, an embedded video as a link to it. A blog's
own `_includes/` file of the same name always wins.
"""

from __future__ import annotations

_FIGURE = (
    '<figure><img src="{{ include.%(src)s | relative_url }}" alt="{{ include.alt }}">'
    "{%% if include.caption %%}<figcaption>{{ include.caption | markdownify | remove: '<p>' "
    "| remove: '</p>' | strip }}"
    "</figcaption>{%% endif %%}</figure>\n"
)
_VIDEO_LINKS = (
    "{% assign p = include.provider | default: 'youtube' %}"
    "{% if p == 'vimeo' %}<a href=\"https://vimeo.com/{{ include.id }}\">Vimeo video</a>"
    "{% elsif p == 'google-drive' %}"
    '<a href="https://drive.google.com/file/d/{{ include.id }}/view">Video</a>'
    "{% elsif p == 'bilibili' %}"
    '<a href="https://www.bilibili.com/video/{{ include.id }}">Bilibili video</a>'
    '{% else %}<a href="https://www.youtube.com/watch?v={{ include.id }}">YouTube video</a>'
    "{% endif %}\n"
)

# An include's name as a post writes it → its Liquid.
THEME_INCLUDES = {
    # Minimal Mistakes: {% include figure image_path="/assets/a.png" alt="…" caption="…" %}
    "figure": _FIGURE % {"src": "image_path"},
    "figure.html": _FIGURE % {"src": "image_path"},
    # al-folio: {% include figure.liquid path="assets/img/1.jpg" class="img-fluid" %}
    "figure.liquid": _FIGURE % {"src": "path"},
    # Minimal Mistakes: {% include video id="XsxDH4HcOWA" provider="youtube" %}
    "video": _VIDEO_LINKS,
    "video.liquid": _VIDEO_LINKS,
    # Chirpy: {% include embed/youtube.html id='Balreaj8Yqs' %}
    "embed/youtube.html": (
        '<a href="https://www.youtube.com/watch?v={{ include.id }}">YouTube video</a>\n'
    ),
    "embed/vimeo.html": '<a href="https://vimeo.com/{{ include.id }}">Vimeo video</a>\n',
    "embed/bilibili.html": (
        '<a href="https://www.bilibili.com/video/{{ include.id }}">Bilibili video</a>\n'
    ),
    # The snippet many blogs copied: {% include image.html url="…" description="…" %}
    "image.html": (
        '<figure><img src="{{ include.url | relative_url }}" alt="{{ include.description }}">'
        "{% if include.description %}<figcaption>{{ include.description }}</figcaption>"
        "{% endif %}</figure>\n"
    ),
}
