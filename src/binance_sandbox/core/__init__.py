"""The deterministic core: `Exchange.apply(stamped command) -> events`.

Pure and synchronous: no clock, randomness, files or sockets. Time and the sequence number
arrive on each command; every id and secret derives from them and the exchange seed.
"""
