"""The example service: one small module per domain."""
