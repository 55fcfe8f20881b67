"""Excel import (units, the liaison roster, items) with a row-by-row preview, all or nothing; templates and exports."""
