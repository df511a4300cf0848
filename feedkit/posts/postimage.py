"""The image of the post `PostBuilder` (feedkit/posts/postmeta.py) reads: `image:` as
themes write it (text, or Chirpy's and So Simple's `{path: …, alt: …}`), a Hugo theme's
cover where there is none, its address as a feed carries it, and its alternative text.
Problems go to the builder's warnings, at the line of `image:`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from feedkit.errors import Problem
from feedkit.posts.postreading import PostReading
from feedkit.posts.postvalues import short_repr


class PostImage(PostReading):
    """The image of the post `PostBuilder` reads, from its front matter (`meta`) and its
    place in the site's layout; what is wrong with it goes to `warnings`."""

    def _image_url(self, url: str, image: str) -> str:
        """Return the address of the post's image: in a Jekyll site one without a scheme is
        on the site (jekyll-feed's `absolute_url`: `assets/a.png` and `/assets/a.png` both
        under its baseurl), elsewhere it is relative to the post's page (a Hugo bundle's).
        In ASCII, as feeds carry a URL (`my cover.jpg` is `my%20cover.jpg`); its host, when
        it names one, is checked by `_image`."""
        from feedkit.asciiurl import ascii_url

        if self.place.jekyll and "://" not in image and not image.startswith("//"):
            return ascii_url(self.cfg.base_url + image.lstrip("/"))
        return ascii_url(urljoin(url, image))

    def _image(self) -> str | None:
        """Return `image:` as text; Chirpy's and So Simple's `image: {path: …}` give its path."""
        value = self.meta.get("image")
        if isinstance(value, dict):
            if "path" not in value:
                self.warnings.append(
                    Problem(
                        self.shown,
                        self.line_of("image"),
                        "image: a mapping without 'path' (Chirpy's and So Simple's "
                        "image: {path: …}); the post has no image",
                        warning=True,
                    )
                )
                return None
            value = value["path"]
        image = self._text("image", value)
        scheme = urlsplit(image.strip()).scheme if image else ""
        if image and scheme and scheme.lower() not in ("http", "https"):
            # `javascript:…`, a `data:` URI, `ftp://`: no feed reader fetches it (and one
            # with no host stopped the build with a traceback).
            self.warnings.append(
                Problem(
                    self.shown,
                    self.line_of("image"),
                    f"image: {short_repr(image.strip())} is not a web address (http or https); "
                    "the post has no image",
                    warning=True,
                )
            )
            return None
        if image and ("://" in image or image.strip().startswith("//")):
            from feedkit.asciiurl import ascii_url

            try:  # on a host of its own: one that is no host name is no image
                ascii_url(urljoin(self.cfg.base_url, image.strip()))
            except ValueError as exc:
                self.warnings.append(
                    Problem(
                        self.shown,
                        self.line_of("image"),
                        f"image: {exc}; the post has no image",
                        warning=True,
                    )
                )
                return None
        return image


def image_alt(meta: dict[str, Any]) -> str | None:
    """Return the image's alternative text as themes write it: Chirpy's and So Simple's
    `image: {path, alt}`, PaperMod's `cover.alt`, or `image_alt`."""
    image, cover = meta.get("image"), meta.get("cover")
    for found in (
        image.get("alt") if isinstance(image, dict) else None,
        cover.get("alt") if isinstance(cover, dict) else None,
        meta.get("image_alt"),
    ):
        if isinstance(found, str) and found.strip():
            return " ".join(found.split())
    return None


def theme_image(meta: dict[str, Any]) -> str | None:
    """Return a Hugo page's cover image as its theme names it: PaperMod's `cover.image`,
    Hugo's own `images` (its first), LoveIt's `featuredImage`, Blowfish's `featureimage`."""
    cover = meta.get("cover")
    images = meta.get("images")
    for found in (
        cover.get("image") if isinstance(cover, dict) else None,
        images[0] if isinstance(images, list) and images else None,
        meta.get("featuredimage"),  # featuredImage: keys are in lower case (see __init__)
        meta.get("featureimage"),
    ):
        if isinstance(found, str) and found.strip():
            return found
    return None
