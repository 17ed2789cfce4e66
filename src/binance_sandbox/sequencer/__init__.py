"""The single writer: stamps, journals, applies and publishes every command."""
