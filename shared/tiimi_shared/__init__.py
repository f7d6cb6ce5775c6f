"""The tiimi kernel: what every service shares and nothing that is a business rule."""
