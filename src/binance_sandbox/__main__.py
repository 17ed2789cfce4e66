from binance_sandbox.cli.main import main

main()
