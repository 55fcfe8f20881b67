"""Tests of the web layer: sign-in, sessions and headers, throttles, the unit's portal, return addresses, races."""
