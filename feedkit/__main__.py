from feedkit.cli import run

run()
