from bantin.cli.main import main

main()
