"""Binance Login: an OAuth 2.0 authorization server (authorization code, PKCE) for apps that
log users in with their sandbox account. The protocol is Authlib's; this package adapts it."""
