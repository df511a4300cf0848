"""Posts → inboxes: new posts, the digest rendered once, one message per reader on the wire,
the subscriber list, what was sent to whom (SQLite), outbox or SMTP delivery."""
