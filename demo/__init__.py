"""The demo office: a believable bureau (units, liaisons, leaders, items) and a year of its work, for `seed-demo`."""
