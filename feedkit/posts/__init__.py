"""Files → Posts: find post files (Jekyll, Hugo, Pelican layouts), split and read their
front matter with line numbers, turn it into Posts, render Markdown to safe HTML and summaries."""
