from feedkit.launch import run

run()
