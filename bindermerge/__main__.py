from bindermerge.cli.main import main

main()
