"""Liquidity agents: market makers and noise takers trading as ordinary accounts."""
