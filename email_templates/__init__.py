"""feedkit's default email templates.

A site overrides any of them by putting a file of the same name in its own
`email_templates/` folder (see `[digest] templates` in feedkit.toml).
"""
