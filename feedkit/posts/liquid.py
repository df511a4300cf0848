"""Jekyll's Liquid, through python-liquid: its logic and filters, and Jekyll's own tags and
filters on top (`post_url`, `link`, `highlight`, `include` with parameters, `relative_url`…).

A post body goes in, Markdown with raw HTML comes out, and every tag, filter or variable
that is not understood is a problem found at its line, never text left for readers.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, tzinfo
from io import StringIO
from typing import Any, TextIO

from liquid import BoundTemplate, Environment, Mode, RenderContext, Undefined
from liquid.ast import BlockNode, Node
from liquid.builtin.expressions.loop import LoopExpression
from liquid.builtin.tags.for_tag import ForNode, ForTag
from liquid.builtin.tags.tablerow_tag import TablerowNode, TablerowTag
from liquid.exceptions import LiquidError, LiquidInterrupt, LiquidSyntaxError, StopRender
from liquid.parser import get_parser
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import TOKEN_EOF, TOKEN_EXPRESSION, TOKEN_TAG, Token

from feedkit.posts.jekyllfilters import LONGEST, LONGEST_TEXT, given, jekyll_filters
from feedkit.posts.reading import Reading

# What a tag asks of the site: a post by Jekyll name, a page by path, an include's text.
# Each answers (value, problem): a problem is a message for the post's line, "" when none.
Resolver = Callable[[str], tuple[str, str]]


class Found:
    """The problems and reads of one render: (source, index in it, message) and the
    (kind, name) of every post, page or include a tag looked up."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, int, str]] = []
        self.reads: list[tuple[str, str]] = []
        # An include's text → its template and what parsing it said (`_parsed`).
        self.parsed: dict[str, tuple[BoundTemplate, str, list[tuple[str, int, str]]]] = {}


class JekyllTag(Tag):
    """A tag whose markup Jekyll reads itself (not a Liquid expression)."""

    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        markup = stream.current.value if stream.current.kind == TOKEN_EXPRESSION else ""
        return JekyllNode(token, self.name, markup.strip())


class JekyllNode(Node):
    __slots__ = ("name", "markup")

    def __init__(self, token: Token, name: str, markup: str) -> None:
        super().__init__(token)
        self.name = name
        self.markup = markup
        # It writes (a URL, an include's text): a block holding only it and white space,
        # `{% if %}` or a highlight block, is not one whose output Liquid leaves out.
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        env = context.env
        assert isinstance(env, JekyllEnvironment)
        return buffer.write(env.run_tag(self, context))


def _looked_over(expression: LoopExpression, context: RenderContext) -> None:
    """Say what a loop is over when that is undefined (`site.posts`, which feedkit does not
    give): Liquid loops over nothing, and a list would go unsaid. Raise when it is longer
    than the loop limit: python-liquid counts turns only after it has taken `offset` items
    one by one, or made a list of all for `reversed`, which at `(1..999999999)` ran the
    machine out of memory."""
    iterable = expression.iterable.evaluate(context)
    if isinstance(iterable, Undefined) and iterable.token is not None:
        str(iterable)  # said as when shown
    limit = context.env.loop_iteration_limit
    if limit is not None and isinstance(iterable, range | list | tuple):
        try:
            too_long = len(iterable) > limit
        except OverflowError:  # Liquid says so
            return
        if too_long:
            raise LiquidError("loop iteration limit reached", token=expression.token)


class SaidForNode(ForNode):
    """`{% for %}` that says what it loops over when undefined or too long (`_looked_over`)."""

    __slots__ = ()

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        _looked_over(self.expression, context)
        return super().render_to_output(context, buffer)


class SaidForTag(ForTag):
    node_class = SaidForNode


class SaidTablerowNode(TablerowNode):
    """`{% tablerow %}` that says what it loops over when undefined or too long."""

    __slots__ = ()

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        _looked_over(self.expression, context)
        return super().render_to_output(context, buffer)


class SaidTablerowTag(TablerowTag):
    node_class = SaidTablerowNode


class GuardedNode(Node):
    """A node of a post's template whose error of Python's is Liquid's, said at the node's
    line and left out: python-liquid's tags fail so on odd values (`{% for i in x limit: -1
    %}`, `{% unless h contains h %}` with a mapping) where its filters fail as Liquid."""

    __slots__ = ("node",)

    def __init__(self, node: Node) -> None:
        super().__init__(node.token)
        self.node = node
        self.blank = node.blank

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        try:
            return self.node.render(context, buffer)
        except (LiquidError, LiquidInterrupt, StopRender):  # Liquid's own: as it does
            raise
        except Exception as exc:  # noqa: BLE001 - the post's values, at its line
            token = self.node.token
            what = f"{{% {token.value} %}}" if token.kind == TOKEN_TAG else "this output"
            raise LiquidError(f"{what} cannot take these values ({exc})", token=token) from exc


def _guard(template: BoundTemplate) -> None:
    """Put each top-level node of a post's or an include's template in a `GuardedNode`,
    once when it is parsed."""
    template.nodes = [GuardedNode(node) for node in template.nodes]


class HighlightTag(Tag):
    """`{% highlight lang [linenos] %}…{% endhighlight %}`: a fenced code block of what its
    content renders to: Jekyll 4 runs the Liquid in it (`{{ site.url }}`, an
    `{% include_relative %}` of the program shown), and a `{% raw %}` block shows Liquid."""

    name = "highlight"
    end = "endhighlight"

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        markup = ""
        if stream.current.kind == TOKEN_EXPRESSION:  # the language and options
            markup = stream.current.value
            next(stream)
        block = get_parser(self.env).parse_block(stream, frozenset((self.end, TOKEN_EOF)))
        if stream.current.kind == TOKEN_EOF:
            raise LiquidSyntaxError("highlight tag was never closed", token=token)
        words = markup.split()
        return HighlightNode(token, words[0] if words else "", block)


class HighlightNode(Node):
    __slots__ = ("lang", "block")

    def __init__(self, token: Token, lang: str, block: BlockNode) -> None:
        super().__init__(token)
        self.lang = lang
        self.block = block

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        inner = StringIO()
        self.block.render(context, inner)
        code = inner.getvalue().strip("\r\n")  # as Jekyll takes its line ends off
        longest = max((len(m) for m in re.findall(r"`{3,}", code)), default=2)
        fence = "`" * (longest + 1)
        return buffer.write(f"\n{fence}{self.lang}\n{code}\n{fence}\n")


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_PARAM = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([\w.\[\]-]+))""")
_VARIABLE = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


class JekyllEnvironment(Environment):
    """python-liquid with Jekyll's tags and filters; problems are collected, not raised."""

    # A post's loop or output this big is a mistake: a warning, not a build that hangs.
    loop_iteration_limit = LONGEST
    output_stream_limit = LONGEST_TEXT

    def __init__(
        self,
        site: Mapping[str, Any],
        lookup: Mapping[str, Resolver],
        reading: Reading | None = None,
        zone: tzinfo = UTC,
    ) -> None:
        """`reading`: how the site's converter reads Markdown, which `markdownify` uses;
        `zone`: the site's, which the date filters show times in."""
        super().__init__(tolerance=Mode.LAX, strict_filters=True)
        self.site = site
        self.lookup = lookup  # "post_url", "link", "include" → its resolver
        self.found = Found()
        found_of = lambda: self.found  # noqa: E731
        self.including: list[tuple[str, str]] = []  # the includes being rendered, innermost last

        class Missing(Undefined):
            """An undefined variable: shown as nothing, and said."""

            __slots__ = ()

            def __str__(self) -> str:
                if self.token is not None:
                    said = (
                        self.token.source,
                        self.token.start_index,
                        f"Liquid: {self.hint or self.name + ' is undefined'}; left out",
                    )
                    problems = found_of().problems
                    if said not in problems:  # once, however often it is shown
                        problems.append(said)
                return ""

        self.undefined = Missing
        for name in ("post_url", "link", "include", "include_relative", "gist"):
            self.add_tag(type(f"{name}_tag", (JekyllTag,), {"name": name}))
        self.add_tag(HighlightTag)
        self.add_tag(SaidForTag)
        self.add_tag(SaidTablerowTag)
        for name, func in jekyll_filters(site, reading, zone).items():
            self.add_filter(name, func)
        # Each filter as a post's render calls it (`given`): an undefined input said, as
        # when shown (Liquid's `size` makes 0 of it and `join` nothing, unsaid, where Jekyll
        # has a value: `site.posts | size`), and a Python error said at its line.
        for name, func in list(self.filters.items()):
            self.filters[name] = given(name, func)
        # The tags being parsed, innermost last: where a problem found at the end of the
        # template (a block never closed) is said.
        self.parsing: list[Token] = []
        for parser in self.tags.values():
            setattr(parser, "get_node", self._tracked(parser.get_node))  # noqa: B010

    def _tracked(self, get_node: Callable[[TokenStream], Node]) -> Callable[[TokenStream], Node]:
        def tracked(stream: TokenStream) -> Node:
            self.parsing.append(stream.current)
            try:
                return get_node(stream)
            finally:
                self.parsing.pop()

        return tracked

    def error(self, exc: Any, msg: str | None = None, token: Token | None = None) -> None:
        if not isinstance(exc, LiquidError):
            exc = exc(msg, token=token)
        where = exc.token or token
        if (where is None or where.start_index < 0) and self.parsing:
            where = self.parsing[-1]
        message = str(exc.args[0]) if exc.args else type(exc).__name__
        if message.startswith("unexpected tag "):
            message = "unknown tag " + message.removeprefix("unexpected tag ")
        message = f"Liquid: {message}; left out"
        if where is None or where.start_index < 0:
            self.found.problems.append(("", 0, message))
        else:
            self.found.problems.append((where.source, where.start_index, message))

    def render_post(self, source: str, page: Mapping[str, Any]) -> tuple[str, Found]:
        """Return `source` rendered for `page`, and what was found on the way."""
        self.found = Found()
        for _ in range(100):
            try:
                template = self.from_string(source, globals={"site": self.site, "page": page})
            except LiquidError as exc:
                # The lexer stops at a `{{` or `{%` it cannot read to its end: said, and
                # read again without it, so the rest of the post is kept.
                self.error(exc)
                at = exc.token.start_index if exc.token else -1
                if source[at : at + 2] not in ("{{", "{%"):
                    break
                source = source[:at] + source[at + 2 :]
                continue
            _guard(template)
            text = template.render()
            # A problem met at each turn of a loop is said once at its place.
            self.found.problems = list(dict.fromkeys(self.found.problems))
            return text, self.found
        return "", self.found

    def run_tag(self, node: JekyllNode, context: RenderContext) -> str:
        markup = _VARIABLE.sub(lambda m: str(_value(context, m[1])), node.markup)
        if node.name == "include":
            return self._include(node, markup, context)
        if node.name == "include_relative":
            return self._include(node, markup, context, "include_relative")
        if node.name == "gist":
            return _gist_link(markup)
        target = markup.split()[0] if markup.split() else ""
        self.found.reads.append((node.name, target))
        value, problem = self.lookup[node.name](target)
        if problem:
            self.found.problems.append((node.token.source, node.token.start_index, problem))
        return value

    def _include(
        self, node: JekyllNode, markup: str, context: RenderContext, kind: str = "include"
    ) -> str:
        # Its name, then its parameters, after any white space: a call over lines too
        # (`{% include figure.html⏎   src="…" %}`, as an include's own usage notes show it).
        name, rest = (*markup.split(None, 1), "", "")[:2]
        shown = name
        if kind == "include_relative":  # from the post's folder (its path as shown)
            page_path = str(_value(context, "page.path") or "")
            name = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), name))
        self.found.reads.append((kind, name))
        text, problem = self.lookup[kind](name)
        if not problem and (kind, name) in self.including:  # Jekyll's stack would overflow
            problem = f"{kind}: {shown} includes itself; left out"
        if problem:
            self.found.problems.append((node.token.source, node.token.start_index, problem))
            return ""
        params = {
            m[1]: m[2] if m[2] is not None else m[3] if m[3] is not None else _value(context, m[4])
            for m in _PARAM.finditer(rest)
        }
        buffer = StringIO()
        before = len(self.found.problems)
        self.including.append((kind, name))
        try:
            template, text = self._parsed(text, name)  # the text its tokens point into
            with context.extend({"include": params}):
                for child in template.nodes:
                    try:
                        child.render(context, buffer)
                    except LiquidError as exc:
                        self.error(exc, token=child.token)
        except LiquidError as exc:
            self.error(exc)
        finally:
            self.including.pop()
        # Said at the include tag, with the place in the include file.
        for i in range(before, len(self.found.problems)):
            source, index, message = self.found.problems[i]
            if source is text and "(_includes/" not in message and f"({shown}," not in message:
                line = text.count("\n", 0, index) + 1
                where = f"_includes/{name}" if kind == "include" else shown
                message = f"{message} ({where}, line {line})"
            self.found.problems[i] = (node.token.source, node.token.start_index, message)
        return buffer.getvalue()

    def _parsed(self, text: str, name: str) -> tuple[BoundTemplate, str]:
        """Return an include's text parsed, and the text its tokens point into: once a
        post (an include in a loop of thousands of turns was parsed at each, 0.4 ms a
        turn). What parsing said is said again at each use, as it was."""
        kept = self.found.parsed.get(text)
        if kept is None:
            before = len(self.found.problems)
            template = self.from_string(text, name=name)  # a LiquidError: parsed again
            _guard(template)
            kept = self.found.parsed[text] = (template, text, self.found.problems[before:])
        else:
            self.found.problems.extend(kept[2])
        return kept[0], kept[1]


def _value(context: RenderContext, path: str) -> object:
    if _NUMBER.fullmatch(path):  # a literal (`width=410`), as Liquid reads one
        return float(path) if "." in path else int(path)
    parts: list[object] = [int(p) if p.isdigit() else p for p in path.split(".")]
    return context.get(parts, token=None, default="")


def _gist_link(markup: str) -> str:
    """Return jekyll-gist's `{% gist [user/]id [file] %}` as a link to the gist: feeds show
    embeds as links."""
    gist, _, file = markup.partition(" ")
    file = file.strip().strip("\"'")
    anchor = "#file-" + re.sub(r"[^\w-]", "-", file).lower() if file else ""
    url = f"https://gist.github.com/{gist}{anchor}"
    text = "Gist " + (file or gist.rpartition("/")[2])
    return f'<a href="{html.escape(url)}">{html.escape(text)}</a>'


def lines_of(found: Found) -> Iterator[tuple[int, str]]:
    """Yield (0-based line in the post, message) for each problem found; a problem with
    no place (the whole template) at its first line."""
    for text, index, message in found.problems:
        yield (text.count("\n", 0, index) if text else 0), message
