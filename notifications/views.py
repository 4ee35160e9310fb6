"""The "For you" inbox pages."""
