"""The `feedkit` command's commands, one module per side of the product; `feedkit.cli` has
the group they join, and what they share."""
