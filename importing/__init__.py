"""Excel and CSV: importing units, the liaison roster and items with a row-by-row preview; templates and exports."""
