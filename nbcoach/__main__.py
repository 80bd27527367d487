from nbcoach.cli import main

main()
