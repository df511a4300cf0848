"""Our feeds through the W3C Feed Validation Service's own code (../shared/tools/validate-feed),
run on the files a build writes: 0 errors and 0 warnings. Skipped where ../shared is absent;
tests/test_validity.py checks the same rules with the repository's own copy (feedcheck.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from feedkit.cli import main
from feedkit.config import Config

from conftest import NOW_ENV, ROOT, SITE_TOML, MakeSite

VALIDATE = ROOT.parent / "shared" / "tools" / "validate-feed"
pytestmark = pytest.mark.skipif(not VALIDATE.is_file(), reason="../shared/tools is absent")


def build(cfg: Config) -> list[Path]:
    result = CliRunner().invoke(
        main, ["build", "--config", str(cfg.root / "feedkit.toml")], env=NOW_ENV
    )
    assert result.exit_code == 0, result.output
    return sorted(p for p in cfg.output_path.rglob("*") if p.suffix == ".xml")


def verdicts(cfg: Config, files: list[Path]) -> dict[str, str]:
    """Return the validator's report for every feed that has an error or a warning."""
    found = {}
    for path in files:
        # the file's address as a reader fetches it: tags/%E6%97%85%E8%A1%8C/ for tags/旅行/
        url = cfg.base_url + quote(path.relative_to(cfg.output_path).as_posix())
        done = subprocess.run(
            [sys.executable, str(VALIDATE), str(path), url], capture_output=True, text=True
        )
        if done.returncode != 0:
            found[url] = done.stdout + done.stderr
    return found


def test_sample_site_feeds_pass_the_w3c_validator(make_site: MakeSite) -> None:
    cfg = make_site(toml=(ROOT / "feedkit.toml").read_text(encoding="utf-8"))
    for post in (ROOT / "content").rglob("*.md"):
        target = cfg.content_path / post.relative_to(ROOT / "content")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(post.read_bytes())
    files = build(cfg)
    assert len(files) >= 2 + 2 * 10, "every Atom and RSS feed, tag feeds too"
    assert verdicts(cfg, files) == {}


@pytest.mark.parametrize(
    "fixtures",
    [("posts",), ("hostile-html",), ("math",), ("kramdown",), ("tags-unicode",), ("authors",)],
)
def test_fixture_feeds_pass_the_w3c_validator(make_site: MakeSite, fixtures: tuple[str]) -> None:
    cfg = make_site(*fixtures, toml=SITE_TOML)
    hostile_title = cfg.content_path / "posts" / "hostile-title.md"
    hostile_title.unlink(missing_ok=True)  # its title's markup: see test_validity.py
    files = build(cfg)
    assert len(files) >= 2
    assert verdicts(cfg, files) == {}


def test_feeds_naming_a_websub_hub_pass_the_w3c_validator(make_site: MakeSite) -> None:
    cfg = make_site("posts", toml=SITE_TOML + 'hub = "https://hub.example.org/?a=1&b=2"\n')
    (cfg.content_path / "posts" / "hostile-title.md").unlink(missing_ok=True)
    files = build(cfg)
    assert b'rel="hub"' in files[0].read_bytes()
    assert verdicts(cfg, files) == {}


def test_a_site_whose_address_is_in_another_script_passes(make_site: MakeSite) -> None:
    """RSS wants URLs and a tag: ID an ASCII host: feedkit.toml's münchen.example is written
    as xn--mnchen-3ya.example (and the validator was given what the site really serves)."""
    toml = SITE_TOML.replace("https://example.com/blog/", "https://münchen.example/blög/")
    cfg = make_site("posts", toml=toml)
    assert cfg.base_url == "https://xn--mnchen-3ya.example/bl%C3%B6g/"
    (cfg.content_path / "posts" / "hostile-title.md").unlink(missing_ok=True)
    assert verdicts(cfg, build(cfg)) == {}


def test_a_post_with_no_text_passes(make_site: MakeSite) -> None:
    """As `feedkit new` writes one: a blank <content> drew "content should not be blank"."""
    cfg = make_site(posts={"empty.md": "---\ntitle: Just a title\ndate: 2026-01-02\n---\n"})
    assert verdicts(cfg, build(cfg)) == {}


def test_a_post_with_characters_validators_reject_passes(make_site: MakeSite) -> None:
    """DEL, U+FFFD and noncharacters, written and as references: removed with a warning."""
    from test_build import VALIDATORS_REJECT

    cfg = make_site(posts={"odd.md": VALIDATORS_REJECT})
    assert verdicts(cfg, build(cfg)) == {}


def test_a_site_whose_address_has_capitals_passes(make_site: MakeSite) -> None:
    """Hugo's baseURL = "https://Example.COM/" as written: Atom IDs in their normal form."""
    toml = SITE_TOML.replace("https://example.com/blog/", "https://Example.COM/Blog/")
    cfg = make_site("posts", toml=toml.replace("[feed]", '[feed]\nids = "url"'))
    (cfg.content_path / "posts" / "hostile-title.md").unlink(missing_ok=True)
    assert verdicts(cfg, build(cfg)) == {}


def test_a_post_whose_image_and_tags_hold_spaces_and_markup_passes(make_site: MakeSite) -> None:
    """`image: img/my cover é.jpg` drew "Invalid character in a URI" (media:content in Atom
    and RSS), and a tag `Vec<T>` "Encode & and <" in its RSS feed's channel description."""
    post = (
        '---\ntitle: Pic\ndate: 2024-03-02\ntags: ["Vec<T>", "a & b"]\n'
        'image: "img/my cover é.jpg"\n---\nText.\n'
    )
    cfg = make_site(posts={"pic.md": post})
    files = build(cfg)
    assert len(files) == 2 + 2 * 2
    assert verdicts(cfg, files) == {}


def test_a_post_with_katex_output_pasted_in_passes(make_site: MakeSite) -> None:
    """MathML in a post's own HTML drew "Non-html tag" eleven times in RSS."""
    cfg = make_site(posts={"k.md": KATEX_POST})
    files = build(cfg)
    assert b"&lt;math" not in (cfg.output_path / "rss.xml").read_bytes()
    assert verdicts(cfg, files) == {}


# KaTeX's output for x^2, as a blogger pastes it, and a displayed formula in bare MathML.
KATEX_POST = (
    "---\ntitle: KaTeX\ndate: 2024-03-02\n---\n"
    'Inline <span class="katex"><span class="katex-mathml"><math xmlns="http://www.w3.org/'
    '1998/Math/MathML"><semantics><mrow><msup><mi>x</mi><mn>2</mn></msup></mrow><annotation '
    'encoding="application/x-tex">x^2</annotation></semantics></math></span><span class="katex'
    '-html" aria-hidden="true"><span class="base"><span class="mord">x</span><span class="msupsub">'
    '<span class="mord">2</span></span></span></span></span> here.\n\n'
    '<math display="block"><mfrac><mi>a</mi><mi>b</mi></mfrac></math>\n'
)


def test_entries_in_another_language_pass_the_w3c_validator(make_site: MakeSite) -> None:
    from test_layout import JEKYLL_LANGS

    cfg = make_site(posts={"_config.yml": "title: Site\n", **JEKYLL_LANGS}, toml=SITE_TOML)
    files = build(cfg)
    assert b'xml:lang="pt-BR"' in next(f for f in files if f.name == "atom.xml").read_bytes()
    assert verdicts(cfg, files) == {}


def test_the_ids_feedkit_warns_of_are_the_ones_the_w3c_validator_rejects(
    make_site: MakeSite,
) -> None:
    from test_feeds import PINNED_IDS, pinned

    good = [name for name in PINNED_IDS if name.startswith("good")]
    cfg = make_site(posts={name: pinned(name, n) for n, name in enumerate(good, start=1)})
    assert verdicts(cfg, build(cfg)) == {}
    for n, (name, said) in enumerate(
        (("bad-tag.md", "TAG"), ("bad-uuid.md", "UUID"), ("bad-urn.md", "URN")), start=1
    ):
        (cfg.content_path / name).write_text(pinned(name, n), encoding="utf-8")
        found = verdicts(cfg, build(cfg))
        assert list(found) == [cfg.base_url + "atom.xml"], found
        assert f"id is not a valid {said}" in found[cfg.base_url + "atom.xml"]
        (cfg.content_path / name).unlink()
    # A scheme it does not know: the warning feedkit gives is the validator's.
    scheme = "---\ntitle: S\ndate: 2024-05-09\nid: note:2024/s\n---\nText.\n"
    (cfg.content_path / "scheme.md").write_text(scheme, encoding="utf-8")
    found = verdicts(cfg, build(cfg))
    assert "URI scheme not IANA registered" in found[cfg.base_url + "atom.xml"]
