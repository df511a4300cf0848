from feedkit.entry import run

run()
