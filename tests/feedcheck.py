"""Offline approximation of the W3C Feed Validation Service, plus a JSON Feed 1.1 checker.

Rules are ported from github.com/w3c/feedvalidator (feed.py, entry.py, item.py, channel.py,
link.py, content.py, author.py, validators.py, base.py, uri.py).  ``code`` is the validator's
message class name and ``level`` its severity.  Reproduced messages:

  document  SAXError UnicodeError BadXmlVersion UndefinedNamedEntity BadCharacters
            UndefinedElement UndeterminableVocabulary UnexpectedAttribute UnknownNamespace
            ReservedPrefix AvoidNamespacePrefix InvalidLanguage
  Atom      MissingElement DuplicateElement MisplacedMetadata MissingSelf RelativeSelf
            SelfDoesntMatchLocation SelfNotAtom UnregisteredAtomLinkRel MissingHref
            AtomLinkNotEmpty DuplicateAtomLink AttrNotBlank InvalidMIMEType InvalidTextType
            MissingXhtmlDiv NotBlank ContainsUndeclaredHTML ContainsEmail NonCanonicalURI
            UnexpectedWhitespace InvalidRFC3339Date DuplicateEntries DuplicateUpdated
            MissingTextualContent MissingContentOrAlternate InvalidAddrSpec MissingAttribute
  RSS 2.0   MissingTitle MissingLink MissingDescription MisplacedItem MissingAtomSelfLink
            ContainsHTML CharacterData InvalidRFC2822Date IncorrectDOW ProblematicalRFC822Date
            InvalidContact EmailFormat MissingRealName ItemMustContainTitleOrDescription
            MissingGuid InvalidHttpGUID InvalidPermalink InvalidBooleanAttribute
            NotSufficientlyUnique DuplicateValue DuplicateItemSemantics
            NeedDescriptionBeforeContent InvalidRSSVersion InvalidPositiveInteger
            ImageUrlFormat ImageLinkDoesntMatch ImageTitleDoesntMatch InvalidWidth InvalidHeight
  shared    ImplausibleDate InvalidFullLink InvalidLink InvalidIRI InvalidUriChar UriNotIri
            InvalidTAG InvalidURN InvalidUUID SchemeNotIANARegistered InvalidURIAttribute
            NotHtml SecurityRisk SecurityRiskAttr DangerousStyleAttr ContainsRelRef

Not reproduced: HTTP and media-type checks, UnknownHost (needs DNS), info-level notes,
DuplicateIds, RFC 5005 paging, iTunes/Media RSS/other extension vocabularies (their namespaces
are accepted, their elements unchecked), enclosure/cloud/textInput/skip* details, Atom
content with src= or non-text media types, RSS 0.9x/1.0, the full ISO 639-2 list (any
3-letter code passes) and dot-segment URI normalisation.  NotHtml approximates html5lib's
strict parse: mismatched or stray end tags, unclosed elements and self-closed non-void ones.

feedcheck's own additions, stricter than W3C: https gets http's "//host" rule; namespaces
other than atom/content/dc/xhtml and a few common extensions give UnknownNamespace; relative
a@href / img@src in Atom html or xhtml content without xml:base give ContainsRelRef (W3C
flags only RSS); javascript: URLs give JavascriptURL; an Atom entry updated before it was
published gives UpdatedBeforePublished.  W3C does not warn about a summary equal to the
content, nor about RSS items sharing a pubDate (Atom entries sharing an updated value give
DuplicateUpdated).  JSON Feed codes borrow the W3C names for the analogous problems.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from html.entities import html5, name2codepoint
from typing import Any, TypeAlias
from urllib.parse import quote, unquote, urljoin, urlsplit

import jsonschema
import lxml.html
from lxml import etree

Element: TypeAlias = etree._Element
Kids: TypeAlias = dict[tuple[str, str], list[Element]]


@dataclass(frozen=True)
class FeedIssue:
    level: str  # "error" or "warning"
    code: str  # the W3C validator's message class name where there is one
    message: str
    where: str  # e.g. "entry 3 <content>" or "item 2"


ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
XHTML = "http://www.w3.org/1999/xhtml"
MATHML = "http://www.w3.org/1998/Math/MathML"
# What diveater accepts of MathML in xhtml content (validators.py mathml_elements/_attributes).
MATHML_TAGS = frozenset(
    "annotation annotation-xml maction math merror mfrac mi mmultiscripts mn mo mover mpadded "
    "mphantom mprescripts mroot mrow mspace msqrt mstyle msub msubsup msup mtable mtd mtext mtr "
    "munder munderover none semantics".split()
)
MATHML_ATTRS = frozenset(
    "actiontype align columnalign columnlines columnspacing columnspan depth display "
    "displaystyle encoding equalcolumns equalrows fence fontstyle fontweight frame height "
    "linethickness lspace mathbackground mathcolor mathvariant maxsize minsize other rowalign "
    "rowlines rowspacing rowspan rspace scriptlevel selection separator stretchy width "
    "xmlns".split()
)
XML_BASE, XML_LANG = (
    "{http://www.w3.org/XML/1998/namespace}base",
    "{http://www.w3.org/XML/1998/namespace}lang",
)  # noqa: E501
KNOWN_NS = {
    "atom": ATOM,
    "content": CONTENT,
    "dc": DC,
    "xhtml": XHTML,
    "mathml": MATHML,
    "dcterms": "http://purl.org/dc/terms/",
    "media": "http://search.yahoo.com/mrss/",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "sy": "http://purl.org/rss/1.0/modules/syndication/",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "thr": "http://purl.org/syndication/thread/1.0",
    "georss": "http://www.georss.org/georss",
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Lists copied from validators.py (HTMLValidator, checkStyle, iana_schemes), link.py, iso639codes
HTML_TAGS = _words("""a abbr acronym address applet area article aside audio b base basefont bdi
  bdo big blockquote body br button canvas caption center cite code col colgroup command data
  datagrid datalist dd del details dfn dialog dir div dl dt em eventsource fieldset figcaption
  figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe
  img input ins isindex kbd label legend li link m main mark map menu meta meter nav noframes
  noscript object ol optgroup option output p param picture pre progress q rp rt ruby s samp
  script section select slot small source span strike strong style sub summary sup table tbody
  td template textarea tfoot th thead time title tr track tt u ul var xmp plaintext embed
  comment listing video wbr""")
UNSAFE_TAGS = _words("""applet base basefont bdo body comment embed frame frameset head html iframe
  isindex link listing meta noframes object param plaintext script slot style title xmp""")
SAFE_ATTRS = _words("""abbr accept accept-charset accesskey action align allow allowfullscreen
  allowpaymentrequest alt as autoplay autocapitalize autocomplete autofocus axis background
  balance bgcolor bgproperties border bordercolor bordercolordark bordercolorlight bottompadding
  cellpadding cellspacing ch challenge char charoff choff charset checked cite class clear color
  cols colspan compact contenteditable coords crossorigin data datafld datapagesize datasrc
  datetime decoding default delay dir dirname disabled download draggable dynsrc enctype end
  enterkeyhint face for form formenctype frame galleryimg gutter headers height hidefocus hidden
  high href hreflang hspace icon id inputmode is ismap itemid itemprop itemref itemscope itemtype
  kind keytype label lang leftspacing loading list longdesc loop loopcount loopend loopstart low
  lowsrc max maxlength media method min minlength multiple muted name nohref nonce noshade nowrap
  open optimum pattern ping placeholder playsinline point-size poster preload prompt pqg
  radiogroup readonly referrerpolicy rel repeat-max repeat-min replace required rev reversed
  rightspacing rows rowspan rules scope selected shape size sizes span spellcheck src srclang
  srcset start step summary suppress tabindex target template title toppadding translate type
  unselectable usemap urn valign value variable volume vspace vrml width wrap xml:lang xmlns""")
CSS_PROPS = _words("""azimuth background background-color border border-bottom
  border-bottom-color border-bottom-style border-bottom-width border-collapse border-color
  border-left border-left-color border-left-style border-left-width border-right
  border-right-color border-right-style border-right-width border-spacing border-style border-top
  border-top-color border-top-style border-top-width border-width clear color cursor direction
  display elevation float font font-family font-size font-style font-variant font-weight height
  letter-spacing line-height list-style-type margin margin-bottom margin-left margin-right
  margin-top overflow padding padding-bottom padding-left padding-right padding-top pause
  pause-after pause-before pitch pitch-range richness speak speak-header speak-numeral
  speak-punctuation speech-rate stress text-align text-decoration text-indent unicode-bidi
  vertical-align voice-family volume white-space width""")
CSS_KEYWORDS = _words("""aqua auto black block blue bold both bottom brown center collapse dashed
  dotted fuchsia gray green !important italic left lime maroon medium none navy normal nowrap
  olive pointer purple red right solid silver teal top transparent underline white yellow""")
CSS_VALUE_RE = re.compile(
    r"^(#[0-9a-f]+|rgb\(\d+%?,\d*%?,?\d*%?\)?|"
    r"\d?\.?\d?\d(cm|em|ex|in|mm|pc|pt|px|%|,|\))?)$"
)
VOID_TAGS = _words(
    "area base basefont br col embed frame hr img input isindex link meta param source track wbr"
)
OPTIONAL_END = _words(
    "p li dt dd tr td th tbody thead tfoot option optgroup colgroup rp rt html body head caption"
)
ISO639 = _words("""aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co
  cr cs cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi
  ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw
  ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mo mr ms mt my na nb nd ne ng nl nn no nr nv ny
  oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl sm sn so sq sr ss st
  su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
  x xx""")
IANA_SCHEMES = _words("""ftp http gopher mailto news nntp telnet wais file prospero cid mid vemmi
  service imap nfs acap rtsp tip pop data dav opaquelocktoken sip sips tel fax modem ldap https
  urn go h323 ipp tftp mupdate pres im mtqp dict snmp crid tag dns info aaa aaas cap iax icap
  iris msrp msrps shttp thismessage tv xmpp""")
LINK_RELS = _words("""alternate current describedby edit edit-media enclosure first hub last
  license next next-archive payment prev-archive previous related replies search self service up
  via""")
TEXT_TYPE, LINK_ATTRS = _words("type"), _words("href rel type hreflang title length")
ATTRS = {
    ATOM: {
        "link": LINK_ATTRS,
        "category": _words("term scheme label"),
        "title": TEXT_TYPE,
        "generator": _words("uri version"),
        "content": _words("type src"),
        "subtitle": TEXT_TYPE,
        "summary": TEXT_TYPE,
        "rights": TEXT_TYPE,
    },
    "": {
        "rss": _words("version"),
        "guid": _words("isPermaLink"),
        "source": _words("url"),
        "category": _words("domain"),
        "enclosure": _words("url length type"),
        "cloud": _words("domain port path registerProcedure protocol"),
    },
}

URICHARS = r"0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,#"
FULL_URI_RE = re.compile(rf"[a-zA-Z][0-9a-zA-Z+\-.]*:(//)?[{URICHARS}]+$")
URI_REF_RE = re.compile(rf"([a-zA-Z][0-9a-zA-Z+\-.]*:)?/{{0,2}}(\[[0-9A-Fa-f:]+\])?[{URICHARS}]*$")
TAG_RE = re.compile(
    r"^tag:([a-z0-9\-._]+?@)?[a-z0-9.\-]+?,\d{4}(-\d{2}(-\d{2})?)?:"
    r"[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,]*(#[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,]*)?$"
)
URN_RE = re.compile(r"^urn:[a-z0-9][a-z0-9-]{1,31}:([a-z0-9()+,.:=@;$_!*'\-]|%[0-9a-f]{2})+$", re.I)
UUID_RE = re.compile(r"^urn:uuid:[a-f0-9]{8}-([a-f0-9]{4}-){3}[a-f0-9]{12}$", re.I)
MIME_RE = re.compile(
    r'[^\s()<>,;:\\"/[\]?=]+/[^\s()<>,;:\\"/[\]?=]+(\s*;\s*[^\s()<>,;:\\"/[\]?=]'
    r'+=("(\\"|[^"])*"|[^\s()<>,;:\\"/[\]?=]+))*$'
)
EMAIL_RE = re.compile(
    r"([A-Z0-9_\-+.']+)@(([0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|"
    r"(([A-Z0-9\-]+\.)+))([A-Z0-9][-A-Z0-9]*)$",
    re.I,
)
SIMPLE_EMAIL_RE = re.compile(r"^[\w._%+-]+@[A-Za-z][\w.-]+$")
RFC3339_RE = re.compile(r"^\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*)?(Z|[+-]\d\d:\d\d)$")
RFC2822_RE = re.compile(
    r"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d\d? (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug"
    r"|Sep|Oct|Nov|Dec) \d\d\d\d \d\d:\d\d(:\d\d)? ([+-]?\d\d[03]0|UT|GMT|EST"
    r"|EDT|CST|CDT|MST|MDT|PST|PDT|Z)$"
)
RFC822_LAX_RE = re.compile(
    r"((mon|tue|wed|thu|fri|sat|sun)\s*,\s*)?\d\d?\s+(jan|feb|mar|apr|may|"
    r"jun|jul|aug|sep|oct|nov|dec)\s+\d\d(\d\d)?\s+\d\d:\d\d(:\d\d)?\s+"
    r"([+-]\d\d\d\d|ut|gmt|est|edt|cst|cdt|mst|mdt|pst|pdt|[a-ik-z])?$"
)


@dataclass
class _Run:
    url: str
    lines: list[str] = field(default_factory=list)
    issues: list[FeedIssue] = field(default_factory=list)

    def error(self, code: str, where: str, message: str) -> None:
        self.issues.append(FeedIssue("error", code, message, where))

    def warn(self, code: str, where: str, message: str) -> None:
        self.issues.append(FeedIssue("warning", code, message, where))


def _local(el: Element) -> tuple[str, str]:
    q = etree.QName(el)
    return q.namespace or "", q.localname


def _text(el: Element) -> str:
    return (el.text or "").strip()


def _children(el: Element) -> Kids:
    kids: Kids = {}
    for child in el:
        if isinstance(child.tag, str):
            kids.setdefault(_local(child), []).append(child)
    return kids


def _lang_ok(value: str) -> bool:
    primary = value.split("-")[0].lower()
    return bool(re.match(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$", value)) and (
        primary in ISO639 or len(primary) == 3
    )


def _uri_problem(
    value: str, full: bool, iri: bool, invalid: str | None = None
) -> tuple[str, str] | None:
    """validators.rfc2396.validate: (level, code) of the first problem, or None."""
    if iri:
        value = "".join(c if ord(c) < 128 else quote(c) for c in value)
    scheme = value.split(":")[0].lower()
    if scheme == "tag":
        return None if TAG_RE.match(value) else ("error", "InvalidTAG")
    if scheme == "urn" and value.lower().startswith("urn:uuid:") and not UUID_RE.match(value):
        return "error", "InvalidUUID"
    if scheme == "urn":
        return None if URN_RE.match(value) else ("error", "InvalidURN")
    invalid = invalid or ("InvalidFullLink" if full else "InvalidIRI" if iri else "InvalidLink")
    if not (FULL_URI_RE if full else URI_REF_RE).match(value):
        if any(ord(c) < 128 and not re.match(f"[{URICHARS}]", c) for c in value):
            return "error", "InvalidUriChar"
        return "error", "UriNotIri" if any(ord(c) >= 128 for c in value) else invalid
    if scheme in ("http", "https", "ftp") and not re.match(r"^\w+://[^/].*", value):
        return "error", invalid
    if ":" in value and scheme.isalpha() and scheme not in IANA_SCHEMES:
        return "warning", "SchemeNotIANARegistered"
    return None


def _check_uri(
    run: _Run, value: str, where: str, full: bool = True, iri: bool = False, code: str | None = None
) -> bool:
    """Log URI problems (``code`` replaces the generic error code); False on an error."""
    problem = _uri_problem(value, full, iri, code)
    if problem and problem[0] == "warning":
        run.warn(problem[1], where, f"URI scheme not IANA registered: {value!r}")
    elif problem:
        run.error(problem[1], where, f"not a valid {'full ' * full}URI: {value!r}")
    return problem is None or problem[0] == "warning"


def _canonical(uri: str) -> str | None:
    """uri.py canonicalForm (without dot-segment removal)."""
    m = re.match(r"^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$", uri)
    if not m or (m.group(2) is None and not m.group(5).startswith("/")):
        return None

    def norm(part: str, safe: str) -> str:
        def one(esc: re.Match[str]) -> str:
            char = chr(int(esc.group()[1:], 16))
            return char if re.match(r"[A-Za-z0-9\-._~]", char) else esc.group().upper()

        part = re.sub(r"%[0-9a-fA-F]{2}", one, unicodedata.normalize("NFC", part))
        return quote(part, safe="-._~!$&'()*+,;=:@/%" + safe)

    scheme, auth, path = (m.group(2) or "").lower(), m.group(4), norm(m.group(5), "")
    if auth is not None:
        user, _, host = auth.rpartition("@")
        host = host.lower().rstrip(":")
        default = {"http": ":80", "https": ":443", "ftp": ":21"}.get(scheme, "\0")
        host = host.removesuffix(default)
        auth, path = "//" + (user + "@" if user else "") + host, path or "/"
    return (
        (scheme + ":" if scheme else "")
        + (auth or "")
        + path
        + ("?" + norm(m.group(7), "?") if m.group(7) is not None else "")
        + ("#" + norm(m.group(9), "?") if m.group(9) is not None else "")
    )


def _base(el: Element, url: str) -> tuple[str, bool]:
    """The xml:base in effect at el, and whether any xml:base attribute is in scope."""
    chain = [b for b in (a.get(XML_BASE) for a in [el, *el.iterancestors()]) if b is not None]
    base = url
    for b in reversed(chain):
        base = urljoin(base, b)
    return base, bool(chain)


def _rfc3339(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if RFC3339_RE.match(value) else None
    except ValueError:
        return None


def _check_rfc3339(run: _Run, raw: str, where: str) -> None:
    """validators.rfc3339 + nows: timezone required, plausible (1990 .. tomorrow)."""
    if raw != raw.strip():
        run.error("UnexpectedWhitespace", where, "whitespace not permitted here")
    parsed = _rfc3339(raw.strip())
    if parsed is None:
        run.error("InvalidRFC3339Date", where, f"{raw.strip()!r} must be an RFC-3339 date-time")
    elif parsed.year < 1990 or parsed > dt.datetime.now(dt.UTC) + dt.timedelta(days=1):
        run.warn("ImplausibleDate", where, f"implausible date {raw.strip()!r}")


def _check_rfc822(run: _Run, value: str, where: str) -> None:
    """validators.rfc822: strict RFC 2822 with 4-digit year, else lenient RFC 822 (warning)."""
    if RFC2822_RE.match(value):
        parsed = email.utils.parsedate_tz(value)
        try:
            day = dt.date(*parsed[:3]) if parsed else None
        except ValueError:
            day = None
        if parsed is None or day is None:
            run.error("InvalidRFC2822Date", where, f"{value!r} must be an RFC-822 date-time")
        elif "," in value and "MonTueWedThuFriSatSun"[day.weekday() * 3 :][:3] != value[:3]:
            run.error("IncorrectDOW", where, f"incorrect day of week in {value!r}")
        elif parsed[0] < 1990 or email.utils.mktime_tz(parsed) > time.time() + 600:
            run.warn("ImplausibleDate", where, f"implausible date {value!r}")
        return
    lax = re.sub(r"\\(.)", "", value)
    while (stripped := re.sub(r"\([^(]*?\)", " ", lax)) != lax:
        lax = stripped
    if RFC822_LAX_RE.match(lax.strip().lower()):
        run.warn("ProblematicalRFC822Date", where, f"problematical RFC 822 date {value!r}")
    else:
        run.error("InvalidRFC2822Date", where, f"{value!r} must be an RFC-822 date-time")


def _check_style(style: str) -> list[str]:
    """validators.checkStyle: the unsafe parts of a style attribute."""
    if not re.match(r"""^([:,;#%.\sa-zA-Z0-9!]|\w-\w|'[\s\w]+'|"[\s\w]+"|\([\d,\s]+\))*$""", style):
        return [style]
    if not re.match(r"^(\s*[-\w]+\s*:\s*[^:;]*(;|$))*$", style):
        return [style]
    unsafe = []
    for prop, value in re.findall(r"([-\w]+)\s*:\s*([^:;]*)", style.lower()):
        if prop not in CSS_PROPS:
            unsafe.append(prop)
        elif prop.split("-")[0] in ("background", "border", "margin", "padding"):
            unsafe += [
                k for k in value.split() if k not in CSS_KEYWORDS and not CSS_VALUE_RE.match(k)
            ]
    return unsafe


def _check_node(
    run: _Run, node: Element, tag: str, where: str, relref: bool, xhtml: bool = False
) -> None:
    """HTMLValidator.handle_tag (diveater for xhtml) on one element, plus ContainsRelRef."""
    if tag not in HTML_TAGS:
        return run.warn("NotHtml", where, f"non-html tag <{tag}>")
    if tag in UNSAFE_TAGS:
        return run.warn("SecurityRisk", where, f"should not contain <{tag}>")
    for name, value in ((str(k).lower(), v) for k, v in node.attrib.items()):
        if name == "style":
            for evil in _check_style(value):
                run.warn("DangerousStyleAttr", where, f"dangerous style {evil!r}")
        elif name.startswith("on") if xhtml else not (name in SAFE_ATTRS or name[:5] == "data-"):
            run.warn("SecurityRiskAttr", where, f"should not contain {name} attribute")
        if name in ("href", "src") and value.strip().lower().startswith("javascript:"):
            run.warn("JavascriptURL", where, f"javascript: URL in {name}")
    ref = node.get("href" if tag == "a" else "src") if tag in ("a", "img") else None
    if relref and ref is not None and not re.match(r"\w+:", ref.strip()):
        if any(ord(c) < 128 and not re.match(f"[{URICHARS}]", c) for c in ref.strip()):
            run.error("InvalidUriChar", where, f"invalid character in URI {ref!r}")
        else:
            run.warn("ContainsRelRef", where, f"relative URL reference {ref!r}")


# What html5lib's input stream reports as "invalid-codepoint" (its invalid_unicode_re): C0
# controls but for white space, DEL, C1 controls and Unicode's noncharacters.
HTML5_INVALID = re.compile(
    "[\x01-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(f"{chr(p << 16 | 0xFFFE)}{chr(p << 16 | 0xFFFF)}" for p in range(17))
    + "]"
)


def _check_html(run: _Run, markup: str, where: str, relref: bool, mathml: bool = False) -> None:
    """validators.safeHtml (+ absUrlMixin when relref) for escaped HTML, via lxml.html.

    With `mathml` (JSON Feed: HTML5, which holds MathML; no W3C rule covers it), MathML is
    held to the rules of Atom's xhtml content rather than reported as non-HTML.
    """
    if "<?import " in markup.lower():
        run.warn("SecurityRisk", where, "should not contain <?import")
    parser = lxml.html.HTMLParser(recover=True)
    try:
        frags = lxml.html.fragments_fromstring(markup, parser=parser) if markup.strip() else []
    except (etree.ParserError, ValueError) as exc:
        return run.warn("NotHtml", where, f"invalid HTML: {exc}")
    bad = [e.message for e in parser.error_log if e.type_name == "ERR_TAG_NAME_MISMATCH"]
    plain = re.sub(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>", "", markup, flags=re.S | re.I)
    bad += [
        f"'<' not starting a tag: {m.group()!r}"
        for m in re.finditer(
            r"<(?![a-zA-Z!/?])."
            r"{0,8}",
            plain,
        )
    ]
    bad += [
        f"bad character reference {m.group()!r}"
        for m in re.finditer(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*)(;?)", plain)
        if not m.group(2) or not (m.group(1)[0] == "#" or m.group(1) + ";" in html5)
    ]
    opened = Counter(t.lower() for t in re.findall(r"<([a-zA-Z][\w-]*)(?:\s[^>]*)?(?<!/)>", plain))
    closed = Counter(t.lower() for t in re.findall(r"</([a-zA-Z][\w-]*)\s*>", plain))
    bad += [
        f"unclosed <{t}>"
        for t, n in opened.items()
        if t in HTML_TAGS - VOID_TAGS - OPTIONAL_END and n > closed[t]
    ]
    bad += [
        f"self-closed <{t}>"
        for t in re.findall(r"<([a-zA-Z][\w-]*)(?:\s[^>]*)?/>", plain)
        if t.lower() in HTML_TAGS - VOID_TAGS
    ]
    bad += [  # html5lib's parse errors "invalid-codepoint": controls, noncharacters
        f"invalid code point U+{ord(m.group()):04X}" for m in HTML5_INVALID.finditer(markup)
    ]
    if bad:
        run.warn("NotHtml", where, f"invalid HTML: {bad[0]}")
    for node in (n for f in frags if not isinstance(f, str) for n in f.iter()):
        if mathml and isinstance(node.tag, str) and node.tag.lower() in MATHML_TAGS:
            _check_mathml(run, node, node.tag.lower(), where)
        elif isinstance(node.tag, str):
            _check_node(run, node, node.tag.lower(), where, relref)


def _check_mathml(run: _Run, node: Element, name: str, where: str) -> None:
    """diveater on one MathML element of xhtml content."""
    if name not in MATHML_TAGS:
        run.warn("SecurityRisk", where, f"should not contain <{name}>")
    for attr in (str(a) for a in node.attrib if not str(a).startswith("{")):
        if attr not in MATHML_ATTRS:
            run.warn("SecurityRiskAttr", where, f"should not contain {attr} attribute")


def _nonhtml(run: _Run, el: Element | str, where: str, code: str, rss: bool = False) -> None:
    """validators.nonhtml: markup or entity references in an element meant for plain text."""
    value = el if isinstance(el, str) else _text(el)
    start = 0 if isinstance(el, str) else (el.sourceline or 1) - 1
    lines = [] if isinstance(el, str) else run.lines[start : start + value.count("\n") + 1]
    hexref = any("&#x" in line for line in lines)
    tags = [t for t in re.findall(r"</(\w+)>", value) if t.lower() in HTML_TAGS]
    refs = [
        v
        for v in re.findall(r"&(#?\w+)", value)
        if v in name2codepoint or v == "apos" or not v.isalpha()
    ]
    if tags or (refs and not hexref):
        run.warn(code, where, "should not contain HTML: " + (f"</{tags[0]}>" if tags else refs[0]))
    elif rss and re.search(r"&#[x0-9]|<[/a-zA-Z]", value) and not hexref:
        run.warn("CharacterData", where, 'encode "&" and "<" in plain text as &#x26; and &#x3C;')


def _parse_xml(run: _Run, data: bytes, atom: bool) -> Element | None:
    """Well-formedness, encoding and document-wide checks (base.py SAXDispatcher)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        run.error("UnicodeError", "document", f"not UTF-8: {exc}")
        return None
    run.lines = text.split("\n")
    decl = re.match(
        r"""<\?xml\s+version\s*=\s*['"]([^'"]*)['"](\s+encoding\s*=\s*['"]([^'"]*))?""",
        text.lstrip("\ufeff"),
    )
    if decl and decl.group(1) != "1.0":
        run.error("BadXmlVersion", "document", f"incorrect XML version {decl.group(1)}")
    if decl and decl.group(3) and decl.group(3).lower() not in ("utf-8", "utf8"):
        run.error("UnicodeError", "document", f"declares encoding {decl.group(3)}, not UTF-8")
    if bad := re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", text):
        line = text.count("\n", 0, bad.start()) + 1
        run.error("SAXError", f"line {line}", f"XML-illegal character U+{ord(bad.group()):04X}")
        return None
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        code = "UndefinedNamedEntity" if re.search("Entity .* not defined", str(exc)) else ""
        run.error(code or "SAXError", f"line {exc.lineno}", str(exc))
        return None
    namespaces: set[tuple[str | None, str]] = set()
    for el in (e for e in root.iter() if isinstance(e.tag, str)):
        (ns, name), where = _local(el), f"line {el.sourceline} <{etree.QName(el).localname}>"
        namespaces.update(el.nsmap.items())
        if el.get(XML_LANG) and not _lang_ok(el.get(XML_LANG, "")):
            run.error("InvalidLanguage", where, f"xml:lang {el.get(XML_LANG)!r} is not ISO-639")
        if any(re.search("[\x80-\x9f\ufffd]", v) for v in [el.text or "", *el.attrib.values()]):
            run.warn("BadCharacters", where, "contains C1 control or replacement characters")
        allowed = ATTRS.get(ns, {}).get(name, frozenset())
        for attr in el.attrib if ns in ((ATOM,) if atom else ("", ATOM, CONTENT, DC)) else ():
            if not str(attr).startswith("{") and attr not in allowed:
                run.error("UnexpectedAttribute", where, f"unexpected {attr} attribute")
    for prefix, uri in sorted(((p, u) for p, u in namespaces if u), key=str):
        if prefix and atom and uri in (ATOM, XHTML):
            run.warn("AvoidNamespacePrefix", "document", f"avoid namespace prefix {prefix!r}")
        elif prefix in KNOWN_NS and KNOWN_NS[prefix] != uri:
            run.warn("ReservedPrefix", "document", f"prefix {prefix!r} is for {KNOWN_NS[prefix]}")
        elif uri not in KNOWN_NS.values():
            run.warn("UnknownNamespace", "document", f"use of unknown namespace {uri}")
    return root


def _check_links(run: _Run, links: list[Element], where: str, missing_self: str | None) -> None:
    """link.py for atom:link elements, and the self-link checks of feed.py / channel.py."""
    alternates: set[tuple[str, str]] = set()
    for link in links:
        rel = link.get("rel", "alternate").removeprefix("http://www.iana.org/assignments/relation/")
        ltype, lang, href = link.get("type"), link.get("hreflang"), link.get("href")
        if "rel" in link.attrib and rel not in LINK_RELS and not FULL_URI_RE.match(rel):
            run.warn("UnregisteredAtomLinkRel", where, f"unregistered link relationship {rel!r}")
        for attr in (a for a in ("rel", "title") if link.get(a) == ""):
            run.warn("AttrNotBlank", where, f"the {attr} attribute of link should not be blank")
        if ltype is not None and not MIME_RE.match(ltype):
            run.error("InvalidMIMEType", where, f"not a valid MIME type {ltype!r}")
        elif (
            ltype
            and rel == "self"
            and ltype.split(";")[0]
            not in ("application/atom+xml", "application/rss+xml", "application/rdf+xml")
        ):
            run.warn("SelfNotAtom", where, f'"self" link references a {ltype} representation')
        if lang is not None and not _lang_ok(lang):
            run.error("InvalidLanguage", where, f"hreflang {lang!r} is not ISO-639")
        if _text(link):
            run.warn("AtomLinkNotEmpty", where, "link should not have text")
        if rel == "alternate" and (ltype or "", lang or "") in alternates:
            run.error("DuplicateAtomLink", where, "duplicate alternate links (same type, hreflang)")
        if rel == "alternate":
            alternates.add((ltype or "", lang or ""))
        if href is None:
            run.error("MissingHref", where, "link must have an href attribute")
        elif _check_uri(run, href, where, full=False, iri=True) and rel == "self":
            base, _ = _base(link, run.url)
            scope = [link, *link.iterancestors()]
            if not urlsplit(href).netloc and not any(
                urlsplit(a.get(XML_BASE, "")).netloc for a in scope
            ):
                run.warn("RelativeSelf", where, f"relative href value on self link: {href!r}")
            if _canonical(urljoin(base, href)) != _canonical(run.url):
                run.warn("SelfDoesntMatchLocation", where, f"self link {href!r} is not {run.url!r}")
    if missing_self and not any(link.get("rel") == "self" for link in links):
        run.warn(missing_self, where, 'missing atom:link with rel="self"')


def _singletons(run: _Run, kids: Kids, ns: str, names: str, where: str) -> None:
    for name in (n for n in names.split() if len(kids.get((ns, n), [])) > 1):
        run.error("DuplicateElement", where, f"contains more than one {name}")


# ---------------------------------------------------------------- Atom 1.0
FEED_KIDS = _words(
    "author category contributor generator icon id link logo rights subtitle title updated entry"
)
ENTRY_KIDS = _words(
    "author category content contributor id link published rights source summary title updated"
)


def _check_text_construct(run: _Run, el: Element, where: str, content: bool = False) -> None:
    """content.py textConstruct / content."""
    ttype = el.get("type", "text")
    if ttype == "":
        run.warn("AttrNotBlank", where, "the type attribute should not be blank")
    if ttype not in ("text", "html", "xhtml"):
        if not content:
            run.error("InvalidTextType", where, 'type must be "text", "html", or "xhtml"')
        elif not MIME_RE.match(ttype):
            run.error("InvalidMIMEType", where, f"not a valid MIME type {ttype!r}")
        return
    relref = not _base(el, run.url)[1]
    if ttype == "xhtml":
        divs = [c for c in el if isinstance(c.tag, str)]
        if _text(el) or len(divs) != 1 or divs[0].tag != f"{{{XHTML}}}div":
            run.error("MissingXhtmlDiv", where, "missing xhtml:div element")
        for node in (n for n in el.iterdescendants() if isinstance(n.tag, str)):
            ns, name = _local(node)
            if ns == XHTML:
                _check_node(run, node, name, where, relref, xhtml=True)
            elif ns == MATHML:
                _check_mathml(run, node, name, where)
        return
    if len(el):
        run.error("UndefinedElement", where, f"undefined element <{_local(el[0])[1]}>; escape it")
    if ttype == "html":
        _check_html(run, el.text or "", where, relref)
    else:
        _nonhtml(run, el, where, "ContainsUndeclaredHTML")
    if not el.text and not len(el):
        run.warn("NotBlank", where, "should not be blank")


def _check_person(run: _Run, person: Element, where: str) -> None:
    """author.py"""
    kids = _children(person)
    _singletons(run, kids, ATOM, "name email uri", where)
    for ns, name in kids:
        if ns == ATOM and name not in ("name", "email", "uri"):
            run.error("UndefinedElement", where, f"undefined element: {name}")
    if (ATOM, "name") not in kids:
        run.error("MissingElement", where, "missing element: name")
    for el in kids.get((ATOM, "name"), [])[:1]:
        if not _text(el):
            run.warn("NotBlank", where, "name should not be blank")
        if re.search("<" + EMAIL_RE.pattern[:-1] + ">", _text(el), re.I):
            run.warn("ContainsEmail", where, "name should not include an email address")
        _nonhtml(run, el, where, "ContainsHTML")
    for el in kids.get((ATOM, "email"), [])[:1]:
        if not EMAIL_RE.match(_text(el)) and not SIMPLE_EMAIL_RE.match(_text(el)):
            run.error("InvalidAddrSpec", where, f"{_text(el)!r} must be an email address")
    for el in kids.get((ATOM, "uri"), [])[:1]:
        _check_uri(run, _text(el), where, full=False, iri=True)


def _check_atom_metadata(run: _Run, kids: Kids, where: str) -> None:
    """Children shared by atom:feed and atom:entry."""
    for name in ("title", "subtitle", "rights", "summary"):
        for el in kids.get((ATOM, name), []):
            _check_text_construct(run, el, f"{where} <{name}>")
    for el in kids.get((ATOM, "author"), []) + kids.get((ATOM, "contributor"), []):
        _check_person(run, el, f"{where} <{_local(el)[1]}>")
    for el in kids.get((ATOM, "category"), []):
        if el.get("term") is None:
            run.error("MissingAttribute", f"{where} <category>", "missing attribute: term")
        elif not el.get("term"):
            run.warn("NotBlank", f"{where} <category>", "term should not be blank")
        if el.get("scheme") is not None:
            _check_uri(run, el.get("scheme", ""), f"{where} <category>", iri=True)
    for el in kids.get((ATOM, "id"), []):
        value = _text(el)
        if (el.text or "") != value:
            run.error("UnexpectedWhitespace", f"{where} <id>", "whitespace not permitted here")
        if _check_uri(run, value, f"{where} <id>", iri=True) and _canonical(value) != value:
            run.warn(
                "NonCanonicalURI",
                f"{where} <id>",
                f"{value!r} is not in canonical form {_canonical(value)!r}",
            )
    for el in kids.get((ATOM, "updated"), []) + kids.get((ATOM, "published"), []):
        _check_rfc3339(run, el.text or "", f"{where} <{_local(el)[1]}>")
    _check_links(
        run,
        kids.get((ATOM, "link"), []),
        f"{where} <link>",
        "MissingSelf" if where == "feed" else None,
    )


def _check_entry(run: _Run, entry: Element, where: str, feed_author: bool) -> None:
    """entry.py"""
    kids = _children(entry)
    for ns, name in kids:
        if ns == ATOM and name not in ENTRY_KIDS:
            run.error("UndefinedElement", where, f"undefined entry element: {name}")
        elif ns == "":
            run.warn("UndeterminableVocabulary", where, f"missing namespace for {name}")
    for name in ("title", "id", "updated") + (() if feed_author else ("author",)):
        if (ATOM, name) not in kids:
            run.error("MissingElement", where, f"missing entry element: {name}")
    _singletons(run, kids, ATOM, "content id published rights source summary title updated", where)
    _check_atom_metadata(run, kids, where)
    for el in kids.get((ATOM, "content"), []):
        _check_text_construct(run, el, f"{where} <content>", content=True)
    if (ATOM, "content") not in kids and (ATOM, "summary") not in kids:
        run.warn("MissingTextualContent", where, "missing textual content")
    if (ATOM, "content") not in kids and not any(
        link.get("rel", "alternate") == "alternate" for link in kids.get((ATOM, "link"), [])
    ):
        run.error("MissingContentOrAlternate", where, "missing content or alternate link")
    published, updated = (
        [_rfc3339(_text(e)) for e in kids.get((ATOM, n), [])[:1]] or [None]
        for n in ("published", "updated")
    )
    if published[0] and updated[0] and updated[0] < published[0]:
        run.warn("UpdatedBeforePublished", where, "updated is earlier than published")


def check_atom(data: bytes, url: str) -> list[FeedIssue]:
    """Check an Atom 1.0 document served from ``url`` (feed.py)."""
    run = _Run(url)
    root = _parse_xml(run, data, atom=True)
    if root is None or root.tag != f"{{{ATOM}}}feed":
        if root is not None:
            run.error("UndefinedElement", "document", f"root must be atom:feed, not {root.tag}")
        return run.issues
    kids, seen_entry = _children(root), False
    for ns, name in (_local(c) for c in root if isinstance(c.tag, str)):
        if ns == "":
            run.warn("UndeterminableVocabulary", "feed", f"missing namespace for {name}")
        elif ns == ATOM and name not in FEED_KIDS:
            run.error("UndefinedElement", "feed", f"undefined feed element: {name}")
        elif ns == ATOM and seen_entry and name != "entry":
            run.error("MisplacedMetadata", f"feed <{name}>", f"{name} must appear before entries")
        seen_entry = seen_entry or (ns, name) == (ATOM, "entry")
    entries = kids.get((ATOM, "entry"), [])
    for name in ("id", "title", "updated") + (() if entries else ("author",)):
        if (ATOM, name) not in kids:
            run.error("MissingElement", "feed", f"missing feed element: {name}")
    _singletons(run, kids, ATOM, "id title updated subtitle rights generator icon logo", "feed")
    _check_atom_metadata(run, kids, "feed")
    for el in kids.get((ATOM, "generator"), []):
        if el.get("uri") is not None:
            _check_uri(
                run, el.get("uri", ""), "feed <generator>", False, code="InvalidURIAttribute"
            )
    for el in kids.get((ATOM, "icon"), []) + kids.get((ATOM, "logo"), []):
        _check_uri(run, _text(el), f"feed <{_local(el)[1]}>", full=False)
    seen: dict[str, set[str]] = {"id": set(), "updated": set()}
    for i, entry in enumerate(entries, 1):
        _check_entry(run, entry, f"entry {i}", (ATOM, "author") in kids)
        for name, code in (("id", "DuplicateEntries"), ("updated", "DuplicateUpdated")):
            for value in (_text(e) for e in entry.findall(f"{{{ATOM}}}{name}")[:1]):
                if value in seen[name]:
                    run.warn(code, f"entry {i} <{name}>", f"another entry has {name} {value!r}")
                seen[name].add(value)
    return run.issues


# ---------------------------------------------------------------- RSS 2.0
CHANNEL_KIDS = _words(
    "title link description language copyright managingEditor webMaster "
    "pubDate lastBuildDate category generator docs cloud ttl image rating "
    "textInput skipHours skipDays item"
)
ITEM_KIDS = _words("title link description author category comments enclosure guid pubDate source")
ALLOWED_EXT = {
    "channel": {
        ATOM: _words(
            "author category contributor generator id icon link logo title subtitle rights updated"
        ),
        CONTENT: _words(""),
    },
    "item": {
        ATOM: _words("id link title summary author contributor content published updated"),
        CONTENT: _words("encoded"),
    },
}
DC_NAMES = _words(
    "title creator subject description publisher contributor date type format "
    "identifier source language relation coverage rights"
)


def _email_with_name(run: _Run, value: str, where: str) -> None:
    """validators.email_with_name: "addr@example.com (Real Name)"."""
    value = unquote(value[7:]) if value.startswith("mailto:") else value
    if value.find("@") > 0 and not value.endswith(")"):
        if value.find(" ") > 0:
            return run.warn("EmailFormat", where, "email address is not in the recommended format")
        return run.warn("MissingRealName", where, "email address is missing real name")
    addresses = email.utils.getaddresses([value])
    addr = addresses[0][1] if len(addresses) == 1 else value
    if not EMAIL_RE.match(addr) and not SIMPLE_EMAIL_RE.match(addr):
        run.error("InvalidContact", where, f"invalid email address {value!r}")


def _check_rss_kids(run: _Run, parent: Element, where: str, core: frozenset[str]) -> Kids:
    """Undefined core/atom/content/dc children, and markup in leaf elements."""
    allowed = {"": core, DC: DC_NAMES, **ALLOWED_EXT[etree.QName(parent).localname]}
    for child in (c for c in parent if isinstance(c.tag, str)):
        ns, name = _local(child)
        if name not in allowed.get(ns, {name}):
            run.error("UndefinedElement", where, f"undefined {where.split()[0]} element: {name}")
        elif (
            ns == ""
            and len(child)
            and name not in ("item", "image", "textInput", "skipHours", "skipDays")
        ):
            run.error(
                "UndefinedElement",
                f"{where} <{name}>",
                f"undefined element <{_local(child[0])[1]}>; escape HTML",
            )
    return _children(parent)


def _check_guid(run: _Run, el: Element, where: str, guids: set[str]) -> None:
    """item.guid: a permalink guid (the default) must be a full URL."""
    value, perma = _text(el), el.get("isPermaLink")
    if perma is not None and perma not in ("true", "false"):
        run.error("InvalidBooleanAttribute", where, "isPermaLink must be 'true' or 'false'")
    if perma in (None, "true"):
        if _check_uri(run, value, where, code="InvalidHttpGUID") and value.lower().startswith(
            ("tag:", "urn:uuid:")
        ):
            run.error("InvalidPermalink", where, "guid must be a URL unless isPermaLink='false'")
    elif len(value) < 9 and value.isdigit():
        run.warn("NotSufficientlyUnique", where, "the guid is not sufficiently unique")
    if not value:
        run.warn("NotBlank", where, "guid should not be blank")
    elif value in guids:
        run.error("DuplicateValue", where, f"guid values must not be duplicated: {value!r}")
    guids.add(value)


def _check_item(run: _Run, item: Element, where: str, guids: set[str]) -> None:
    """item.py rss20Item"""
    kids = _check_rss_kids(run, item, where, ITEM_KIDS)
    if ("", "title") not in kids and ("", "description") not in kids:
        run.error("ItemMustContainTitleOrDescription", where, "needs a title or description")
    if ("", "guid") not in kids:
        run.warn("MissingGuid", where, "item should contain a guid element")
    _singletons(
        run, kids, "", "title link description author comments enclosure guid pubDate source", where
    )
    _singletons(run, kids, CONTENT, "encoded", where)
    for core, ns, ext in (
        ("author", DC, "creator"),
        ("pubDate", DC, "date"),
        ("category", DC, "subject"),
        ("guid", ATOM, "id"),
        ("pubDate", ATOM, "published"),
    ):
        if ("", core) in kids and (ns, ext) in kids:
            run.warn("DuplicateItemSemantics", where, f"item should not have both {core} and {ext}")
    for el in kids.get(("", "title"), []) + kids.get(("", "category"), []):
        name = _local(el)[1]
        _nonhtml(run, el, f"{where} <{name}>", "ContainsHTML", rss=True)
        if not _text(el):
            run.warn("NotBlank", f"{where} <{name}>", f"{name} should not be blank")
    for el in kids.get(("", "link"), []) + kids.get(("", "comments"), []):
        _check_uri(run, _text(el), f"{where} <{_local(el)[1]}>")
    for el in kids.get(("", "description"), []) + kids.get((CONTENT, "encoded"), []):
        _check_html(
            run,
            _text(el),
            f"{where} <{etree.QName(el).localname}>".replace("<encoded>", "<content:encoded>"),
            relref=True,
        )
    order = [_local(c) for c in item if isinstance(c.tag, str)]
    if (CONTENT, "encoded") in order and ("", "description") not in order[
        : order.index((CONTENT, "encoded"))
    ]:
        run.warn("NeedDescriptionBeforeContent", where, "description should precede content")
    for el in kids.get(("", "author"), []):
        _email_with_name(run, _text(el), f"{where} <author>")
    for el in kids.get(("", "pubDate"), []):
        _check_rfc822(run, _text(el), f"{where} <pubDate>")
    for el in kids.get(("", "guid"), [])[:1]:
        _check_guid(run, el, f"{where} <guid>", guids)
    _check_links(run, kids.get((ATOM, "link"), []), f"{where} <atom:link>", None)


def _check_image(run: _Run, image: Element, channel: Kids) -> None:
    """image.py: required url/title/link, a jpg/gif/png url, and agreement with the channel."""
    kids, where = _children(image), "channel <image>"
    for name in ("url", "title", "link"):
        if ("", name) not in kids:
            code = {"url": "MissingElement"}.get(name, f"Missing{name.title()}")
            run.error(code, where, f"missing image element: {name}")
    for el in kids.get(("", "url"), [])[:1]:
        ext = _text(el).split(".")[-1].lower()
        if (
            _check_uri(run, _text(el), where)
            and re.match(r"^\w+$", ext)
            and ext not in ("jpg", "jpeg", "gif", "png")
        ):
            run.warn("ImageUrlFormat", where, f"image not in a required format (.{ext})")
    for name, code in (("link", "ImageLinkDoesntMatch"), ("title", "ImageTitleDoesntMatch")):
        mine, theirs = kids.get(("", name), [])[:1], channel.get(("", name), [])[:1]
        if mine and theirs and _text(mine[0]) != _text(theirs[0]):
            run.warn(code, where, f"image {name} doesn't match channel {name}")
    for name, limit in (("width", 144), ("height", 400)):
        for el in kids.get(("", name), [])[:1]:
            if not _text(el).isdigit() or not 0 < int(_text(el)) <= limit:
                run.error(f"Invalid{name.title()}", where, f"{name} must be 1 to {limit}")


def check_rss(data: bytes, url: str) -> list[FeedIssue]:
    """Check an RSS 2.0 document served from ``url`` (rss.py, channel.py rss20Channel)."""
    run = _Run(url)
    root = _parse_xml(run, data, atom=False)
    if root is None or root.tag != "rss":
        if root is not None:
            run.error("UndefinedElement", "document", f"root must be rss, not {root.tag}")
        return run.issues
    if root.get("version") not in ("0.91", "0.92", "2.0"):
        run.error("InvalidRSSVersion", "rss", f"invalid RSS version {root.get('version')!r}")
    if len(channels := root.findall("channel")) != 1:
        run.error("DuplicateElement" if channels else "MissingElement", "rss", "needs 1 channel")
    if not channels:
        return run.issues
    kids = _check_rss_kids(run, channels[0], "channel", CHANNEL_KIDS)
    seen_item = False
    for ns, name in (_local(c) for c in channels[0] if isinstance(c.tag, str)):
        if seen_item and ((ns == "" and name != "item") or (ns, name) == (ATOM, "link")):
            run.warn("MisplacedItem", f"channel <{name}>", "channel metadata should precede items")
        seen_item = seen_item or (ns, name) == ("", "item")
    for name in ("title", "link", "description"):
        if ("", name) not in kids:
            run.error(f"Missing{name.title()}", "channel", f"missing channel element: {name}")
    _singletons(
        run,
        kids,
        "",
        "title link description language copyright managingEditor webMaster "
        "pubDate lastBuildDate generator docs cloud ttl image textInput skipHours "
        "skipDays rating",
        "channel",
    )
    for name in ("title", "description", "copyright", "category"):
        for el in kids.get(("", name), []):
            _nonhtml(run, el, f"channel <{name}>", "ContainsHTML", rss=True)
    if any(not _text(el) for el in kids.get(("", "title"), [])):
        run.warn("NotBlank", "channel <title>", "title should not be blank")
    for el in kids.get(("", "link"), []) + kids.get(("", "docs"), []):
        _check_uri(run, _text(el), f"channel <{_local(el)[1]}>")
    for el in kids.get(("", "language"), []) + kids.get((DC, "language"), []):
        if not _lang_ok(_text(el)):
            run.error("InvalidLanguage", "channel <language>", f"{_text(el)!r} is not ISO-639")
    for el in kids.get(("", "managingEditor"), []) + kids.get(("", "webMaster"), []):
        _email_with_name(run, _text(el), f"channel <{_local(el)[1]}>")
    for el in kids.get(("", "pubDate"), []) + kids.get(("", "lastBuildDate"), []):
        _check_rfc822(run, _text(el), f"channel <{_local(el)[1]}>")
    for el in kids.get(("", "ttl"), []):
        if not _text(el).isdigit() or int(_text(el)) <= 0:
            run.error("InvalidPositiveInteger", "channel <ttl>", "ttl must be a positive integer")
    for image in kids.get(("", "image"), [])[:1]:
        _check_image(run, image, kids)
    _check_links(run, kids.get((ATOM, "link"), []), "channel <atom:link>", "MissingAtomSelfLink")
    guids: set[str] = set()
    for i, item in enumerate(kids.get(("", "item"), []), 1):
        _check_item(run, item, f"item {i}", guids)
    return run.issues


# ---------------------------------------------------------------- JSON Feed 1.1
_STR: dict[str, Any] = {"type": "string"}
_EXT: dict[str, Any] = {"^_[A-Za-z][^.]*$": {}}
_AUTHORS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"name": _STR, "url": _STR, "avatar": _STR},
        "anyOf": [{"required": ["name"]}, {"required": ["url"]}, {"required": ["avatar"]}],
    },
}
_ATTACHMENT = {
    "type": "object",
    "required": ["url", "mime_type"],
    "properties": {
        "url": _STR,
        "mime_type": _STR,
        "title": _STR,
        "size_in_bytes": {"type": "number"},
        "duration_in_seconds": {"type": "number"},
    },
}
_ITEM = {
    "type": "object",
    "required": ["id"],
    "additionalProperties": False,
    "patternProperties": _EXT,
    "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "authors": _AUTHORS,
        "author": _AUTHORS["items"],
        "tags": {"type": "array", "items": _STR},
        "attachments": {"type": "array", "items": _ATTACHMENT},
        **{
            k: _STR
            for k in (
                "url external_url title content_html content_text "
                "summary image banner_image date_published "
                "date_modified language"
            ).split()
        },
    },
}
JSON_FEED_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "title", "items"],
    "additionalProperties": False,
    "patternProperties": _EXT,
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "authors": _AUTHORS,
        "author": _AUTHORS["items"],
        "expired": {"type": "boolean"},
        "items": {"type": "array", "items": _ITEM},
        "hubs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "url"],
                "properties": {"type": _STR, "url": _STR},
            },
        },
        **{
            k: _STR
            for k in (
                "title home_page_url feed_url description user_comment "
                "next_url icon favicon language"
            ).split()
        },
    },
}
_JSON_URLS = _words(
    "home_page_url feed_url next_url icon favicon url external_url image banner_image avatar"
)


def _json_where(path: list[object]) -> str:
    if len(path) >= 2 and path[0] == "items" and isinstance(path[1], int):
        rest = "/".join(map(str, path[2:]))
        return f"item {path[1] + 1}" + (f" <{rest}>" if rest else "")
    return "feed" + (f" <{'/'.join(map(str, path))}>" if path else "")


def _json_members(node: object, path: list[object]) -> list[tuple[list[object], str, object]]:
    """Every (path, key, value) of every object in the document, extensions excluded."""
    if isinstance(node, list):
        return [m for i, v in enumerate(node) for m in _json_members(v, [*path, i])]
    if not isinstance(node, dict):
        return []
    return [
        m
        for k, v in node.items()
        if not str(k).startswith("_")
        for m in [(path, str(k), v), *_json_members(v, [*path, k])]
    ]


def check_json_feed(data: bytes, url: str) -> list[FeedIssue]:
    """Check a JSON Feed 1.1 document served from ``url`` (jsonfeed.org/version/1.1)."""
    run = _Run(url)
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        run.error("UnicodeError", "document", f"not UTF-8: {exc}")
        return run.issues
    except json.JSONDecodeError as exc:
        run.error("InvalidJSON", f"line {exc.lineno}", str(exc))
        return run.issues
    validator = jsonschema.Draft202012Validator(JSON_FEED_SCHEMA)
    for err in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        code = {
            "required": "MissingElement",
            "anyOf": "MissingElement",
            "additionalProperties": "UndefinedElement",
        }.get(str(err.validator), "InvalidValue")
        message = err.message
        if err.validator == "anyOf":
            message = "needs one of " + ", ".join(s["required"][0] for s in err.validator_value)
        elif err.validator == "additionalProperties":
            extra = [k for k in err.instance if k not in err.schema["properties"] and k[:1] != "_"]
            message = f"undefined member(s) {extra}; extension names must start with '_'"
        run.error(code, _json_where(list(err.absolute_path)), message)
    if not isinstance(doc, dict):
        return run.issues
    for key in ("home_page_url", "feed_url"):
        if key not in doc:
            run.warn("MissingRecommendedElement", "feed", f"{key} should be present")
    if isinstance(doc.get("feed_url"), str) and _canonical(doc["feed_url"]) != _canonical(url):
        run.warn("SelfDoesntMatchLocation", "feed <feed_url>", f"feed_url is not {url!r}")
    if doc.get("next_url") is not None and doc.get("next_url") == doc.get("feed_url"):
        run.error("InvalidValue", "feed <next_url>", "next_url must not be the same as feed_url")
    ids: set[str] = set()
    for path, key, value in _json_members(doc, []):
        where, in_item = _json_where([*path, key]), len(path) == 2 and path[0] == "items"
        if key == "author" and (path == [] or in_item):
            run.warn("Deprecated", where, "author has been superseded by authors")
        if not isinstance(value, str):
            continue
        if key in _JSON_URLS:
            _check_uri(run, value, where)
        elif key == "language" and not _lang_ok(value):
            run.error("InvalidLanguage", where, f"{value!r} must be an RFC 5646 language tag")
        elif key in ("date_published", "date_modified"):
            _check_rfc3339(run, value, where)
        elif key == "content_html":
            _check_html(run, value, where, relref=True, mathml=True)
        elif key in ("title", "summary", "description"):
            _nonhtml(run, value, where, "ContainsHTML")
        elif key == "id" and in_item:
            if value in ids:
                run.error("DuplicateValue", where, f"item id {value!r} is not unique")
            ids.add(value)
    return run.issues
