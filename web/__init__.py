"""Pages outside the admin: sign-in, error pages."""
