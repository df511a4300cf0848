from feedkit.cli import main

main()
