<?xml version="1.0" encoding="UTF-8"?>
<!--
  feedkit: human-readable view of atom.xml and rss.xml in a web browser.

  Plain XSLT 1.0 so that the XSLT engines built into browsers can run it:
  no extension functions, no disable-output-escaping, no scripts, no
  external resources. The same stylesheet handles Atom 1.0 and RSS 2.0.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:content="http://purl.org/rss/1.0/modules/content/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    exclude-result-prefixes="atom content dc">

  <xsl:output method="html" encoding="UTF-8" doctype-system="about:legacy-compat" indent="no"/>

  <!-- What stands between an entry's authors, as the digest lists names (CLDR's list
       patterns): between two, and before the last of more; feedkit/site/xsl.py writes
       another language's. -->
  <xsl:variable name="list-2" select="' and '"/>
  <xsl:variable name="list-end" select="', and '"/>
  <xsl:variable name="lower" select="'abcdefghijklmnopqrstuvwxyz'"/>
  <xsl:variable name="upper" select="'ABCDEFGHIJKLMNOPQRSTUVWXYZ'"/>

  <!-- Only one of the two alternatives in each union exists in a given feed. -->
  <xsl:variable name="self-url"
      select="normalize-space((/atom:feed/atom:link[@rel = 'self']/@href
                              | /rss/channel/atom:link[@rel = 'self']/@href)[1])"/>

  <xsl:variable name="site-url">
    <xsl:choose>
      <xsl:when test="/atom:feed">
        <xsl:value-of select="normalize-space(
            /atom:feed/atom:link[@rel = 'alternate' or not(@rel)][1]/@href)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="normalize-space(/rss/channel/link)"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:variable name="feed-title">
    <xsl:choose>
      <xsl:when test="/atom:feed/atom:title">
        <xsl:call-template name="text-construct">
          <xsl:with-param name="node" select="/atom:feed/atom:title"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="normalize-space(/rss/channel/title)"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:variable name="feed-subtitle">
    <xsl:choose>
      <xsl:when test="/atom:feed/atom:subtitle">
        <xsl:call-template name="text-construct">
          <xsl:with-param name="node" select="/atom:feed/atom:subtitle"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="html-text">
          <xsl:with-param name="s" select="string(/rss/channel/description)"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:variable name="lang"
      select="normalize-space((/atom:feed/@xml:lang | /rss/channel/language)[1])"/>

  <xsl:template match="/">
    <html>
      <xsl:if test="$lang != ''">
        <xsl:attribute name="lang"><xsl:value-of select="$lang"/></xsl:attribute>
      </xsl:if>
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="color-scheme" content="light dark"/>
        <meta name="robots" content="noindex"/>
        <title>
          <xsl:choose>
            <xsl:when test="string($feed-title) != ''">
              <xsl:value-of select="$feed-title"/>
              <xsl:text> (web feed)</xsl:text>
            </xsl:when>
            <xsl:otherwise>Web feed</xsl:otherwise>
          </xsl:choose>
        </title>
        <style>
:root {
  color-scheme: light dark;
  --fg: #1f2328; --muted: #59636e; --bg: #ffffff;
  --accent: #0b57d0; --banner-bg: #eef4ff; --banner-border: #b6ccf5;
  --code-bg: #ffffff; --rule: #d8dee4;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6edf3; --muted: #9aa5b1; --bg: #0d1117;
    --accent: #7cacf8; --banner-bg: #152238; --banner-border: #2f4a78;
    --code-bg: #0d1117; --rule: #30363d;
  }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
    "Noto Sans", Arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji";
  font-size: 1.0625rem; line-height: 1.6;
}
main { max-width: 42rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
a { color: var(--accent); }
a:hover, a:focus { text-decoration-thickness: 2px; }
.banner {
  background: var(--banner-bg); border: 1px solid var(--banner-border);
  border-radius: .5rem; padding: .75rem 1rem; margin: 0 0 2rem;
}
.banner p { margin: .25rem 0; }
.banner code {
  display: block; padding: .4rem .6rem; margin: .4rem 0;
  background: var(--code-bg); border: 1px solid var(--banner-border); border-radius: .35rem;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-size: .9rem; overflow-wrap: anywhere; word-break: break-all; user-select: all;
}
header.feed h1 { font-size: 1.9rem; line-height: 1.25; margin: 0 0 .25rem; overflow-wrap: break-word; }
header.feed .subtitle { color: var(--muted); margin: 0 0 1.5rem; }
.entry { border-top: 1px solid var(--rule); padding: 1.25rem 0; }
.entry h2 { font-size: 1.3rem; line-height: 1.3; margin: 0 0 .3rem; overflow-wrap: break-word; }
.entry h2 a { text-decoration: none; }
.entry h2 a:hover, .entry h2 a:focus { text-decoration: underline; }
.meta { color: var(--muted); font-size: .9rem; margin: 0 0 .5rem; }
.summary { margin: .5rem 0; overflow-wrap: break-word; }
.categories { list-style: none; padding: 0; margin: .5rem 0 0; display: flex; flex-wrap: wrap; gap: .4rem; }
.categories li {
  font-size: .8rem; color: var(--muted); border: 1px solid var(--rule);
  border-radius: 999px; padding: .05rem .6rem;
}
.empty { color: var(--muted); }
        </style>
      </head>
      <body>
        <main>
          <section class="banner" aria-label="About this page">
            <p><strong>This is a web feed.</strong> Copy its address into your feed reader to subscribe.</p>
            <xsl:if test="$self-url != ''">
              <p><code class="feed-url"><xsl:value-of select="$self-url"/></code></p>
            </xsl:if>
            <xsl:variable name="site-href">
              <xsl:call-template name="safe-href">
                <xsl:with-param name="href" select="$site-url"/>
              </xsl:call-template>
            </xsl:variable>
            <!-- feedgen puts the last link added into RSS channel/link; don't
                 offer "visit the website" when that is the feed itself. -->
            <xsl:if test="string($site-href) != '' and string($site-href) != $self-url">
              <p><a class="site-link" href="{$site-href}">Visit the website &#8594;</a></p>
            </xsl:if>
          </section>

          <header class="feed">
            <h1 dir="auto">
              <xsl:choose>
                <xsl:when test="string($feed-title) != ''"><xsl:value-of select="$feed-title"/></xsl:when>
                <xsl:otherwise>Untitled feed</xsl:otherwise>
              </xsl:choose>
            </h1>
            <xsl:if test="string($feed-subtitle) != ''">
              <p class="subtitle" dir="auto"><xsl:value-of select="$feed-subtitle"/></p>
            </xsl:if>
          </header>

          <xsl:choose>
            <xsl:when test="/atom:feed/atom:entry">
              <xsl:apply-templates select="/atom:feed/atom:entry"/>
            </xsl:when>
            <xsl:when test="/rss/channel/item">
              <xsl:apply-templates select="/rss/channel/item"/>
            </xsl:when>
            <xsl:when test="/atom:feed or /rss/channel">
              <p class="empty">No entries yet.</p>
            </xsl:when>
            <xsl:otherwise>
              <p class="empty">This document is not a recognised Atom or RSS feed.</p>
            </xsl:otherwise>
          </xsl:choose>
        </main>
      </body>
    </html>
  </xsl:template>

  <!-- ================================================================ Atom -->
  <xsl:template match="atom:entry">
    <xsl:variable name="date"
        select="normalize-space((atom:published | atom:updated[not(../atom:published)])[1])"/>
    <xsl:call-template name="render-entry">
      <xsl:with-param name="title">
        <xsl:call-template name="text-construct">
          <xsl:with-param name="node" select="atom:title"/>
        </xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="href"
          select="atom:link[@rel = 'alternate' or not(@rel)][1]/@href"/>
      <xsl:with-param name="datetime" select="$date"/>
      <xsl:with-param name="date-text" select="substring($date, 1, 10)"/>
      <xsl:with-param name="summary">
        <xsl:call-template name="text-construct">
          <xsl:with-param name="node" select="atom:summary"/>
        </xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="authors">
        <!-- An entry without authors inherits the feed's authors (RFC 4287). -->
        <xsl:choose>
          <xsl:when test="atom:author/atom:name[normalize-space()]">
            <xsl:apply-templates select="atom:author/atom:name[normalize-space()]" mode="name-list"/>
          </xsl:when>
          <xsl:otherwise>
            <xsl:apply-templates select="../atom:author/atom:name[normalize-space()]" mode="name-list"/>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="categories">
        <xsl:for-each select="atom:category">
          <!-- The human-readable label if there is one, else the term. -->
          <xsl:variable name="label">
            <xsl:choose>
              <xsl:when test="normalize-space(@label) != ''">
                <xsl:value-of select="normalize-space(@label)"/>
              </xsl:when>
              <xsl:otherwise><xsl:value-of select="normalize-space(@term)"/></xsl:otherwise>
            </xsl:choose>
          </xsl:variable>
          <xsl:if test="string($label) != ''">
            <li><bdi><xsl:value-of select="$label"/></bdi></li>
          </xsl:if>
        </xsl:for-each>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- ================================================================= RSS -->
  <xsl:template match="item">
    <xsl:call-template name="render-entry">
      <xsl:with-param name="title" select="normalize-space(title)"/>
      <xsl:with-param name="href">
        <xsl:choose>
          <xsl:when test="normalize-space(link) != ''">
            <xsl:value-of select="link"/>
          </xsl:when>
          <xsl:otherwise>
            <xsl:value-of select="guid[not(@isPermaLink = 'false')]"/>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="datetime">
        <xsl:call-template name="rfc822-date">
          <xsl:with-param name="raw" select="normalize-space(pubDate)"/>
          <xsl:with-param name="or" select="''"/>
        </xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="date-text">
        <!-- As an Atom entry's: the day, 2026-11-03, in no language's month names. -->
        <xsl:call-template name="rfc822-date">
          <xsl:with-param name="raw" select="normalize-space(pubDate)"/>
          <xsl:with-param name="or" select="normalize-space(pubDate)"/>
        </xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="summary">
        <xsl:call-template name="html-text">
          <xsl:with-param name="s" select="string(description)"/>
        </xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="authors">
        <xsl:apply-templates select="(author | dc:creator)[normalize-space()]" mode="name-list"/>
      </xsl:with-param>
      <xsl:with-param name="categories">
        <xsl:for-each select="category[normalize-space()]">
          <li><bdi><xsl:value-of select="normalize-space()"/></bdi></li>
        </xsl:for-each>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- A list of names, as the language writes one ("Ada, Bo, and Cy"). RSS <author> is
       "email (Name)": show Name. -->
  <xsl:template match="*" mode="name-list">
    <xsl:variable name="raw" select="normalize-space()"/>
    <xsl:choose>
      <xsl:when test="position() = 1"/>
      <xsl:when test="last() = 2"><xsl:value-of select="$list-2"/></xsl:when>
      <xsl:when test="position() = last()"><xsl:value-of select="$list-end"/></xsl:when>
      <xsl:otherwise>, </xsl:otherwise>
    </xsl:choose>
    <bdi class="author">
      <xsl:choose>
        <xsl:when test="self::author and contains($raw, ' (')
                        and substring($raw, string-length($raw)) = ')'">
          <xsl:variable name="after" select="substring-after($raw, ' (')"/>
          <xsl:value-of select="substring($after, 1, string-length($after) - 1)"/>
        </xsl:when>
        <xsl:otherwise><xsl:value-of select="$raw"/></xsl:otherwise>
      </xsl:choose>
    </bdi>
  </xsl:template>

  <!-- ======================================================= shared markup -->
  <xsl:template name="render-entry">
    <xsl:param name="title"/>
    <xsl:param name="href"/>
    <xsl:param name="datetime"/>
    <xsl:param name="date-text"/>
    <xsl:param name="summary"/>
    <xsl:param name="authors"/>
    <xsl:param name="categories"/>
    <xsl:variable name="safe">
      <xsl:call-template name="safe-href">
        <xsl:with-param name="href" select="$href"/>
      </xsl:call-template>
    </xsl:variable>
    <article class="entry">
      <h2 dir="auto">
        <xsl:choose>
          <xsl:when test="string($safe) != ''">
            <a href="{$safe}">
              <xsl:call-template name="title-or-default">
                <xsl:with-param name="title" select="$title"/>
              </xsl:call-template>
            </a>
          </xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="title-or-default">
              <xsl:with-param name="title" select="$title"/>
            </xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </h2>
      <xsl:if test="string($date-text) != '' or string($authors) != ''">
        <p class="meta">
          <xsl:if test="string($date-text) != ''">
            <time>
              <xsl:if test="string($datetime) != ''">
                <xsl:attribute name="datetime"><xsl:value-of select="$datetime"/></xsl:attribute>
              </xsl:if>
              <xsl:value-of select="$date-text"/>
            </time>
          </xsl:if>
          <xsl:if test="string($date-text) != '' and string($authors) != ''">
            <xsl:text> &#183; </xsl:text>
          </xsl:if>
          <xsl:if test="string($authors) != ''">
            <span class="authors">by <xsl:copy-of select="$authors"/></span>
          </xsl:if>
        </p>
      </xsl:if>
      <xsl:if test="string($summary) != ''">
        <p class="summary" dir="auto"><xsl:value-of select="$summary"/></p>
      </xsl:if>
      <xsl:if test="string($categories) != ''">
        <ul class="categories" aria-label="Categories"><xsl:copy-of select="$categories"/></ul>
      </xsl:if>
    </article>
  </xsl:template>

  <xsl:template name="title-or-default">
    <xsl:param name="title"/>
    <xsl:choose>
      <xsl:when test="string($title) != ''"><xsl:value-of select="$title"/></xsl:when>
      <xsl:otherwise>(untitled)</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!--
    Plain text of an Atom text construct. type="text" (the default) and
    type="xhtml" are used via their string value; type="html" holds escaped
    markup, so tags are removed and the common entities decoded, as the
    browser must not show "<p>" to the reader.
  -->
  <xsl:template name="text-construct">
    <xsl:param name="node"/>
    <xsl:choose>
      <xsl:when test="$node/@type = 'html'">
        <xsl:call-template name="html-text">
          <xsl:with-param name="s" select="string($node)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="normalize-space($node)"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- HTML as its text: an Atom type="html" construct, an RSS description. -->
  <xsl:template name="html-text">
    <xsl:param name="s"/>
    <xsl:variable name="stripped">
      <xsl:call-template name="strip-tags">
        <xsl:with-param name="s" select="$s"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="decoded">
      <xsl:call-template name="decode-entities">
        <xsl:with-param name="s" select="normalize-space($stripped)"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:value-of select="normalize-space($decoded)"/>
  </xsl:template>

  <xsl:template name="strip-tags">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="contains($s, '&lt;')">
        <xsl:value-of select="substring-before($s, '&lt;')"/>
        <xsl:text> </xsl:text>
        <xsl:call-template name="strip-tags">
          <xsl:with-param name="s" select="substring-after(substring-after($s, '&lt;'), '&gt;')"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="decode-entities">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="contains($s, '&amp;')">
        <xsl:variable name="rest" select="substring-after($s, '&amp;')"/>
        <xsl:variable name="name" select="substring-before($rest, ';')"/>
        <xsl:variable name="known"
            select="$name = 'amp' or $name = 'lt' or $name = 'gt' or $name = 'quot'
                    or $name = 'apos' or $name = '#39' or $name = '#039' or $name = '#x27'
                    or $name = 'nbsp' or $name = '#160'"/>
        <xsl:value-of select="substring-before($s, '&amp;')"/>
        <xsl:choose>
          <xsl:when test="$name = 'amp'">&amp;</xsl:when>
          <xsl:when test="$name = 'lt'">&lt;</xsl:when>
          <xsl:when test="$name = 'gt'">&gt;</xsl:when>
          <xsl:when test="$name = 'quot'">"</xsl:when>
          <xsl:when test="$name = 'nbsp' or $name = '#160'"><xsl:text> </xsl:text></xsl:when>
          <xsl:when test="$known">'</xsl:when>
          <xsl:otherwise>&amp;</xsl:otherwise>
        </xsl:choose>
        <xsl:call-template name="decode-entities">
          <xsl:with-param name="s">
            <xsl:choose>
              <xsl:when test="$known"><xsl:value-of select="substring-after($rest, ';')"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="$rest"/></xsl:otherwise>
            </xsl:choose>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!--
    Returns the href (whitespace-trimmed) if it is safe to put into <a href>:
    an http(s) URL or a relative reference. Anything with another scheme
    (javascript:, data:, vbscript:, ...) yields the empty string.
  -->
  <xsl:template name="safe-href">
    <xsl:param name="href"/>
    <xsl:variable name="h" select="normalize-space($href)"/>
    <xsl:variable name="scheme" select="translate(substring-before($h, ':'), $upper, $lower)"/>
    <xsl:choose>
      <xsl:when test="$h = ''"/>
      <xsl:when test="not(contains($h, ':'))"><xsl:value-of select="$h"/></xsl:when>
      <xsl:when test="$scheme = 'http' or $scheme = 'https'"><xsl:value-of select="$h"/></xsl:when>
      <!-- A ':' after the first '/', '?' or '#' is not a scheme separator. -->
      <xsl:when test="contains($scheme, '/') or contains($scheme, '?') or contains($scheme, '#')">
        <xsl:value-of select="$h"/>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- An RSS date (RFC 822: "Tue, 03 Nov 2026 12:00:00 +0100") as its day, 2026-11-03;
       `or` when it is in no form read here. -->
  <xsl:template name="rfc822-date">
    <xsl:param name="raw"/>
    <xsl:param name="or"/>
    <xsl:variable name="rest">
      <xsl:choose>
        <xsl:when test="contains($raw, ',')"><xsl:value-of select="normalize-space(substring-after($raw, ','))"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$raw"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="day" select="substring-before($rest, ' ')"/>
    <xsl:variable name="after-day" select="substring-after($rest, ' ')"/>
    <xsl:variable name="month" select="substring-before($after-day, ' ')"/>
    <xsl:variable name="after-month" select="substring-after($after-day, ' ')"/>
    <xsl:variable name="year">
      <xsl:choose>
        <xsl:when test="contains($after-month, ' ')"><xsl:value-of select="substring-before($after-month, ' ')"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$after-month"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="months" select="'JanFebMarAprMayJunJulAugSepOctNovDec'"/>
    <xsl:choose>
      <xsl:when test="string-length($month) = 3 and contains($months, $month)
                      and string-length($year) = 4 and number($year) = number($year)
                      and number($day) &gt;= 1 and number($day) &lt;= 31">
        <xsl:value-of select="concat($year, '-',
            format-number(string-length(substring-before($months, $month)) div 3 + 1, '00'),
            '-', format-number($day, '00'))"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$or"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
